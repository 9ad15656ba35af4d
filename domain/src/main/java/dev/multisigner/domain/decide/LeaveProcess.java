package dev.multisigner.domain.decide;

import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.plan.DsPlanner;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A signer leaves the group (draft-ietf-dnsop-dnssec-automation "Signer leaves", RFC 8901 §8): its
 * nameservers leave the delegation and every member's apex NS first, then its DS the parent, then
 * its keys every other member's DNSKEY RRset. The NS, DS and DNSKEY changes are the sync processes'
 * work; this process only says, from observations and waits, when the member may move on.
 *
 * <pre>
 *   RemoveSigner
 *        |
 *        v
 *   LEAVING_NS -- parent NS and every other member's apex NS without it (observed at t) -->
 *   NS_WAIT -- t + NS-Wait-Time (out of service from then) -->
 *   LEAVING_DS -- DNSKEY-Wait-Time after leaving service, parent DS without its KSK/CSK -->
 *   LEAVING_KEYS -- signature wait after leaving service, no other member serves its keys -->
 *   (removed; its keys retired)
 * </pre>
 */
final class LeaveProcess {

  private LeaveProcess() {}

  /** Starts the leave of an admitted member ({@link Admission#removeSigner}). */
  static void start(Draft w, SignerId id) {
    w.members.put(id, w.members.get(id).withPhase(MemberPhase.LEAVING_NS, null));
    w.event(
        ZoneEventKind.SIGNER_LEAVE_STARTED,
        "signer=" + id + " leaving: NS first, then DS, then keys");
  }

  /** What the process waits for, for the operator's view of a member. */
  static String describe(Member m) {
    return switch (m.phase()) {
      case LEAVING_NS -> "leaving: waiting for the parent's and the members' NS sets to drop it";
      case NS_WAIT -> "leaving: NS-Wait-Time until " + m.waitUntil();
      case LEAVING_DS -> "leaving: waiting for the parent's DS set to drop its KSK/CSK";
      case LEAVING_KEYS -> "leaving: waiting for every other member to withdraw its keys";
      default -> "";
    };
  }

  /** One step of the member's leave; true when its phase changed (or it left). */
  static boolean step(Draft w, Member m) {
    GroupPolicy p = w.policy;
    switch (m.phase()) {
      case LEAVING_NS -> {
        if (w.parentNs == null || w.nsRequest != null || DsPlanner.delegated(m, w.parentNs)) {
          return false;
        }
        Instant childNsSince = w.parentNsSince;
        for (Member o : w.members.values()) {
          if (o.id().equals(m.id()) || !o.phase().inService() || !Draft.managesNs(o)) {
            continue;
          }
          if (!o.observed()
              || o.nsPublishing() != null
              || o.nameservers().stream().anyMatch(m.spec().nameservers()::contains)) {
            return false;
          }
          childNsSince = Draft.max(childNsSince, o.observedAt());
        }
        Instant until = childNsSince.plus(p.nsWait());
        w.members.put(m.id(), m.withPhase(MemberPhase.NS_WAIT, until));
        w.event(ZoneEventKind.WAIT_STARTED, "signer=" + m.id() + " NS-Wait-Time until " + until);
        return true;
      }
      case NS_WAIT -> {
        if (w.now.isBefore(m.waitUntil())) {
          return false;
        }
        Instant left = m.waitUntil();
        Instant until = left.plus(p.dnskeyWait());
        w.members.put(m.id(), m.withLeftServiceAt(left).withPhase(MemberPhase.LEAVING_DS, until));
        w.event(
            ZoneEventKind.WAIT_STARTED,
            "signer="
                + m.id()
                + " out of service; DNSKEY-Wait-Time until "
                + until
                + " before its DS leaves");
        return true;
      }
      case LEAVING_DS -> {
        if (w.now.isBefore(m.waitUntil()) || w.parentDs == null || w.dsRequest != null) {
          return false;
        }
        boolean dsGone =
            w.keys.stream()
                .noneMatch(
                    k ->
                        k.owner().equals(m.id())
                            && DsPlanner.references(w.zone, w.parentDs, k.data()));
        if (!dsGone) {
          return false;
        }
        Instant until = m.leftServiceAt().plus(p.signatureWait());
        w.members.put(m.id(), m.withPhase(MemberPhase.LEAVING_KEYS, until));
        return true;
      }
      case LEAVING_KEYS -> {
        if (w.now.isBefore(m.waitUntil())) {
          return false;
        }
        Set<KeyData> itsKeys =
            w.keys.stream()
                .filter(k -> k.owner().equals(m.id()))
                .map(KeyRecord::data)
                .collect(Collectors.toSet());
        boolean gone =
            w.members.values().stream()
                .filter(o -> !o.id().equals(m.id()) && o.phase().inService())
                .allMatch(o -> o.observed() && o.served().stream().noneMatch(itsKeys::contains));
        if (!gone) {
          return false;
        }
        w.members.remove(m.id());
        for (KeyRecord k : List.copyOf(w.keys)) {
          if (k.owner().equals(m.id()) && !k.retired()) {
            w.replaceKey(k, k.withGoneSince(w.now));
          }
        }
        w.event(ZoneEventKind.SIGNER_LEFT, "signer=" + m.id() + " left the group");
        return true;
      }
      default -> {
        return false;
      }
    }
  }
}
