package dev.multisigner.providers;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.providers.powerdns.PowerDnsAdapter;
import dev.multisigner.providers.rfc2136.Rfc2136Adapter;
import dev.multisigner.providers.rfc2136.TsigKey;
import java.time.Duration;

/** The real adapters for a lab's signers, as the tests of this module build them. */
public final class LabAdapters {

  private LabAdapters() {}

  /** RFC 2136 with the lab Knot's TSIG key, own keys inferred from the served RRSIGs. */
  public static Rfc2136Adapter knot(KnotSigner k) {
    return Rfc2136Adapter.knot(
        SignerId.of(k.id()),
        k.dnsAddress(),
        new TsigKey(k.tsig().name(), k.tsig().algorithm(), Secret.of(k.tsig().secret())));
  }

  /** The lab PowerDNS's HTTP API with its key, reads over DNS, 3 s timeout. */
  public static PowerDnsAdapter pdns(PdnsSigner p) {
    return new PowerDnsAdapter(
        SignerId.of(p.id()),
        p.apiUrl(),
        p.serverId(),
        Secret.of(p.apiKey()),
        p.dnsAddress(),
        Duration.ofSeconds(3));
  }
}
