package dev.multisigner.domain.decide;

import dev.multisigner.domain.decide.Output.WakeAt;
import dev.multisigner.domain.decide.Output.ZoneEvent;
import dev.multisigner.domain.group.AlgorithmRoll;
import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.group.Pending;
import dev.multisigner.domain.group.ServedTtls;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.domain.plan.DnskeyPlanner;
import dev.multisigner.domain.plan.DsPlanner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The mutable draft of a {@link ZoneState} during one decision: the facts and the processes change
 * it, {@link #freeze()} turns it into the next state. Outputs (commands and events) are collected
 * in the order they are decided.
 */
final class Draft {
  final ZoneName zone;
  final Instant now;
  final DnskeyPlanner planner;
  final List<Output> outputs = new ArrayList<>();
  ZoneStatus status;
  HaltCause haltCause;
  String haltReason;

  /**
   * The policy in force for this decision: the declared one with its TTLs raised to the served ones
   * ({@link ServedTtls#raise}), so every wait uses max(policy, served). Set through {@link
   * #declare} and {@link #served}; the state stores the declared policy.
   */
  GroupPolicy policy;

  private GroupPolicy declared;
  private ServedTtls served;
  long seq;
  final TreeMap<SignerId, Member> members = new TreeMap<>();
  final List<KeyRecord> keys;
  List<DsData> parentDs;
  Instant parentDsSince;
  List<String> parentNs;
  Instant parentNsSince;
  Pending dsRequest;
  Pending nsRequest;
  Instant wakeAt;
  AlgorithmRoll roll;

  /** Each member's phase before this decision, to stamp when a member enters a new one. */
  private final Map<SignerId, MemberPhase> phasesBefore = new HashMap<>();

  /** When the first CDS/DS of an insecure zone may be published (transient, not stored). */
  Instant secureAt;

  Draft(ZoneState s, Instant now, DnskeyPlanner planner) {
    this.zone = s.zone();
    this.now = now;
    this.planner = planner;
    status = s.status();
    haltCause = s.haltCause();
    haltReason = s.haltReason();
    served = s.servedTtls();
    declare(s.policy());
    seq = s.seq();
    s.members().forEach(m -> members.put(m.id(), m));
    s.members().forEach(m -> phasesBefore.put(m.id(), m.phase()));
    keys = new ArrayList<>(s.keys());
    parentDs = s.parentDs();
    parentDsSince = s.parentDsSince();
    parentNs = s.parentNs();
    parentNsSince = s.parentNsSince();
    dsRequest = s.dsRequest();
    nsRequest = s.nsRequest();
    wakeAt = s.wakeAt();
    roll = s.algorithmRoll();
  }

  ZoneState freeze() {
    members.replaceAll((id, m) -> m.phase() == phasesBefore.get(id) ? m : m.withPhaseSince(now));
    return new ZoneState(
        zone,
        status,
        haltCause,
        haltReason,
        declared,
        seq,
        List.copyOf(members.values()),
        keys,
        parentDs,
        parentDsSince,
        parentNs,
        parentNsSince,
        dsRequest,
        nsRequest,
        wakeAt,
        roll,
        served);
  }

  /** The operator's policy (enrollment, the end of an algorithm rollover). */
  void declare(GroupPolicy p) {
    declared = p;
    policy = served.raise(p, now);
  }

  ServedTtls served() {
    return served;
  }

  /** What is served now: the policy in force follows. */
  void served(ServedTtls s) {
    served = s;
    policy = s.raise(declared, now);
  }

  GroupPolicy declared() {
    return declared;
  }

  /** Enrolled and not retired: the processes run (a halted zone only adds keys). */
  boolean managed() {
    return status == ZoneStatus.ACTIVE || status == ZoneStatus.HALTED;
  }

  List<Member> memberList() {
    return List.copyOf(members.values());
  }

  String nextId() {
    seq++;
    return zone.value() + "#" + seq;
  }

  void event(ZoneEventKind kind, String text) {
    outputs.add(new ZoneEvent(kind, "zone=" + zone + " " + text));
  }

  void halt(HaltCause cause, String reason) {
    if (status == ZoneStatus.HALTED) {
      return;
    }
    status = ZoneStatus.HALTED;
    haltCause = cause;
    haltReason = reason;
    event(ZoneEventKind.ZONE_HALTED, "halted: " + reason);
  }

  KeyRecord key(KeyData d) {
    for (KeyRecord k : keys) {
      if (k.data().equals(d)) {
        return k;
      }
    }
    return null;
  }

  void replaceKey(KeyRecord old, KeyRecord updated) {
    keys.set(keys.indexOf(old), updated);
  }

  /** Model 1, a member other than the KSK holder: its DNSKEY RRset is signed by the holder. */
  boolean signedByHolder(Member m) {
    return policy.model() == SignerModel.MODEL_1 && !m.id().equals(policy.kskHolder());
  }

  static boolean managesNs(Member m) {
    return m.spec().capabilities().can(Capability.MANAGE_NS);
  }

  /** The member a pending command belongs to, if any. */
  Optional<SignerId> findPending(String id) {
    for (Member m : members.values()) {
      for (CommandSlot s : CommandSlot.values()) {
        Pending p = s.get(m);
        if (p != null && p.id().equals(id)) {
          return Optional.of(m.id());
        }
      }
    }
    return Optional.empty();
  }

  /** Keys as events name them: role, owner and tag. */
  String tagsOf(List<KeyData> keys) {
    return keys.stream().map(this::describe).collect(Collectors.joining(", ", "[", "]"));
  }

  String describe(KeyData d) {
    KeyRecord k = key(d);
    return (k == null ? "key " : k.role() + " of " + k.owner() + " ") + d.keyTag();
  }

  static String tagsOfDs(List<DsData> ds) {
    return ds.stream()
        .map(d -> d.keyTag() + "/" + d.digestType())
        .collect(Collectors.joining(", ", "[", "]"));
  }

  static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Asks to be woken at the next deadline of any wait, retry or key retirement. */
  void scheduleWake() {
    Instant next = null;
    if (managed()) {
      List<Instant> candidates = new ArrayList<>();
      for (Member m : members.values()) {
        candidates.add(m.waitUntil());
        candidates.add(signedByHolder(m) ? m.resignAt() : null);
        for (CommandSlot s : CommandSlot.values()) {
          Pending p = s.get(m);
          candidates.add(
              p == null
                  ? null
                  : p.appliedAt() == null ? p.retryAt() : Commands.repeatAt(this, m, p));
        }
      }
      candidates.add(dsRequest == null ? null : dsRequest.retryAt());
      candidates.add(secureAt);
      candidates.add(nsRequest == null ? null : nsRequest.retryAt());
      candidates.add(roll == null ? null : roll.waitUntil());
      candidates.add(DsPlanner.importWaitEnds(policy, memberList(), keys, now));
      for (KeyRecord k : keys) {
        if (k.retired() && members.containsKey(k.owner())) {
          candidates.add(k.goneSince().plus(policy.signatureWait()));
          candidates.add(k.goneSince().plus(policy.dnskeyWait()));
        }
      }
      for (Instant c : candidates) {
        if (c != null && c.isAfter(now) && (next == null || c.isBefore(next))) {
          next = c;
        }
      }
    }
    if (next != null && !next.equals(wakeAt)) {
      outputs.add(new WakeAt(next));
    }
    wakeAt = next;
  }
}
