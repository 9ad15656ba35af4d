package dev.multisigner.domain.group;

import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.SignerId;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The TTLs a zone's RRsets are actually served with, where they are longer than the policy's: the
 * signers' DNSKEY RRsets, the parent's DS RRset and the parent's delegation NS RRset. The waits
 * (RFC 7583 §3.3: DNSKEY-Wait-Time, DS-Wait-Time, NS-Wait-Time) use max(policy, served) ({@link
 * #raise}): a resolver caches an RRset for the TTL it is given, not the one the policy assumes.
 * {@code dnskey} is per signer (each serves its own DNSKEY RRset, a resolver may cache any); a
 * signer or RRset without an entry serves nothing longer than the policy's TTL.
 */
public record ServedTtls(Map<SignerId, ServedTtl> dnskey, ServedTtl ds, ServedTtl ns) {

  /**
   * The longest TTL the decider accepts as served (RFC 8767 §4: resolvers cap TTLs at about 7
   * days): a longer one would stall every wait for as long, so the zone halts instead.
   */
  public static final Duration BOUND = Duration.ofDays(7);

  public static final ServedTtls NONE = new ServedTtls(Map.of(), null, null);

  public ServedTtls {
    dnskey = Collections.unmodifiableSortedMap(new TreeMap<>(dnskey));
  }

  /**
   * One RRset's TTL: {@code current} as last observed (the longest, for the signers' DNSKEY
   * RRsets), and a longer one served before ({@code fading}), which copies in caches may still
   * carry until {@code fadingUntil}; both null when not longer than the policy's.
   *
   * <pre>
   *   observed TTL t >= current  --> current = t (a fading one longer than t stays)
   *   observed TTL t <  current  --> current = t, fading = the previous current until now + it
   *   fadingUntil passed         --> only current counts
   * </pre>
   */
  public record ServedTtl(Duration current, Duration fading, Instant fadingUntil) {

    /** The TTL a cache may still hold the RRset with at {@code now}. */
    public Duration inForce(Instant now) {
      Duration c = current == null ? Duration.ZERO : current;
      return fading != null && now.isBefore(fadingUntil) && fading.compareTo(c) > 0 ? fading : c;
    }

    /**
     * What to remember after seeing the RRset served with {@code ttl} at {@code at}, {@code before}
     * remembered; null when nothing longer than {@code declared} can be in a cache.
     */
    public static ServedTtl seen(ServedTtl before, Duration ttl, Instant at, Duration declared) {
      Duration fading = null;
      Instant until = null;
      if (before != null && before.fading != null && at.isBefore(before.fadingUntil)) {
        fading = before.fading;
        until = before.fadingUntil;
      }
      if (before != null && before.current != null && before.current.compareTo(ttl) > 0) {
        // copies fetched just before now carry the previous TTL for that long
        Instant ends = at.plus(before.current);
        fading = fading == null || before.current.compareTo(fading) > 0 ? before.current : fading;
        until = until == null || ends.isAfter(until) ? ends : until;
      }
      ServedTtl next =
          fading == null || fading.compareTo(ttl) <= 0
              ? new ServedTtl(ttl, null, null)
              : new ServedTtl(ttl, fading, until);
      return next.inForce(at).compareTo(declared) > 0 ? next : null;
    }
  }

  public ServedTtls withDnskey(SignerId signer, ServedTtl t) {
    Map<SignerId, ServedTtl> m = new TreeMap<>(dnskey);
    if (t == null) {
      m.remove(signer);
    } else {
      m.put(signer, t);
    }
    return new ServedTtls(m, ds, ns);
  }

  public ServedTtls withDs(ServedTtl t) {
    return new ServedTtls(dnskey, t, ns);
  }

  public ServedTtls withNs(ServedTtl t) {
    return new ServedTtls(dnskey, ds, t);
  }

  /**
   * {@code declared} with each TTL raised to the one caches may hold at {@code now}: the policy in
   * force. The largest TTL in the zone is at least the DNSKEY TTL served, so it rises with it.
   */
  public GroupPolicy raise(GroupPolicy declared, Instant now) {
    if (declared == null || equals(NONE)) {
      return declared;
    }
    Duration keys = Duration.ZERO;
    for (ServedTtl t : dnskey.values()) {
      keys = max(keys, t.inForce(now));
    }
    return declared.withTtlsAtLeast(keys, ttl(ds, now), ttl(ns, now));
  }

  private static Duration max(Duration a, Duration b) {
    return b.compareTo(a) > 0 ? b : a;
  }

  private static Duration ttl(ServedTtl t, Instant now) {
    return t == null ? Duration.ZERO : t.inForce(now);
  }
}
