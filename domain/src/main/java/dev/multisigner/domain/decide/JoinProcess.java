package dev.multisigner.domain.decide;

import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerSpec;
import dev.multisigner.domain.plan.DsPlanner;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A signer joins the group (draft-ietf-dnsop-dnssec-automation "Signer joins", RFC 8901 §8): its
 * keys reach every member's DNSKEY RRset first, then its DS the parent, then its nameservers the
 * delegation. The imports, the CDS/DS and the NS changes themselves are the sync processes' work;
 * this process only says, from observations, when the member may move on.
 *
 * <pre>
 *   EnrollZone / AddSigner
 *        |
 *        v
 *   JOINING -- every in-service member serves every key the planner wants it to (observed at t) -->
 *   AWAITING_DS -- parent DS covers its KSK/CSK (observed) --> DS_WAIT
 *        |  (already delegated: straight to ACTIVE)               |
 *        |                max(DS-Wait-Time, t + DNSKEY-Wait-Time) passed
 *        |                                                        v
 *        +------------------------------------------------> AWAITING_NS
 *                                                              | parent NS names it
 *                                                              v
 *                                                           ACTIVE
 * </pre>
 */
final class JoinProcess {

  private JoinProcess() {}

  /** Starts the join of an admitted signer ({@link Admission#addSigner}). */
  static void start(Draft w, SignerSpec spec) {
    w.members.put(spec.id(), Member.joining(spec));
    w.event(ZoneEventKind.SIGNER_JOIN_STARTED, "signer=" + spec.id() + " joining");
  }

  /** What the process waits for, for the operator's view of a member. */
  static String describe(Member m) {
    return switch (m.phase()) {
      case JOINING -> "joining: its keys are being published at every member";
      case AWAITING_DS -> "joining: waiting for the parent's DS to cover its KSK/CSK";
      case DS_WAIT -> "joining: DS-Wait-Time and DNSKEY-Wait-Time until " + m.waitUntil();
      case AWAITING_NS -> "joining: waiting for the parent's NS set to name it";
      default -> "";
    };
  }

  /** One step of the member's join; true when its phase changed. */
  static boolean step(Draft w, Member m) {
    GroupPolicy p = w.policy;
    boolean parentKnown = w.parentDs != null && w.parentNs != null;
    switch (m.phase()) {
      case JOINING -> {
        Optional<Instant> at = crossPublishedAt(w, m);
        if (at.isEmpty()) {
          return false;
        }
        w.members.put(
            m.id(), m.withKeysPublishedAt(at.get()).withPhase(MemberPhase.AWAITING_DS, null));
        w.event(
            ZoneEventKind.SIGNER_KEYS_PUBLISHED,
            "signer="
                + m.id()
                + " keys cross-published at every member (observed "
                + at.get()
                + ")");
        return true;
      }
      case AWAITING_DS -> {
        if (!parentKnown || !dsCovers(w, m)) {
          return false;
        }
        if (DsPlanner.delegated(m, w.parentNs)) {
          w.members.put(m.id(), m.withPhase(MemberPhase.ACTIVE, null));
          w.event(ZoneEventKind.SIGNER_JOINED, "signer=" + m.id() + " joined (already delegated)");
          return true;
        }
        Instant until =
            Draft.max(w.parentDsSince.plus(p.dsWait()), m.keysPublishedAt().plus(p.dnskeyWait()));
        w.members.put(m.id(), m.withPhase(MemberPhase.DS_WAIT, until));
        w.event(
            ZoneEventKind.WAIT_STARTED,
            "signer=" + m.id() + " max(DS-Wait-Time, DNSKEY-Wait-Time) until " + until);
        return true;
      }
      case DS_WAIT -> {
        if (w.now.isBefore(m.waitUntil())) {
          return false;
        }
        w.members.put(m.id(), m.withPhase(MemberPhase.AWAITING_NS, null));
        return true;
      }
      case AWAITING_NS -> {
        if (!DsPlanner.delegated(m, w.parentNs)) {
          return false;
        }
        w.members.put(m.id(), m.withPhase(MemberPhase.ACTIVE, null));
        w.event(ZoneEventKind.SIGNER_JOINED, "signer=" + m.id() + " joined: parent NS names it");
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * When every in-service member (including {@code m}) has been observed serving every foreign key
   * the planner wants it to, the latest of those observations: every member added the keys before
   * then, so DNSKEY RRsets without them leave caches DNSKEY-Wait-Time after it (draft "Signer
   * joins" steps 3 and 8).
   */
  private static Optional<Instant> crossPublishedAt(Draft w, Member m) {
    // Model 1: a member other than the holder has ZSKs only; the holder's KSK signs its RRset.
    boolean hasKeys =
        w.signedByHolder(m)
            ? w.keys.stream().anyMatch(k -> k.owner().equals(m.id()) && !k.retired())
            : w.keys.stream().anyMatch(k -> k.owner().equals(m.id()) && k.role().needsDs());
    if (!m.observed() || !hasKeys) {
      return Optional.empty();
    }
    Instant latest = m.observedAt();
    for (Member t : w.members.values()) {
      if (!t.phase().inService()) {
        continue;
      }
      if (!t.observed()) {
        return Optional.empty();
      }
      List<Member> members = w.memberList();
      Set<KeyData> want =
          w.signedByHolder(t)
              ? w.planner.signedRrset(w.policy, members, w.keys, t, w.now)
              : w.planner.foreignKeys(w.policy, members, w.keys, t, w.now);
      if (!t.served().containsAll(want)) {
        return Optional.empty();
      }
      latest = Draft.max(latest, t.observedAt());
    }
    return Optional.of(latest);
  }

  private static boolean dsCovers(Draft w, Member m) {
    SignerId signer = DsPlanner.dnskeySigner(w.policy, m);
    List<KeyRecord> sep =
        w.keys.stream()
            .filter(k -> k.owner().equals(signer) && k.role().needsDs() && !k.retired())
            .toList();
    return !sep.isEmpty()
        && sep.stream().allMatch(k -> DsPlanner.references(w.zone, w.parentDs, k.data()));
  }
}
