package dev.multisigner.providers.powerdns;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.contract.DnsProviderContract;
import java.util.List;

/** The contract against a real PowerDNS 4.7 from the lab, through its HTTP API. */
class PowerDnsContractTest extends DnsProviderContract {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final String WRONG_KEY = "wrong-pdns-api-key-for-the-contract";

  private DnsLab lab;
  private PdnsSigner pdns;

  @Override
  protected void start() {
    lab = DnsLab.builder().zone(ZONE.value()).pdnsSigner("pdns-b").start();
    pdns = lab.pdns("pdns-b");
  }

  @Override
  protected void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  private DnsProvider adapter(String apiKey) {
    return new PowerDnsAdapter(
        SignerId.of(pdns.id()),
        pdns.apiUrl(),
        pdns.serverId(),
        Secret.of(apiKey),
        pdns.dnsAddress(),
        PowerDnsCapabilities.limits().suggestedTimeout());
  }

  @Override
  protected DnsProvider provider() {
    return adapter(pdns.apiKey());
  }

  @Override
  protected DnsProvider providerWithWrongCredentials() {
    return adapter(WRONG_KEY);
  }

  @Override
  protected ZoneName zone() {
    return ZONE;
  }

  @Override
  protected List<String> secrets() {
    return List.of(pdns.apiKey(), WRONG_KEY);
  }
}
