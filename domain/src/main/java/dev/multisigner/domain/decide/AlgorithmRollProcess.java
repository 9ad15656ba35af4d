package dev.multisigner.domain.decide;

import dev.multisigner.domain.decide.ZoneInput.RollAlgorithm;
import dev.multisigner.domain.group.AlgorithmRoll;
import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerSpec;
import dev.multisigner.domain.plan.DsPlanner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A group-wide algorithm rollover, model 2 (draft-ietf-dnsop-dnssec-automation "Algorithm
 * rollover", RFC 6781 §4.1.4 conservative double signature, RFC 7583 §3.4). Every signer rolls its
 * own keys; this process observes them and says when the DS set may name the new algorithm and drop
 * the old one. The other processes ask {@link AlgorithmWindow} what that allows.
 *
 * <pre>
 *   RollAlgorithm
 *        |
 *        v
 *   PUBLISHING -- every member serves a KSK/CSK and zone-signing key of the new algorithm, signs
 *        |        its DNSKEY RRset and zone data with both algorithms, and serves every other
 *        |        member's new ZSKs (observed at t) -->
 *   PUBLISH_WAIT -- t + max(DNSKEY-Wait-Time, signature wait) -->
 *   NEW_DS -- parent DS holds the new algorithm's DS (observed at t) -->
 *   NEW_DS_WAIT -- t + DS-Wait-Time -->
 *   OLD_DS_REMOVAL -- parent DS without the old algorithm (observed at t) -->
 *   OLD_DS_WAIT -- t + DS-Wait-Time -->
 *   OLD_KEYS -- no member serves an old-algorithm key any more --> (done: policy uses the new one)
 * </pre>
 */
final class AlgorithmRollProcess {

  private AlgorithmRollProcess() {}

  /** Starts an admitted rollover ({@link Admission#rollAlgorithm}). */
  static void start(Draft w, RollAlgorithm r) {
    w.roll =
        new AlgorithmRoll(
            w.policy.algorithm(),
            r.algorithm(),
            r.operator(),
            AlgorithmRoll.Phase.PUBLISHING,
            w.now,
            null,
            List.of());
    w.event(
        ZoneEventKind.ALGORITHM_ROLL_STARTED,
        "algorithm roll from "
            + w.policy.algorithm()
            + " to "
            + r.algorithm()
            + " started by "
            + r.operator()
            + ": every signer publishes and signs with both algorithms before any DS for "
            + r.algorithm()
            + " (RFC 6781 §4.1.4)");
  }

  /** What the rollover waits for, for the operator's view; empty when none runs. */
  static String describe(AlgorithmRoll r) {
    if (r == null) {
      return "";
    }
    String what =
        switch (r.phase()) {
          case PUBLISHING -> "waiting for every signer to double-sign (" + r.doubleSigned() + ")";
          case PUBLISH_WAIT, NEW_DS_WAIT, OLD_DS_WAIT -> "waiting until " + r.waitUntil();
          case NEW_DS -> "waiting for the parent's DS set to name algorithm " + r.to();
          case OLD_DS_REMOVAL -> "waiting for the parent's DS set to drop algorithm " + r.from();
          case OLD_KEYS -> "waiting for every signer to drop its algorithm " + r.from() + " keys";
        };
    return "algorithm roll " + r.from() + " to " + r.to() + ", " + r.phase() + ": " + what;
  }

  /**
   * During PUBLISHING: whether the member's latest observation shows it signing its DNSKEY RRset
   * and its zone data with keys of its own of both algorithms (RFC 6781 §4.1.4 step 2; RFC 4035
   * §2.2: every algorithm in the DNSKEY RRset signs every RRset).
   */
  static void observed(Draft w, Member m, SignerObservation obs) {
    AlgorithmRoll r = w.roll;
    if (r == null || r.phase() != AlgorithmRoll.Phase.PUBLISHING) {
      return;
    }
    boolean both = true;
    for (int alg : List.of(r.from(), r.to())) {
      boolean dnskey = false;
      boolean zone = false;
      for (KeyRecord k : w.keys) {
        if (!k.owner().equals(m.id())
            || k.retired()
            || k.data().algorithm() != alg
            || !obs.dnskeys().contains(k.data())) {
          continue;
        }
        if (k.role().needsDs() && obs.dnskeySignerTags().contains(k.data().keyTag())) {
          dnskey = true;
        }
        if (k.role().signsZoneData() && obs.zoneSignerTags().contains(k.data().keyTag())) {
          zone = true;
        }
      }
      both &= dnskey && zone;
    }
    boolean was = r.doubleSigned().contains(m.id());
    if (both == was) {
      return;
    }
    List<SignerId> ids = new ArrayList<>(r.doubleSigned());
    if (both) {
      ids.add(m.id());
    } else {
      ids.remove(m.id());
    }
    w.roll = r.withDoubleSigned(ids);
    w.event(
        ZoneEventKind.ALGORITHM_ROLL_ADVANCED,
        "signer="
            + m.id()
            + (both ? " signs" : " no longer signs")
            + " its DNSKEY RRset and zone with algorithms "
            + r.from()
            + " and "
            + r.to());
  }

  /** Advances the rollover as far as the observations allow. */
  static void advance(Draft w) {
    boolean changed = true;
    while (w.roll != null && changed) {
      changed = step(w);
    }
  }

  private static boolean step(Draft w) {
    AlgorithmRoll r = w.roll;
    GroupPolicy p = w.policy;
    switch (r.phase()) {
      case PUBLISHING -> {
        Optional<Instant> at = newAlgorithmPublishedAt(w, r);
        if (at.isEmpty()) {
          return false;
        }
        Duration wait =
            p.dnskeyWait().compareTo(p.signatureWait()) >= 0 ? p.dnskeyWait() : p.signatureWait();
        Instant until = at.get().plus(wait);
        return next(
            w,
            r.withPhase(AlgorithmRoll.Phase.PUBLISH_WAIT, until),
            "every signer serves and signs with algorithm "
                + r.to()
                + " and serves every new ZSK (observed "
                + at.get()
                + "); max(DNSKEY-Wait-Time, signature wait) until "
                + until
                + " before its DS (RFC 7583 §3.4.1)");
      }
      case PUBLISH_WAIT -> {
        return !w.now.isBefore(r.waitUntil())
            && next(
                w,
                r.withPhase(AlgorithmRoll.Phase.NEW_DS, null),
                "DS for algorithm "
                    + r.to()
                    + " may now be published at every signer and the parent");
      }
      case NEW_DS -> {
        if (w.parentDs == null || w.dsRequest != null) {
          return false;
        }
        List<KeyRecord> sep = sepKeys(w, r.to());
        if (sep.isEmpty()
            || !sep.stream().allMatch(k -> DsPlanner.references(w.zone, w.parentDs, k.data()))) {
          return false;
        }
        Instant until = w.parentDsSince.plus(p.dsWait());
        return next(
            w,
            r.withPhase(AlgorithmRoll.Phase.NEW_DS_WAIT, until),
            "parent DS holds algorithm "
                + r.to()
                + "; DS-Wait-Time until "
                + until
                + " before the DS of algorithm "
                + r.from()
                + " leaves");
      }
      case NEW_DS_WAIT -> {
        return !w.now.isBefore(r.waitUntil())
            && next(
                w,
                r.withPhase(AlgorithmRoll.Phase.OLD_DS_REMOVAL, null),
                "DS of algorithm " + r.from() + " leaves CDS at every signer and the parent");
      }
      case OLD_DS_REMOVAL -> {
        if (w.parentDs == null
            || w.dsRequest != null
            || w.parentDs.stream().anyMatch(d -> d.algorithm() == r.from())) {
          return false;
        }
        Instant until = w.parentDsSince.plus(p.dsWait());
        return next(
            w,
            r.withPhase(AlgorithmRoll.Phase.OLD_DS_WAIT, until),
            "parent DS without algorithm "
                + r.from()
                + "; DS-Wait-Time until "
                + until
                + " before its keys may go");
      }
      case OLD_DS_WAIT -> {
        return !w.now.isBefore(r.waitUntil())
            && next(
                w,
                r.withPhase(AlgorithmRoll.Phase.OLD_KEYS, null),
                "signers may now stop signing with and withdraw their algorithm "
                    + r.from()
                    + " keys; foreign ones are withdrawn after the signature wait (RFC 6781"
                    + " §4.1.4)");
      }
      case OLD_KEYS -> {
        boolean gone =
            w.members.values().stream()
                .filter(m -> m.phase().inService())
                .allMatch(
                    m ->
                        m.observed()
                            && m.served().stream().noneMatch(d -> d.algorithm() == r.from()));
        if (!gone) {
          return false;
        }
        w.declare(w.declared().withAlgorithm(r.to()));
        for (Member m : List.copyOf(w.members.values())) {
          SignerSpec s = m.spec();
          w.members.put(
              m.id(),
              m.withSpec(new SignerSpec(s.id(), s.capabilities(), r.to(), s.nameservers())));
        }
        w.roll = null;
        w.event(
            ZoneEventKind.ALGORITHM_ROLL_COMPLETED,
            "algorithm roll from "
                + r.from()
                + " to "
                + r.to()
                + " done: no signer serves an"
                + " algorithm "
                + r.from()
                + " key; the group uses algorithm "
                + r.to());
        return true;
      }
    }
    return false;
  }

  private static boolean next(Draft w, AlgorithmRoll next, String text) {
    w.roll = next;
    w.event(ZoneEventKind.ALGORITHM_ROLL_ADVANCED, text);
    return true;
  }

  /** The in-service members' current KSKs/CSKs of this algorithm. */
  private static List<KeyRecord> sepKeys(Draft w, int algorithm) {
    return w.keys.stream()
        .filter(
            k ->
                k.data().algorithm() == algorithm
                    && k.role().needsDs()
                    && !k.retired()
                    && w.members.containsKey(k.owner())
                    && w.members.get(k.owner()).phase().inService())
        .toList();
  }

  /**
   * When every in-service member double-signs (observed), owns a KSK/CSK and a zone-signing key of
   * the new algorithm, and serves every foreign key the planner wants (the new ZSKs cross-imported,
   * draft "Algorithm rollover"): the latest of their observations.
   */
  private static Optional<Instant> newAlgorithmPublishedAt(Draft w, AlgorithmRoll r) {
    Instant latest = null;
    List<Member> members = w.memberList();
    for (Member m : members) {
      if (!m.phase().inService()) {
        continue;
      }
      if (!m.observed() || !r.doubleSigned().contains(m.id())) {
        return Optional.empty();
      }
      boolean sep = false;
      boolean zsk = false;
      for (KeyRecord k : w.keys) {
        if (k.owner().equals(m.id()) && !k.retired() && k.data().algorithm() == r.to()) {
          sep |= k.role().needsDs();
          zsk |= k.role().signsZoneData();
        }
      }
      if (!sep || !zsk) {
        return Optional.empty();
      }
      if (!m.served().containsAll(w.planner.foreignKeys(w.policy, members, w.keys, m, w.now))) {
        return Optional.empty();
      }
      latest = latest == null ? m.observedAt() : Draft.max(latest, m.observedAt());
    }
    return Optional.ofNullable(latest);
  }
}
