package dev.multisigner.dnsquery;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Type;

/**
 * RRSIG verification with dnsjava at an explicit instant (RFC 4035 §5.3): an RRset is authentic
 * when at least one of its RRSIGs verifies with a key of the given set whose tag, algorithm and
 * owner match the RRSIG's and which has the Zone Key flag (RFC 4034 §2.1.1), as a validating
 * resolver accepts any one valid signature. The one place every module checks signatures.
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
