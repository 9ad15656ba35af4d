package dev.multisigner.dnsquery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
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
    return noData(answer, name, type, set -> verify(set, keys, now));
  }

  private static Optional<String> noData(
      Message answer, Name name, int type, Function<RRset, Optional<String>> verifier) {
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
        return verifier.apply(set).map(why -> what + ": " + why);
      }
    }
    return Optional.of(what + ": no NSEC at " + name + " proves it (NSEC3 is not checked)");
  }

  /**
   * {@link #verify} and {@link #noData} that remember each RRset found authentic, as a validating
   * resolver caches validated data: the same RRset with the same RRSIGs (records, TTLs and
   * signatures alike, compared by a SHA-256 over their text) under the same keys is authentic again
   * until the earliest expiration of those RRSIGs, without verifying anew. A failure is never
   * remembered: it is checked again on every call. A watcher that reads a parent's unchanged DS
   * RRsets every few seconds, for thousands of children, verifies each once per re-signing instead
   * of once per read (an ECDSA P-256 verification costs about 1 ms of CPU here). Thread-safe; holds
   * at most {@code capacity} RRsets and starts over when full.
   */
  public static final class Memo {

    private final int capacity;
    private final Map<String, Instant> authenticUntil = new ConcurrentHashMap<>();
    private final AtomicLong verifications = new AtomicLong();
    private final AtomicLong remembered = new AtomicLong();

    public Memo(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
      }
      this.capacity = capacity;
    }

    /** {@link Signatures#verify}, answered from memory while the RRset is known authentic. */
    public Optional<String> verify(RRset rrset, List<DNSKEYRecord> keys, Instant now) {
      if (rrset.sigs().isEmpty()) {
        return Signatures.verify(rrset, keys, now);
      }
      String id = fingerprint(rrset, keys);
      Instant until = authenticUntil.get(id);
      if (until != null && now.isBefore(until)) {
        remembered.incrementAndGet();
        return Optional.empty();
      }
      verifications.incrementAndGet();
      Optional<String> why = Signatures.verify(rrset, keys, now);
      if (why.isEmpty()) {
        if (authenticUntil.size() >= capacity) {
          authenticUntil.clear();
        }
        Instant earliest =
            rrset.sigs().stream().map(RRSIGRecord::getExpire).min(Instant::compareTo).orElseThrow();
        authenticUntil.put(id, earliest);
      } else {
        authenticUntil.remove(id);
      }
      return why;
    }

    /** {@link Signatures#noData}, its NSEC RRset checked through {@link #verify}. */
    public Optional<String> noData(
        Message answer, Name name, int type, List<DNSKEYRecord> keys, Instant now) {
      return Signatures.noData(answer, name, type, set -> verify(set, keys, now));
    }

    /** Signature checks done, each of them up to every RRSIG of the RRset. */
    public long verifications() {
      return verifications.get();
    }

    /** Calls answered from memory. */
    public long remembered() {
      return remembered.get();
    }

    private static String fingerprint(RRset rrset, List<DNSKEYRecord> keys) {
      MessageDigest sha;
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no SHA-256 in this JVM", e);
      }
      // owner, TTL, class, type and rdata of every record, the RRSIGs included, then the keys,
      // each sorted: a server may rotate an RRset's order between answers (BIND does)
      List<String> lines = new ArrayList<>();
      rrset.rrs().forEach(r -> lines.add("R " + r));
      rrset.sigs().forEach(r -> lines.add("S " + r));
      keys.forEach(k -> lines.add("K " + k));
      Collections.sort(lines);
      for (String line : lines) {
        sha.update(line.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      return Base64.getEncoder().encodeToString(sha.digest());
    }
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
