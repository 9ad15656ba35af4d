package dev.multisigner.cli;

import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The services' configuration for a lab world: each lab signer as a {@code
 * multisigner.signers.<id>} adapter (Knot through RFC 2136 + TSIG, PowerDNS through its API) and
 * the lab's BIND parent as the ds-publisher's parent "lab". Used by the demo, the benchmarks and
 * the end-to-end tests.
 */
public final class LabWiring {

  private LabWiring() {}

  /** Every signer of the lab, by its id. */
  public static Map<String, Object> signers(DnsLab lab) {
    return signers(lab, "");
  }

  /**
   * Every signer of the lab, by {@code idPrefix} + its lab id (many labs wired into one set of
   * services, as the soak does).
   */
  public static Map<String, Object> signers(DnsLab lab, String idPrefix) {
    Map<String, Object> p = new HashMap<>();
    for (LabSigner s : lab.signers()) {
      String prefix = "multisigner.signers." + idPrefix + s.id() + ".";
      if (s instanceof KnotSigner knot) {
        boolean offline = knot.keyScheme() == KeyScheme.OFFLINE_KSK;
        // a model 1 member: its DNSKEY RRset comes signed by the KSK holder, as an SKR
        p.put(prefix + "kind", offline ? "knot-offline-ksk" : "rfc2136");
        if (offline) {
          p.put(prefix + "knotc", "knotc -c " + knot.configFile());
        }
        p.put(prefix + "server", hostPort(knot.dnsAddress()));
        p.put(prefix + "tsig-name", knot.tsig().name());
        p.put(prefix + "tsig-algorithm", knot.tsig().algorithm());
        p.put(prefix + "tsig-secret", knot.tsig().secret());
        // Knot's own key manager lists the keys it holds, so a key planted at it halts the zone;
        // a listing needs only the key database (-D), not the whole configuration, whose parsing
        // is most of a run's cost with many zones; the offline-KSK adapter's other keymgr
        // commands (KSR, SKR) need the zone's policy, so the configuration
        p.put(
            prefix + "keymgr",
            offline ? "keymgr -c " + knot.configFile() : "keymgr -D " + knot.kaspDb());
      } else if (s instanceof PdnsSigner pdns) {
        p.put(prefix + "kind", "powerdns");
        p.put(prefix + "dns", hostPort(pdns.dnsAddress()));
        p.put(prefix + "api-url", pdns.apiUrl().toString());
        p.put(prefix + "api-key", pdns.apiKey());
        p.put(prefix + "server-id", pdns.serverId());
      } else {
        throw new IllegalArgumentException("no adapter wiring for lab signer " + s);
      }
    }
    return p;
  }

  /**
   * The zone owner's KSK held by Multisigner as the model 1 signer {@code id} ({@code owner-ksk}):
   * a key generated on first use in {@code keyDirectory}, signatures made in {@code sections}
   * windows {@code interval} apart, each valid for {@code lifetime} from {@code backdate} before
   * its window.
   */
  public static Map<String, Object> ownerKsk(
      String id,
      Path keyDirectory,
      Duration interval,
      int sections,
      Duration lifetime,
      Duration backdate) {
    String prefix = "multisigner.signers." + id + ".";
    Map<String, Object> p = new HashMap<>();
    p.put(prefix + "kind", "owner-ksk");
    p.put(prefix + "key-directory", keyDirectory.toString());
    p.put(prefix + "generate-algorithm", "13");
    p.put(prefix + "signature-interval", interval.toString());
    p.put(prefix + "signature-sections", Integer.toString(sections));
    p.put(prefix + "signature-lifetime", lifetime.toString());
    p.put(prefix + "signature-backdate", backdate.toString());
    return p;
  }

  /** The lab's BIND parent as the ds-publisher's parent "lab", writing DS with {@code dsTtl}. */
  public static Map<String, Object> parent(DnsLab lab, long dsTtlSeconds) {
    return parent(lab, dsTtlSeconds, "lab");
  }

  /**
   * The lab's BIND parent as the ds-publisher's parent {@code name}, writing DS with {@code dsTtl}.
   */
  public static Map<String, Object> parent(DnsLab lab, long dsTtlSeconds, String name) {
    Map<String, Object> p = new HashMap<>();
    BindParent parent = lab.parent();
    String prefix = "multisigner.ds-publisher.parents." + name + ".";
    p.put(prefix + "zone", parent.zone().toString());
    p.put(prefix + "server", hostPort(parent.dnsAddress()));
    p.put(prefix + "tsig-key-name", parent.tsig().name());
    p.put(prefix + "tsig-algorithm", parent.tsig().algorithm());
    p.put(prefix + "tsig-secret", parent.tsig().secret());
    p.put(prefix + "trust-anchor", parent.trustAnchor().get(0).rdataToString());
    p.put(prefix + "ds-ttl", dsTtlSeconds);
    return p;
  }

  static String hostPort(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }
}
