package dev.multisigner.domain.decide;

import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.plan.DsPlanner;
import dev.multisigner.domain.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link ZoneDecider#plan}: the difference between what the processes want and what is observed,
 * for an operator to read. Not a dry run of the {@link Reconciler} on purpose: a dry run shows the
 * commands it would issue now, which hides every change already in flight (issued, not yet
 * observed) and every change a wait still holds back; the plan lists them all until an observation
 * shows them done. It asks the processes for their targets, so it cannot want something else.
 */
final class ZonePlan {

  private ZonePlan() {}

  static Plan of(Draft w) {
    List<Plan.Change> changes = new ArrayList<>();
    if (w.policy == null || !w.managed()) {
      return Plan.of(changes, Optional.empty());
    }
    List<Member> members = w.memberList();
    for (Member t : members) {
      if (!t.phase().inService()) {
        continue;
      }
      // Model 1: a member other than the KSK holder gets its whole RRset, signed by the holder.
      boolean whole = w.signedByHolder(t);
      Set<KeyData> desired =
          whole
              ? w.planner.signedRrset(w.policy, members, w.keys, t, w.now)
              : w.planner.foreignKeys(w.policy, members, w.keys, t, w.now);
      for (KeyData d : desired) {
        if (!t.served().contains(d)) {
          changes.add(new Plan.Change(Plan.Kind.ADD_DNSKEY, t.id().value(), w.describe(d)));
        }
      }
      for (KeyData d : t.served()) {
        KeyRecord k = w.key(d);
        if (k != null
            && (whole || !k.owner().equals(t.id()))
            && !desired.contains(d)
            && AlgorithmWindow.mayWithdraw(w, d)) {
          changes.add(new Plan.Change(Plan.Kind.REMOVE_DNSKEY, t.id().value(), w.describe(d)));
        }
      }
    }
    Optional<String> refusal = Optional.empty();
    if (ParentDsProcess.plannable(w)) {
      List<KeyData> dsKeys = ParentDsProcess.dsKeysNow(w, members);
      List<DsData> desired = DsPlanner.ds(w.zone, w.policy, dsKeys);
      refusal = DsPlanner.refusal(w.zone, w.policy, members, w.keys, w.parentNs, desired);
      for (Member t : members) {
        if (t.phase().inService() && !t.cds().equals(desired)) {
          changes.add(
              new Plan.Change(Plan.Kind.PUBLISH_CDS, t.id().value(), Draft.tagsOfDs(desired)));
        }
      }
      for (DsData d : desired) {
        if (!w.parentDs.contains(d)) {
          changes.add(
              new Plan.Change(Plan.Kind.ADD_DS, "parent", d.keyTag() + "/" + d.digestType()));
        }
      }
      for (DsData d : w.parentDs) {
        if (!desired.contains(d)) {
          changes.add(
              new Plan.Change(Plan.Kind.REMOVE_DS, "parent", d.keyTag() + "/" + d.digestType()));
        }
      }
      List<String> ns = NsSyncProcess.desiredNs(w);
      for (String n : ns) {
        if (!w.parentNs.contains(n)) {
          changes.add(new Plan.Change(Plan.Kind.ADD_NS, "parent", n));
        }
      }
      for (String n : w.parentNs) {
        if (!ns.isEmpty() && !ns.contains(n)) {
          changes.add(new Plan.Change(Plan.Kind.REMOVE_NS, "parent", n));
        }
      }
    }
    return Plan.of(changes, refusal);
  }
}
