package dev.multisigner.domain.decide;

import dev.multisigner.domain.group.Member;
import java.util.List;

/**
 * The second half of a decision, and the only place that knows the order of the processes. Each
 * process reads the draft as the ones before it left it:
 *
 * <ol>
 *   <li>halt on a served key no member accounts for ({@link KeyAccounting});
 *   <li>settle the NS and CSYNC commands an observation confirmed ({@link NsSyncProcess});
 *   <li>in an active zone, move every member's join ({@link JoinProcess}) or leave ({@link
 *       LeaveProcess}) as far as it goes, then the algorithm rollover ({@link
 *       AlgorithmRollProcess});
 *   <li>the DNSKEY RRset of every in-service member: imports and withdrawals ({@link
 *       DnskeySyncProcess}), or in model 1 the RRset the KSK holder signs ({@link
 *       ModelOneSigningProcess});
 *   <li>once the parent side is plannable: the DS target (which may halt the zone), then, in an
 *       active zone whose parent side may change, CDS and DS ({@link ParentDsProcess}) and the apex
 *       NS, CSYNC and parent NS ({@link NsSyncProcess});
 *   <li>forget retired keys whose memory has passed ({@link KeyLedger}).
 * </ol>
 *
 * A halted zone runs steps 1, 2, 4 (imports only) and 6, and the DS target's check.
 */
final class Reconciler {

  private Reconciler() {}

  static void reconcile(Draft w) {
    KeyAccounting.haltOnUnaccountedKeys(w);
    NsSyncProcess.settle(w);
    if (w.status == ZoneStatus.ACTIVE) {
      advanceMembers(w);
      AlgorithmRollProcess.advance(w);
    }
    List<Member> members = w.memberList();
    for (Member t : members) {
      if (!t.phase().inService()) {
        continue;
      }
      if (w.signedByHolder(t)) {
        ModelOneSigningProcess.commands(w, w.members.get(t.id()));
      } else {
        DnskeySyncProcess.commands(w, members, t);
      }
    }
    if (ParentDsProcess.plannable(w)) {
      ParentDsProcess.Target target = ParentDsProcess.target(w);
      if (w.status == ZoneStatus.ACTIVE && target.mayChange()) {
        ParentDsProcess.commands(w, target);
        NsSyncProcess.commands(w);
      }
    }
    KeyLedger.forgetKeys(w);
  }

  /** Joins and leaves, until no member's phase changes any more. */
  private static void advanceMembers(Draft w) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Member m : List.copyOf(w.members.values())) {
        if (m.phase().leaving() ? LeaveProcess.step(w, m) : JoinProcess.step(w, m)) {
          changed = true;
        }
      }
    }
  }
}
