package dev.multisigner.domain.decide;

import dev.multisigner.domain.decide.Output.PublishCsync;
import dev.multisigner.domain.decide.Output.PublishNs;
import dev.multisigner.domain.decide.Output.RequestNsChange;
import dev.multisigner.domain.decide.Output.WithdrawCsync;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.group.Pending;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.CsyncData;
import dev.multisigner.domain.model.ParentChannel;
import dev.multisigner.domain.plan.DsPlanner;
import java.util.List;
import java.util.TreeSet;

/**
 * The apex NS RRset at every member that manages NS, then the parent's NS set (by DNS UPDATE, or
 * CSYNC for a parent that scans it, RFC 7477), follow the nameservers the join and leave processes
 * want delegated (draft-ietf-dnsop-dnssec-automation "Signer joins" steps 9-13, "Signer leaves"
 * steps 1-4). A signer entering the set serves it before any other signer names it; CSYNC is served
 * only while every signer serves the same NS set, so a scanning parent never copies a set in flux.
 *
 * <pre>
 *   NS wanted != a member's --> PublishNs at the entering members, then at the others
 *   every member serves it, parent's differs --> PublishCsync everywhere (CSYNC parents)
 *                                          --> RequestNsChange (every CSYNC served, if scanned)
 *   parent has it (or NS must change again) --> WithdrawCsync everywhere
 * </pre>
 */
final class NsSyncProcess {

  private NsSyncProcess() {}

  private static final List<String> CSYNC_ON = List.of("csync");
  private static final List<String> CSYNC_OFF = List.of("no csync");

  /** What the process waits for, for the operator's view of a member. */
  static String describe(Member m) {
    String ns = m.nsPublishing() == null ? "" : "publishing NS " + m.nsPublishing().names();
    String csync =
        m.csyncPublishing() == null
            ? ""
            : (m.csyncPublishing().names().equals(CSYNC_OFF) ? "withdrawing" : "publishing")
                + " CSYNC";
    return ns.isEmpty() || csync.isEmpty() ? ns + csync : ns + ", " + csync;
  }

  /**
   * The delegation the processes want: members that have joined (or are waiting for their NS), and
   * members already delegated that are not leaving (draft "Signer joins" step 9, "Signer leaves"
   * step 1).
   */
  static List<String> desiredNs(Draft w) {
    TreeSet<String> desired = new TreeSet<>();
    for (Member m : w.members.values()) {
      boolean joined = m.phase() == MemberPhase.AWAITING_NS || m.phase() == MemberPhase.ACTIVE;
      boolean alreadyServing = !m.phase().leaving() && DsPlanner.delegated(m, w.parentNs);
      if (joined || alreadyServing) {
        desired.addAll(m.spec().nameservers());
      }
    }
    return List.copyOf(desired);
  }

  /** NS and CSYNC commands are done once an observation taken after their application shows it. */
  static void settle(Draft w) {
    for (Member t : List.copyOf(w.members.values())) {
      Pending p = t.nsPublishing();
      if (p != null && Commands.seenAfterApplied(t, p) && t.nameservers().equals(p.names())) {
        w.members.put(t.id(), t.withNsPublishing(null));
      }
    }
    for (Member t : List.copyOf(w.members.values())) {
      Pending p = t.csyncPublishing();
      if (p != null
          && Commands.seenAfterApplied(t, p)
          && t.csync().isEmpty() == p.names().equals(CSYNC_OFF)) {
        w.members.put(t.id(), t.withCsyncPublishing(null));
      }
    }
  }

  /** The apex NS, the CSYNC records and the parent's NS set, in that order. */
  static void commands(Draft w) {
    nsCommands(w);
    csyncCommands(w);
    nsRequest(w);
  }

  private static boolean entering(Draft w, Member t, List<String> want) {
    return t.phase().inService()
        && t.spec().nameservers().stream().anyMatch(want::contains)
        && !DsPlanner.delegated(t, w.parentNs);
  }

  private static boolean nsSettled(Member t, List<String> want) {
    return t.observed() && t.nsPublishing() == null && t.nameservers().equals(want);
  }

  /** The same apex NS RRset at every signer that manages NS, once the delegation is planned. */
  private static void nsCommands(Draft w) {
    List<String> want = desiredNs(w);
    if (want.isEmpty() || csyncOut(w)) {
      // While any signer may serve CSYNC, a scanning parent may copy the NS RRset of whichever
      // signer it asks: no signer's NS changes until every CSYNC is withdrawn (observed).
      return;
    }
    // A signer entering the NS set must serve the new set itself before any other signer names it:
    // a resolver sent there must not find a stale apex NS (naming, say, a signer that has left).
    boolean enteringSettled =
        w.members.values().stream()
            .filter(t -> entering(w, t, want) && Draft.managesNs(t))
            .allMatch(t -> nsSettled(t, want));
    for (Member t : List.copyOf(w.members.values())) {
      if (!t.phase().inService() || !Draft.managesNs(t)) {
        continue;
      }
      if (!enteringSettled && !entering(w, t, want)) {
        continue;
      }
      Pending p = t.nsPublishing();
      boolean done =
          t.observed()
              && t.nameservers().equals(want)
              && (p == null || p.names().equals(want) && Commands.seenAfterApplied(t, p));
      Member next =
          Commands.command(
              w,
              t,
              CommandSlot.NS,
              List.of(),
              List.of(),
              done ? List.of() : want,
              id -> new PublishNs(id, t.id(), want),
              ZoneEventKind.NS_PUBLICATION_REQUESTED,
              "publish NS");
      w.members.put(t.id(), next);
    }
  }

  private static boolean publishesCsync(Member m) {
    return Draft.managesNs(m) && m.spec().capabilities().can(Capability.PUBLISH_CSYNC);
  }

  /**
   * True while some member may serve CSYNC: observed serving it, or a CSYNC command not yet seen to
   * take effect (a publication may have landed unobserved; a withdrawal may not have).
   */
  private static boolean csyncOut(Draft w) {
    return w.members.values().stream()
        .anyMatch(t -> !t.csync().isEmpty() || t.csyncPublishing() != null);
  }

  private static boolean csyncSettled(Member t, List<CsyncData> want) {
    return t.observed() && t.csyncPublishing() == null && t.csync().equals(want);
  }

  /**
   * CSYNC (RFC 7477) when the parent scans it: once every signer serves the new apex NS RRset and
   * the parent's differs, the identical record at every signer (draft "Signer joins" step 11,
   * "Signer leaves" step 2); once the parent has the new set, or before any signer's NS changes
   * again, it is withdrawn everywhere (steps 13 and 4), so a scanner never copies a set in flux.
   */
  private static void csyncCommands(Draft w) {
    if (!w.policy.channels().csync()) {
      return;
    }
    List<String> want = desiredNs(w);
    boolean nsSettledEverywhere =
        !want.isEmpty()
            && w.members.values().stream()
                .filter(t -> t.phase().inService() && Draft.managesNs(t))
                .allMatch(t -> nsSettled(t, want));
    boolean on = nsSettledEverywhere && !want.equals(w.parentNs);
    for (Member t : List.copyOf(w.members.values())) {
      if (!publishesCsync(t) || !(t.phase().inService() || !t.csync().isEmpty())) {
        continue;
      }
      boolean publish = on && t.phase().inService();
      List<CsyncData> desired = publish ? List.of(CsyncData.NS_SYNC) : List.of();
      List<String> marker = publish ? CSYNC_ON : CSYNC_OFF;
      // A command seen to take effect was cleared by settle(); one in flight (or one that did not
      // stick) is Commands.command's to wait for or repeat. Nothing to withdraw from a signer not
      // known to serve CSYNC nor asked to publish it.
      boolean done =
          t.csyncPublishing() == null && t.csync().equals(desired) && (!publish || t.observed());
      Member next =
          Commands.command(
              w,
              t,
              CommandSlot.CSYNC,
              List.of(),
              List.of(),
              done ? List.of() : marker,
              id ->
                  publish
                      ? new PublishCsync(id, t.id(), CsyncData.NS_SYNC)
                      : new WithdrawCsync(id, t.id()),
              publish
                  ? ZoneEventKind.CSYNC_PUBLICATION_REQUESTED
                  : ZoneEventKind.CSYNC_WITHDRAWAL_REQUESTED,
              publish ? "publish CSYNC for NS" : "withdraw CSYNC");
      w.members.put(t.id(), next);
    }
  }

  private static void nsRequest(Draft w) {
    List<String> want = desiredNs(w);
    // The signers' apex NS first, then the parent (draft "Signer joins" steps 10-11, "Signer
    // leaves" steps 1-2): a resolver sent by the parent to any signer must find the new set there.
    for (Member t : w.members.values()) {
      if (t.phase().inService()
          && Draft.managesNs(t)
          && (t.nsPublishing() != null || !t.observed() || !t.nameservers().equals(want))) {
        return;
      }
    }
    Pending p = w.nsRequest;
    if (!w.policy.channels().ns().contains(ParentChannel.DNS_UPDATE) && want.equals(w.parentNs)) {
      // Only the parent's CSYNC scanner writes the delegation, and it has the wanted set: an older
      // request (for a set the processes no longer want) is moot, nothing of ours can still land.
      w.nsRequest = null;
      return;
    }
    if (want.isEmpty() || want.equals(w.parentNs) && (p == null || p.names().equals(want))) {
      return;
    }
    if (p != null && p.names().equals(want) && w.now.isBefore(p.retryAt())) {
      return;
    }
    if (w.policy.channels().csync()
        && !w.members.values().stream()
            .filter(t -> t.phase().inService() && publishesCsync(t))
            .allMatch(t -> csyncSettled(t, List.of(CsyncData.NS_SYNC)))) {
      return;
    }
    String id = w.nextId();
    w.outputs.add(new RequestNsChange(id, want, w.policy.channels().ns()));
    w.event(ZoneEventKind.NS_CHANGE_REQUESTED, "request=" + id + " NS " + want);
    w.nsRequest = Commands.reissued(w, id, List.of(), List.of(), want, p);
  }
}
