package dev.multisigner.providers.rfc2136;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotKey;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.TsigCredentials;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.contract.DnsProviderContract;
import dev.multisigner.providers.dns.DnsKeyReader.OwnKeys;
import java.util.List;
import java.util.stream.Collectors;

/** The contract against a real Knot DNS 3.2 from the lab, through RFC 2136 + TSIG. */
class KnotRfc2136ContractTest extends DnsProviderContract {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final String WRONG_SECRET = "d3JvbmctdHNpZy1zZWNyZXQtZm9yLXRoZS1jb250cmFjdA==";

  private DnsLab lab;
  private KnotSigner knot;

  @Override
  protected void start() {
    lab = DnsLab.builder().zone(ZONE.value()).knotSigner("knot-a").start();
    knot = lab.knot("knot-a");
  }

  @Override
  protected void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  private DnsProvider adapter(String secret) {
    TsigCredentials tsig = knot.tsig();
    return new Rfc2136Adapter(
        SignerId.of(knot.id()),
        knot.dnsAddress(),
        new TsigKey(tsig.name(), tsig.algorithm(), Secret.of(secret)),
        Rfc2136Capabilities.limits().suggestedTimeout(),
        OwnKeys.fromKeyManager(
            z ->
                new KnotKeystore(knot)
                    .keys().stream().map(KnotKey::keyTag).collect(Collectors.toSet())),
        Rfc2136Capabilities.knot());
  }

  @Override
  protected DnsProvider provider() {
    return adapter(knot.tsig().secret());
  }

  @Override
  protected DnsProvider providerWithWrongCredentials() {
    return adapter(WRONG_SECRET);
  }

  @Override
  protected ZoneName zone() {
    return ZONE;
  }

  @Override
  protected List<String> secrets() {
    return List.of(knot.tsig().secret(), WRONG_SECRET);
  }
}
