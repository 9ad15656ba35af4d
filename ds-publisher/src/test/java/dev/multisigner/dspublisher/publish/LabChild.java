package dev.multisigner.dspublisher.publish;

import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabSigner;
import java.util.HashMap;
import java.util.Map;

/** The lab's Knot signers as the ds-publisher's {@code multisigner.signers.<id>.*} settings. */
final class LabChild {

  private LabChild() {}

  /** {@code multisigner.signers.<id>.*} for every Knot signer of the lab (RFC 2136 + TSIG). */
  static Map<String, Object> signerProperties(DnsLab lab) {
    Map<String, Object> p = new HashMap<>();
    signerConfig(lab)
        .forEach(
            (id, values) ->
                values.forEach((k, v) -> p.put("multisigner.signers." + id + "." + k, v)));
    return p;
  }

  /** Signer id to its adapter settings, for {@code new SignerRegistry(...)}. */
  static Map<String, Map<String, String>> signerConfig(DnsLab lab) {
    Map<String, Map<String, String>> out = new HashMap<>();
    for (LabSigner s : lab.signers()) {
      if (s instanceof KnotSigner knot) {
        out.put(
            knot.id(),
            Map.of(
                "kind", "rfc2136",
                "server", "127.0.0.1:" + knot.dnsAddress().getPort(),
                "tsig-name", knot.tsig().name(),
                "tsig-algorithm", knot.tsig().algorithm(),
                "tsig-secret", knot.tsig().secret()));
      }
    }
    return out;
  }
}
