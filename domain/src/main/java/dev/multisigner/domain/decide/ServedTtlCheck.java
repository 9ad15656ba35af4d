package dev.multisigner.domain.decide;

import dev.multisigner.domain.group.ServedTtls;
import dev.multisigner.domain.group.ServedTtls.ServedTtl;
import dev.multisigner.domain.model.SignerId;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Compares the TTLs the signers and the parent serve with the policy's (issue 12 item 9): one
 * served longer is remembered in {@link ServedTtls}, so DNSKEY-Wait-Time, DS-Wait-Time and
 * NS-Wait-Time use it (RFC 7583 §3.3), and said once as an event; one over {@link ServedTtls#BOUND}
 * halts the zone, naming who serves what.
 */
final class ServedTtlCheck {

  private ServedTtlCheck() {}

  /** A signer's DNSKEY RRset served with {@code ttl} (null: not known) at {@code at}. */
  static void dnskey(Draft w, SignerId signer, Duration ttl, Instant at) {
    fadeLeftSigners(w);
    if (ttl == null) {
      return;
    }
    ServedTtl before = w.served().dnskey().get(signer);
    ServedTtl after =
        check(w, "signer " + signer, "its DNSKEY RRset", ttl, at, before, w.declared().dnskeyTtl());
    w.served(w.served().withDnskey(signer, after));
    said(
        w,
        "signer=" + signer + " serves its DNSKEY RRset",
        before,
        after,
        w.declared().dnskeyTtl(),
        "DNSKEY-Wait-Time");
  }

  /** The parent's DS RRset served with {@code ttl} (null: not known). */
  static void parentDs(Draft w, Duration ttl) {
    if (ttl == null) {
      return;
    }
    ServedTtl before = w.served().ds();
    ServedTtl after =
        check(w, "the parent", "the DS RRset", ttl, w.now, before, w.declared().dsTtl());
    w.served(w.served().withDs(after));
    said(w, "parent serves the DS RRset", before, after, w.declared().dsTtl(), "DS-Wait-Time");
  }

  /** The parent's delegation NS RRset served with {@code ttl} (null: not known). */
  static void parentNs(Draft w, Duration ttl) {
    if (ttl == null) {
      return;
    }
    ServedTtl before = w.served().ns();
    ServedTtl after =
        check(w, "the parent", "the delegation NS RRset", ttl, w.now, before, w.declared().nsTtl());
    w.served(w.served().withNs(after));
    said(
        w,
        "parent serves the delegation NS RRset",
        before,
        after,
        w.declared().nsTtl(),
        "NS-Wait-Time");
  }

  private static ServedTtl check(
      Draft w,
      String who,
      String what,
      Duration ttl,
      Instant at,
      ServedTtl before,
      Duration declared) {
    if (ttl.compareTo(ServedTtls.BOUND) > 0) {
      w.halt(
          HaltCause.SERVED_TTL_TOO_LONG,
          who
              + " serves "
              + what
              + " with TTL "
              + ttl.toSeconds()
              + " s, over the "
              + ServedTtls.BOUND.toSeconds()
              + " s bound (RFC 8767 §4): the waits would last as long; lower that TTL, then"
              + " resume");
    }
    return ServedTtl.seen(before, ttl, at, declared);
  }

  /** One event when the TTL in use for a wait becomes (or stops being) longer than the policy's. */
  private static void said(
      Draft w, String served, ServedTtl before, ServedTtl after, Duration declared, String wait) {
    Duration was = before == null ? null : before.current();
    Duration now = after == null ? null : after.current();
    if (now == null || now.compareTo(declared) <= 0 || now.equals(was)) {
      return;
    }
    w.event(
        ZoneEventKind.SERVED_TTL_LONGER,
        served
            + " with TTL "
            + now.toSeconds()
            + " s, longer than the policy's "
            + declared.toSeconds()
            + " s: "
            + wait
            + " uses "
            + after.inForce(w.now).toSeconds()
            + " s");
  }

  /**
   * A signer no longer in the group serves nothing the decider observes: its DNSKEY TTL fades from
   * now (caches may hold its RRset that long) and is then forgotten.
   */
  private static void fadeLeftSigners(Draft w) {
    for (Map.Entry<SignerId, ServedTtl> e : w.served().dnskey().entrySet()) {
      if (!w.members.containsKey(e.getKey())) {
        ServedTtl t = e.getValue();
        Duration held = t.inForce(w.now);
        ServedTtl faded =
            t.current() == null
                ? (held.isZero() ? null : t)
                : new ServedTtl(null, held, w.now.plus(held));
        w.served(w.served().withDnskey(e.getKey(), faded));
      }
    }
  }
}
