package dev.multisigner.domain.decide;

import dev.multisigner.domain.decide.Output.PublishCdsCdnskey;
import dev.multisigner.domain.decide.Output.RequestDsChange;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.Pending;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.plan.DsPlanner;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parent's DS set and every member's CDS/CDNSKEY set follow the KSKs/CSKs the processes need
 * covered ({@link DsPlanner}): the identical CDS set at every in-service member (RFC 8901 §8, RFC
 * 8078) and one DS request at a time to the parent (through the ds-publisher). An unsafe plan, or
 * one over the registry's CDS limit, halts the zone instead. An insecure zone gets its first CDS/DS
 * only once every member serves every other member's keys, DNSKEY-Wait-Time ago.
 *
 * <pre>
 *   parent and every member the DS set covers observed --> plannable
 *   plannable, CDS wanted != served --> PublishCdsCdnskey at that member (settled by observation)
 *   plannable, DS wanted != parent's --> RequestDsChange (settled by ParentDsObserved)
 * </pre>
 */
final class ParentDsProcess {

  private ParentDsProcess() {}

  /** The DS set the processes want now, from these keys; {@code mayChange} false while held. */
  record Target(List<KeyData> dsKeys, List<DsData> ds, boolean mayChange) {}

  /** What the process waits for, for the operator's view. */
  static String describe(ZoneState s) {
    return s.dsRequest() == null ? "" : "DS change " + s.dsRequest().id() + " at the parent";
  }

  /**
   * The DS, CDS and NS sets can be planned once the parent has been observed and every member that
   * the DS set must cover has been observed: planning from less would drop a serving member's DS.
   */
  static boolean plannable(Draft w) {
    return w.parentDs != null
        && w.parentNs != null
        && w.members.values().stream()
            .filter(m -> m.phase().coveredByDs() || DsPlanner.delegated(m, w.parentNs))
            .allMatch(Member::observed);
  }

  /** The KSKs/CSKs whose DS the parent should hold now, of the algorithms the roll allows. */
  static List<KeyData> dsKeysNow(Draft w, List<Member> members) {
    return DsPlanner.dsKeys(w.policy, members, w.keys, w.parentNs, w.now).stream()
        .filter(k -> AlgorithmWindow.dsAlgorithm(w, k.algorithm()))
        .toList();
  }

  /**
   * The target DS set of a plannable zone; halts the zone when the plan is unsafe or over the CDS
   * limit, and holds the first DS of an insecure zone until it is safe ({@link #secureFrom}).
   */
  static Target target(Draft w) {
    List<KeyData> dsKeys = dsKeysNow(w, w.memberList());
    List<DsData> desired = DsPlanner.ds(w.zone, w.policy, dsKeys);
    DsPlanner.refusal(w.zone, w.policy, w.memberList(), w.keys, w.parentNs, desired)
        .ifPresent(
            r ->
                w.halt(
                    DsPlanner.overCdsLimit(w.policy, desired)
                        ? HaltCause.CDS_LIMIT
                        : HaltCause.UNSAFE_PLAN,
                    "DS plan refused: " + r));
    Optional<Instant> secureFrom = secureFrom(w);
    if (secureFrom.isPresent() && w.now.isBefore(secureFrom.get())) {
      w.secureAt = secureFrom.get();
    }
    return new Target(dsKeys, desired, secureFrom.isPresent() && w.secureAt == null);
  }

  /**
   * When CDS and DS may change. A zone the parent holds no DS for is insecure; the first DS makes
   * it secure, and from then on every DNSKEY RRset a resolver may have cached from any delegated
   * signer must hold every ZSK any delegated signer signs with (RFC 8901 §5.2, §6). So the first
   * CDS/DS waits until every in-service member serves every other member's keys, and then
   * DNSKEY-Wait-Time more, for RRsets cached before the imports (draft-ietf-dnsop-dnssec-automation
   * "Signer joins": step 3 before steps 4-6). CDS counts too: a parent that scans CDS (RFC 8078,
   * RFC 9615) would turn it into a DS. Empty while some member is not cross-published yet; now when
   * the parent already has a DS.
   */
  private static Optional<Instant> secureFrom(Draft w) {
    if (!w.parentDs.isEmpty()) {
      return Optional.of(w.now);
    }
    Instant latest = null;
    for (Member m : w.members.values()) {
      if (!m.phase().inService()) {
        continue;
      }
      if (m.keysPublishedAt() == null) {
        return Optional.empty();
      }
      latest = latest == null ? m.keysPublishedAt() : Draft.max(latest, m.keysPublishedAt());
    }
    return latest == null ? Optional.empty() : Optional.of(latest.plus(w.policy.dnskeyWait()));
  }

  /** The CDS/CDNSKEY set at every in-service member, then the DS request to the parent. */
  static void commands(Draft w, Target target) {
    List<DsData> desired = target.ds();
    List<KeyData> cdnskeys = w.policy.publishCdnskey() ? target.dsKeys() : List.of();
    for (Member t : List.copyOf(w.members.values())) {
      if (!t.phase().inService()) {
        continue;
      }
      boolean done = t.observed() && t.cds().equals(desired);
      Member next =
          Commands.command(
              w,
              t,
              CommandSlot.CDS,
              done ? List.of() : cdnskeys,
              done ? List.of() : desired,
              List.of(),
              id -> new PublishCdsCdnskey(id, t.id(), desired, cdnskeys),
              ZoneEventKind.CDS_PUBLICATION_REQUESTED,
              "publish CDS/CDNSKEY");
      w.members.put(t.id(), next);
    }
    request(w, desired);
  }

  private static void request(Draft w, List<DsData> desired) {
    Pending p = w.dsRequest;
    if (desired.equals(w.parentDs) && (p == null || p.ds().equals(desired))) {
      return;
    }
    if (p != null && p.ds().equals(desired) && w.now.isBefore(p.retryAt())) {
      return;
    }
    String id = w.nextId();
    w.outputs.add(new RequestDsChange(id, desired, w.policy.channels().ds()));
    Set<DsData> before = new TreeSet<>(w.parentDs);
    String adds = Draft.tagsOfDs(desired.stream().filter(d -> !before.contains(d)).toList());
    String removes = Draft.tagsOfDs(w.parentDs.stream().filter(d -> !desired.contains(d)).toList());
    w.event(
        ZoneEventKind.DS_CHANGE_REQUESTED,
        "request=" + id + " DS add " + adds + " remove " + removes);
    w.dsRequest = Commands.reissued(w, id, List.of(), desired, List.of(), p);
  }
}
