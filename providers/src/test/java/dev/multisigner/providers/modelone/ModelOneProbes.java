package dev.multisigner.providers.modelone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.UnboundValidator;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.LabAdapters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** The model 1 lab tests' access to the members and their Unbound probe. */
final class ModelOneProbes {

  private ModelOneProbes() {}

  /**
   * For each ordered pair (cached, asked): Unbound caches the DNSKEY RRset from one member, then
   * asks only the other for SOA, CDS, CDNSKEY, DNSKEY, an A record and a name that does not exist.
   * An answer is bogus if Unbound returns SERVFAIL or an answer without AD.
   */
  static Map<String, int[]> acrossMembers(DnsLab lab) {
    UnboundValidator v = lab.validator();
    Map<String, int[]> counts = new TreeMap<>();
    List<LabSigner> signers = lab.signers();
    for (LabSigner cached : signers) {
      for (LabSigner asked : signers) {
        if (cached == asked) {
          continue;
        }
        Message dnskey = v.cacheDnskeyFrom(cached);
        assertThat(dnskey.getHeader().getFlag(Flags.AD))
            .as("DNSKEY from " + cached.id() + " validates")
            .isTrue();
        v.useOnly(asked);
        probeTypes(v, counts, lab.zone());
      }
    }
    return counts;
  }

  /**
   * Asks the validator's current upstream for SOA, CDS, CDNSKEY, DNSKEY, an A record and a name
   * that does not exist; counts per type.
   */
  static void probeTypes(UnboundValidator v, Map<String, int[]> counts, Name zone) {
    probe(v, counts, "SOA", zone, Type.SOA);
    probe(v, counts, "CDS", zone, Type.CDS);
    probe(v, counts, "CDNSKEY", zone, Type.CDNSKEY);
    probe(v, counts, "DNSKEY", zone, Type.DNSKEY);
    probe(v, counts, "A", Name.fromConstantString("www." + zone), Type.A);
    probe(v, counts, "NXDOMAIN", Name.fromConstantString("nope-x1." + zone), Type.A);
  }

  static void probe(
      UnboundValidator v, Map<String, int[]> counts, String label, Name name, int type) {
    Message m = v.query(name, type);
    int rcode = m.getRcode();
    boolean secure =
        m.getHeader().getFlag(Flags.AD) && (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN);
    int[] c = counts.computeIfAbsent(label, k -> new int[2]);
    c[0]++;
    if (!secure) {
      c[1]++;
      System.out.println(
          "BOGUS or insecure: " + label + " rcode=" + Rcode.string(rcode) + "\n" + m);
    }
  }

  static KnotKeymgr keymgr(KnotSigner k) {
    String conf = k.configFile().toString();
    return new KnotKeymgr(
        SignerId.of(k.id()),
        List.of("keymgr", "-c", conf),
        List.of("knotc", "-c", conf),
        Duration.ofSeconds(30));
  }

  static DnsProvider reader(KnotSigner k) {
    return LabAdapters.knot(k);
  }

  static Set<String> keyTexts(List<? extends Record> keys) {
    return keys.stream()
        .map(r -> (DNSKEYRecord) r)
        .map(
            k ->
                k.getFlags()
                    + " "
                    + k.getAlgorithm()
                    + " "
                    + java.util.Base64.getEncoder().encodeToString(k.getKey()))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /** Prints the per-type counts and returns the total of bogus answers. */
  static int report(String what, Map<String, int[]> counts) {
    System.out.println(
        what
            + " probes per type (probes/bogus): "
            + counts.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()[0] + "/" + e.getValue()[1])
                .collect(Collectors.joining(" ")));
    return counts.values().stream().mapToInt(c -> c[1]).sum();
  }
}
