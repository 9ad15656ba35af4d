package dev.multisigner.dnsquery;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * RRSIG verification with dnsjava at an explicit instant (RFC 4035 §5.3): an RRset is authentic
 * when at least one of its RRSIGs verifies with a key of the given set whose tag, algorithm and
 * owner match the RRSIG's and which has the Zone Key flag (RFC 4034 §2.1.1), as a validating
 * resolver accepts any one valid signature; and NSEC proofs of absence (NODATA) signed the same
 * way. The one place every module checks signatures.
 */
public final class Signatures {

  private static final int ZONE_KEY = 0x100;

  private Signatures() {}

  /**
   * Empty when at least one RRSIG over {@code rrset} verifies with a key of {@code keys} at {@code
   * now}; otherwise why not, naming the RRset and, per RRSIG, its key tag and the cause.
   */
  public static Optional<String> verify(RRset rrset, List<DNSKEYRecord> keys, Instant now) {
    String what = Type.string(rrset.getType()) + " " + rrset.getName();
    if (rrset.sigs().isEmpty()) {
      return Optional.of(what + ": no RRSIG");
    }
    StringBuilder why = new StringBuilder();
    for (RRSIGRecord sig : rrset.sigs()) {
      List<DNSKEYRecord> candidates =
          keys.stream()
              .filter(
                  k ->
                      k.getFootprint() == sig.getFootprint()
                          && k.getAlgorithm() == sig.getAlgorithm()
                          && k.getName().equals(sig.getSigner())
                          && (k.getFlags() & ZONE_KEY) != 0)
              .toList();
      if (candidates.isEmpty()) {
        append(
            why, "RRSIG by " + sig.getFootprint() + ": key not in the DNSKEY RRset " + tags(keys));
        continue;
      }
      for (DNSKEYRecord k : candidates) {
        try {
          DNSSEC.verify(rrset, sig, k, now);
          return Optional.empty();
        } catch (DNSSEC.DNSSECException e) {
          append(why, "RRSIG by " + sig.getFootprint() + ": " + e.getMessage());
        }
      }
    }
    return Optional.of(what + ": " + why);
  }

  /**
   * Empty when {@code answer} proves, with an NSEC RRset owned by {@code name} and signed by one of
   * {@code keys}, that {@code name} exists without a {@code type} RRset (NODATA, RFC 4035 §5.4);
   * otherwise why not. NSEC3 proofs are not checked: they count as unproven.
   */
  public static Optional<String> noData(
      Message answer, Name name, int type, List<DNSKEYRecord> keys, Instant now) {
    String what = "no " + Type.string(type) + " at " + name;
    if (answer.getRcode() != Rcode.NOERROR) {
      return Optional.of(what + ": answered " + Rcode.string(answer.getRcode()) + ", not NODATA");
    }
    if (AuthoritativeDns.answer(answer, name, type) != null) {
      return Optional.of(what + ": the answer holds one");
    }
    for (RRset set : answer.getSectionRRsets(Section.AUTHORITY)) {
      if (set.getType() == Type.NSEC && set.getName().equals(name)) {
        if (((NSECRecord) set.first()).hasType(type)) {
          return Optional.of(what + ": the NSEC at " + name + " lists " + Type.string(type));
        }
        return verify(set, keys, now).map(why -> what + ": " + why);
      }
    }
    return Optional.of(what + ": no NSEC at " + name + " proves it (NSEC3 is not checked)");
  }

  /** The keys as {@code [KSK:tag ZSK:tag …]}, sorted, for messages. */
  public static String tags(List<DNSKEYRecord> keys) {
    return keys.stream()
        .map(k -> ((k.getFlags() & 1) == 1 ? "KSK:" : "ZSK:") + k.getFootprint())
        .sorted()
        .collect(Collectors.joining(" ", "[", "]"));
  }

  private static void append(StringBuilder sb, String s) {
    if (sb.length() > 0) {
      sb.append("; ");
    }
    sb.append(s);
  }
}
