package dev.multisigner.domain.decide;

import dev.multisigner.domain.decide.Output.ImportDnskeys;
import dev.multisigner.domain.decide.Output.InstallSignedDnskeyRrset;
import dev.multisigner.domain.decide.Output.PublishCdsCdnskey;
import dev.multisigner.domain.decide.Output.PublishCsync;
import dev.multisigner.domain.decide.Output.PublishNs;
import dev.multisigner.domain.decide.Output.RequestDsChange;
import dev.multisigner.domain.decide.Output.RequestNsChange;
import dev.multisigner.domain.decide.Output.RollSignerKey;
import dev.multisigner.domain.decide.Output.SignDnskeyRrset;
import dev.multisigner.domain.decide.Output.WakeAt;
import dev.multisigner.domain.decide.Output.WithdrawCsync;
import dev.multisigner.domain.decide.Output.WithdrawDnskeys;
import dev.multisigner.domain.decide.Output.ZoneEvent;
import dev.multisigner.domain.decide.ZoneInput.AddSigner;
import dev.multisigner.domain.decide.ZoneInput.DnskeyRrsetSigned;
import dev.multisigner.domain.decide.ZoneInput.DsPublicationFailed;
import dev.multisigner.domain.decide.ZoneInput.EnrollZone;
import dev.multisigner.domain.decide.ZoneInput.KeySigningRequested;
import dev.multisigner.domain.decide.ZoneInput.ObservationFailed;
import dev.multisigner.domain.decide.ZoneInput.ParentDsObserved;
import dev.multisigner.domain.decide.ZoneInput.ParentNsObserved;
import dev.multisigner.domain.decide.ZoneInput.RemoveSigner;
import dev.multisigner.domain.decide.ZoneInput.ResumeZone;
import dev.multisigner.domain.decide.ZoneInput.RetireZone;
import dev.multisigner.domain.decide.ZoneInput.RollAlgorithm;
import dev.multisigner.domain.decide.ZoneInput.RollKey;
import dev.multisigner.domain.decide.ZoneInput.SignerCommandApplied;
import dev.multisigner.domain.decide.ZoneInput.SignerCommandFailed;
import dev.multisigner.domain.decide.ZoneInput.SignerKeysObserved;
import dev.multisigner.domain.group.AlgorithmRoll;
import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.group.Pending;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.CsyncData;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.ParentChannel;
import dev.multisigner.domain.model.RrsigData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.SignerSpec;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.domain.plan.DnskeyPlanner;
import dev.multisigner.domain.plan.DsPlanner;
import dev.multisigner.domain.plan.GroupCheck;
import dev.multisigner.domain.plan.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * ISSUE 13'S GUARD, NOT PRODUCTION CODE: a verbatim copy of {@code ZoneDecider} as it was before it
 * was split into one file per process. The simulator and the timelines run it beside the real
 * decider from the same state and input and fail on any difference in state, outputs or event text.
 * Removed once the split is done and the guard passed on the property suite's 10,000 worlds.
 *
 * <p>The multi-signer brain for one zone: {@code decide(state, input, now) -> Decision(state',
 * outputs)}. Pure: time comes in as {@code now}, ids come from the state's sequence number.
 *
 * <p>Every decision first records what the input says (facts: observations, results, intents), then
 * reconciles: it advances each member's join/leave process ({@link MemberPhase}), asks every member
 * for the foreign keys it lacks and to drop the ones whose waits have passed ({@link
 * dev.multisigner.domain.group.KeyRecord}), keeps the CDS/CDNSKEY set identical at every member and
 * the parent's DS and NS sets where the processes need them, and asks to be woken at the next
 * deadline. Rollovers a signer starts on its own are handled by the same reconciliation: a new key
 * in its observed RRset is imported everywhere at once, a vanished one is withdrawn after its
 * waits.
 *
 * <p>Model 1 (RFC 8901 §2.1.1) runs the same processes; only the way a member's DNSKEY RRset
 * changes differs. The KSK holder imports and withdraws foreign ZSKs in the RRset it signs itself,
 * as in model 2. Every other member gets a whole RRset: the decider asks the holder to sign the
 * RRset the planner wants for it ({@code SignDnskeyRrset}), installs the holder's answer there
 * ({@code InstallSignedDnskeyRrset}) and is done when an observation shows it. Such a member's own
 * ZSKs come from its key signing requests ({@code KeySigningRequested}), so a new ZSK is in every
 * RRset, re-signed by the holder, before its owner signs with it:
 *
 * <pre>
 *   RRset wanted != served --> SIGNING (SignDnskeyRrset to the holder)
 *   SIGNING -- DnskeyRrsetSigned --> INSTALLING (InstallSignedDnskeyRrset)
 *   INSTALLING -- observed serving it --> done      (failure or silence: ask the holder again)
 * </pre>
 *
 * <p>A halted zone keeps importing keys (an added ZSK never breaks validation, a missing one does)
 * but removes nothing and advances no process until it is resumed or its cause goes away.
 */
public final class LegacyZoneDecider {

  private static final LegacyZoneDecider STANDARD = new LegacyZoneDecider(DnskeyPlanner.standard());

  private final DnskeyPlanner planner;

  public LegacyZoneDecider(DnskeyPlanner planner) {
    this.planner = planner;
  }

  /** Decides with the standard planners. */
  public static Decision decide(ZoneState state, ZoneInput input, Instant now) {
    return STANDARD.apply(state, input, now);
  }

  public Decision apply(ZoneState state, ZoneInput input, Instant now) {
    Work w = new Work(state, now);
    if (!state.zone().equals(input.zone())) {
      w.event(
          ZoneEventKind.REQUEST_REJECTED,
          "input for zone " + input.zone() + " given to zone " + state.zone() + ": ignored");
      return new Decision(state, w.outputs);
    }
    handle(w, input);
    if (w.status == ZoneStatus.ACTIVE || w.status == ZoneStatus.HALTED) {
      reconcile(w);
    }
    w.scheduleWake();
    return new Decision(w.freeze(), w.outputs);
  }

  /**
   * What is still to change for this zone at {@code now}, with the standard planners: foreign keys
   * to add or (waits passed) remove at each member, the CDS set, the parent's DS and NS sets, and
   * the reason the DS plan is refused if it is unsafe. Reads the state only; commands in flight
   * still count as changes until observed.
   */
  public static Plan plan(ZoneState state, Instant now) {
    return STANDARD.planOf(state, now);
  }

  private Plan planOf(ZoneState state, Instant now) {
    Work w = new Work(state, now);
    List<Plan.Change> changes = new ArrayList<>();
    if (w.policy == null || !(w.status == ZoneStatus.ACTIVE || w.status == ZoneStatus.HALTED)) {
      return Plan.of(changes, Optional.empty());
    }
    List<Member> members = w.memberList();
    for (Member t : members) {
      if (!t.phase().inService()) {
        continue;
      }
      // Model 1: a member other than the KSK holder gets its whole RRset, signed by the holder.
      boolean whole = signedByHolder(w, t);
      Set<KeyData> desired =
          whole
              ? planner.signedRrset(w.policy, members, w.keys, t, now)
              : planner.foreignKeys(w.policy, members, w.keys, t, now);
      for (KeyData d : desired) {
        if (!t.served().contains(d)) {
          changes.add(new Plan.Change(Plan.Kind.ADD_DNSKEY, t.id().value(), describe(w, d)));
        }
      }
      for (KeyData d : t.served()) {
        KeyRecord k = w.key(d);
        if (k != null
            && (whole || !k.owner().equals(t.id()))
            && !desired.contains(d)
            && mayWithdraw(w, d)) {
          changes.add(new Plan.Change(Plan.Kind.REMOVE_DNSKEY, t.id().value(), describe(w, d)));
        }
      }
    }
    Optional<String> refusal = Optional.empty();
    if (parentSidePlannable(w)) {
      List<KeyData> dsKeys = dsKeysNow(w, members);
      List<DsData> desired = DsPlanner.ds(w.zone, w.policy, dsKeys);
      refusal = DsPlanner.refusal(w.zone, w.policy, members, w.keys, w.parentNs, desired);
      for (Member t : members) {
        if (t.phase().inService() && !t.cds().equals(desired)) {
          changes.add(new Plan.Change(Plan.Kind.PUBLISH_CDS, t.id().value(), tagsOfDs(desired)));
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
      List<String> ns = desiredNs(w);
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

  private static String describe(Work w, KeyData d) {
    KeyRecord k = w.key(d);
    return (k == null ? "key " : k.role() + " of " + k.owner() + " ") + d.keyTag();
  }

  // ---- facts -------------------------------------------------------------------------------

  private void handle(Work w, ZoneInput input) {
    boolean managed = w.status == ZoneStatus.ACTIVE || w.status == ZoneStatus.HALTED;
    if (input instanceof EnrollZone e) {
      enroll(w, e);
    } else if (input instanceof AddSigner a) {
      if (intentAllowed(w, "add signer " + a.signer().id())
          && notRolling(w, "add signer " + a.signer().id())) {
        addSigner(w, a.signer());
      }
    } else if (input instanceof RemoveSigner r) {
      if (intentAllowed(w, "remove signer " + r.signer())
          && notRolling(w, "remove signer " + r.signer())) {
        removeSigner(w, r.signer());
      }
    } else if (input instanceof RollKey k) {
      if (intentAllowed(w, "roll the " + k.role() + " of " + k.signer())
          && (!k.role().needsDs() || notRolling(w, "roll the " + k.role() + " of " + k.signer()))) {
        rollKey(w, k);
      }
    } else if (input instanceof RollAlgorithm r) {
      if (intentAllowed(w, "algorithm roll to " + r.algorithm() + " by " + r.operator())) {
        startRoll(w, r);
      }
    } else if (input instanceof ResumeZone r) {
      resume(w, r);
    } else if (input instanceof RetireZone r) {
      if (managed) {
        w.status = ZoneStatus.RETIRED;
        w.event(ZoneEventKind.ZONE_RETIRED, "retired by " + r.operator());
      } else {
        w.event(ZoneEventKind.REQUEST_REJECTED, "retire refused: the zone is " + w.status);
      }
    } else if (!managed) {
      return;
    } else if (input instanceof SignerKeysObserved o) {
      observed(w, o);
    } else if (input instanceof ObservationFailed f) {
      observationFailed(w, f);
    } else if (input instanceof SignerCommandApplied a) {
      w.findPending(a.commandId())
          .ifPresent(
              id -> {
                Member m = w.members.get(id);
                for (Slot slot : Slot.values()) {
                  Pending p = slot.get(m);
                  if (p != null && p.id().equals(a.commandId()) && p.appliedAt() == null) {
                    m = slot.set(m, p.appliedAt(w.now));
                  }
                }
                w.members.put(id, m);
                w.event(
                    ZoneEventKind.COMMAND_APPLIED,
                    "signer=" + id + " command=" + a.commandId() + " applied");
              });
    } else if (input instanceof SignerCommandFailed f) {
      commandFailed(w, f);
    } else if (input instanceof KeySigningRequested r) {
      keySigningRequested(w, r);
    } else if (input instanceof DnskeyRrsetSigned r) {
      dnskeyRrsetSigned(w, r);
    } else if (input instanceof ParentDsObserved p) {
      // A request fulfilled counts as a change even when the set looks the same: an earlier request
      // may have been applied and undone between two observations (the ds-publisher applies a
      // zone's requests in order, so once the latest is seen, no earlier one can still land).
      boolean fulfils = w.dsRequest != null && w.dsRequest.ds().equals(p.ds());
      if (!p.ds().equals(w.parentDs)) {
        w.event(ZoneEventKind.PARENT_DS_CHANGED, "parent DS now " + tagsOfDs(p.ds()));
      }
      if (fulfils || !p.ds().equals(w.parentDs)) {
        w.parentDs = p.ds();
        w.parentDsSince = w.now;
      }
      if (fulfils) {
        w.dsRequest = null;
      }
    } else if (input instanceof ParentNsObserved p) {
      boolean fulfils = w.nsRequest != null && w.nsRequest.names().equals(p.nameservers());
      if (!p.nameservers().equals(w.parentNs)) {
        w.event(ZoneEventKind.PARENT_NS_CHANGED, "parent NS now " + p.nameservers());
      }
      if (fulfils || !p.nameservers().equals(w.parentNs)) {
        w.parentNs = p.nameservers();
        w.parentNsSince = w.now;
      }
      if (fulfils) {
        w.nsRequest = null;
      }
    } else if (input instanceof DsPublicationFailed f) {
      parentRequestFailed(w, f);
    }
    // CdsPublished adds nothing (the signers' observations say what CDS they serve); WakeUp only
    // lets time pass: the reconciliation does whatever became due.
  }

  private static void resume(Work w, ResumeZone r) {
    if (w.status == ZoneStatus.HALTED) {
      w.status = ZoneStatus.ACTIVE;
      w.haltCause = HaltCause.NONE;
      w.event(
          ZoneEventKind.ZONE_RESUMED,
          "resumed by " + r.operator() + ": " + r.reason() + " (was halted: " + w.haltReason + ")");
      w.haltReason = null;
    } else {
      w.event(
          ZoneEventKind.REQUEST_REJECTED,
          "resume by " + r.operator() + " refused: the zone is " + w.status + ", not halted");
    }
  }

  private static boolean intentAllowed(Work w, String what) {
    if (w.status == ZoneStatus.ACTIVE) {
      return true;
    }
    w.event(
        ZoneEventKind.REQUEST_REJECTED,
        what
            + " refused: the zone is "
            + w.status
            + (w.status == ZoneStatus.HALTED ? " (" + w.haltReason + ")" : ""));
    return false;
  }

  private static void enroll(Work w, EnrollZone e) {
    if (w.status == ZoneStatus.ACTIVE || w.status == ZoneStatus.HALTED) {
      w.event(ZoneEventKind.REQUEST_REJECTED, "enrollment refused: the zone is already enrolled");
      return;
    }
    Optional<String> refusal = GroupCheck.refusal(e.policy(), e.signers());
    if (refusal.isPresent()) {
      w.event(ZoneEventKind.REQUEST_REJECTED, "enrollment refused: " + refusal.get());
      return;
    }
    w.status = ZoneStatus.ACTIVE;
    w.haltCause = HaltCause.NONE;
    w.haltReason = null;
    w.policy = e.policy();
    w.members.clear();
    w.keys.clear();
    w.roll = null;
    w.parentDs = null;
    w.parentNs = null;
    w.parentDsSince = null;
    w.parentNsSince = null;
    w.dsRequest = null;
    w.nsRequest = null;
    for (SignerSpec s : e.signers()) {
      w.members.put(s.id(), Member.joining(s));
    }
    w.event(
        ZoneEventKind.ZONE_ENROLLED,
        "enrolled "
            + e.policy().model()
            + " algorithm "
            + e.policy().algorithm()
            + " with signers "
            + w.members.keySet());
  }

  private static void addSigner(Work w, SignerSpec spec) {
    if (w.members.containsKey(spec.id())) {
      w.event(
          ZoneEventKind.REQUEST_REJECTED,
          "add signer " + spec.id() + " refused: it is already a member");
      return;
    }
    List<SignerSpec> grown = new ArrayList<>();
    w.members.values().forEach(m -> grown.add(m.spec()));
    grown.add(spec);
    Optional<String> refusal = GroupCheck.refusal(w.policy, grown);
    if (refusal.isPresent()) {
      w.event(
          ZoneEventKind.REQUEST_REJECTED, "add signer " + spec.id() + " refused: " + refusal.get());
      return;
    }
    w.members.put(spec.id(), Member.joining(spec));
    w.event(ZoneEventKind.SIGNER_JOIN_STARTED, "signer=" + spec.id() + " joining");
  }

  private static void removeSigner(Work w, SignerId id) {
    Member m = w.members.get(id);
    if (m == null || m.phase().leaving()) {
      w.event(
          ZoneEventKind.REQUEST_REJECTED,
          "remove signer " + id + " refused: " + (m == null ? "not a member" : "already leaving"));
      return;
    }
    if (w.policy.holdsKsk(id)) {
      w.event(
          ZoneEventKind.REQUEST_REJECTED,
          "remove signer "
              + id
              + " refused: it holds the group's KSK (model 1); handing the KSK to another signer is"
              + " not built");
      return;
    }
    boolean anotherServes =
        w.members.values().stream()
            .anyMatch(o -> !o.id().equals(id) && o.phase() == MemberPhase.ACTIVE);
    if (!anotherServes) {
      w.event(
          ZoneEventKind.REQUEST_REJECTED,
          "remove signer " + id + " refused: no other signer would serve the zone");
      return;
    }
    w.members.put(id, m.withPhase(MemberPhase.LEAVING_NS, null));
    w.event(
        ZoneEventKind.SIGNER_LEAVE_STARTED,
        "signer=" + id + " leaving: NS first, then DS, then keys");
  }

  private static void rollKey(Work w, RollKey k) {
    Member m = w.members.get(k.signer());
    if (m == null || m.phase() != MemberPhase.ACTIVE) {
      w.event(
          ZoneEventKind.REQUEST_REJECTED,
          "roll the " + k.role() + " of " + k.signer() + " refused: not an active member");
      return;
    }
    if (k.role().needsDs() && w.policy.model() == SignerModel.MODEL_1 && !holds(w, k.signer())) {
      w.event(
          ZoneEventKind.REQUEST_REJECTED,
          "roll the "
              + k.role()
              + " of "
              + k.signer()
              + " refused: in model 1 only the KSK holder "
              + w.policy.kskHolder()
              + " has a KSK (RFC 8901 §2.1.1)");
      return;
    }
    if (k.role().needsDs()) {
      int after =
          (DsPlanner.dsKeys(w.policy, w.memberList(), w.keys, w.parentNs, w.now).size() + 1)
              * w.policy.cdsDigestTypes().size();
      if (after > w.policy.maxCdsRecords()) {
        w.event(
            ZoneEventKind.REQUEST_REJECTED,
            "roll the "
                + k.role()
                + " of "
                + k.signer()
                + " refused: the CDS set would grow to "
                + after
                + " records, the registry accepts at most "
                + w.policy.maxCdsRecords());
        return;
      }
    }
    String id = w.nextId();
    w.outputs.add(new RollSignerKey(id, k.signer(), k.role()));
    w.event(
        ZoneEventKind.KEY_ROLL_REQUESTED,
        "signer=" + k.signer() + " command=" + id + " roll " + k.role());
  }

  private static void observed(Work w, SignerKeysObserved o) {
    Member m = w.members.get(o.signer());
    SignerObservation obs = o.observed();
    if (m == null || (m.observedAt() != null && !obs.observedAt().isAfter(m.observedAt()))) {
      return;
    }
    if (signedByHolder(w, m)) {
      observedSignedMember(w, m, obs);
    } else {
      observedOwnSigner(w, m, obs);
    }
    GroupCheck.keyTagCollision(w.keys).ifPresent(r -> w.halt(HaltCause.KEY_TAG_COLLISION, r));
    m = w.members.get(m.id());
    warnIfSigningTooEarly(w, m, obs, ownKeys(w, m, obs));
    noteDoubleSignature(w, m, obs);
    w.members.put(
        m.id(),
        m.withObservation(t(obs), obs.dnskeys(), obs.cds(), obs.nameservers(), obs.csync()));
    if (w.status == ZoneStatus.HALTED
        && w.haltCause == HaltCause.SIGNER_UNREACHABLE
        && w.members.values().stream().noneMatch(x -> x.failingSince() != null)) {
      w.status = ZoneStatus.ACTIVE;
      w.event(
          ZoneEventKind.ZONE_RESUMED,
          "signer=" + m.id() + " answers again (was halted: " + w.haltReason + ")");
      w.haltCause = HaltCause.NONE;
      w.haltReason = null;
    }
  }

  private static Instant t(SignerObservation obs) {
    return obs.observedAt();
  }

  /** The keys of {@code m} among those it serves. */
  private static List<KeyData> ownKeys(Work w, Member m, SignerObservation obs) {
    List<KeyData> own = new ArrayList<>();
    for (KeyData d : obs.dnskeys()) {
      KeyRecord k = w.key(d);
      if (k != null && k.owner().equals(m.id())) {
        own.add(d);
      }
    }
    return own;
  }

  /**
   * Model 1, a member other than the KSK holder: its RRset is the one the decider installed, so its
   * own ZSKs are known from its key signing requests and retire only by them. A ZSK it serves that
   * is new to the group is taken as its own; a KSK or CSK of its own would be a second KSK holder
   * (RFC 8901 §2.1.1), and the zone halts. Only signing zone data makes a key its own: the holder's
   * KSK signs its DNSKEY RRset.
   */
  private static void observedSignedMember(Work w, Member m, SignerObservation obs) {
    Instant t = obs.observedAt();
    Member holder = w.members.get(w.policy.kskHolder());
    for (KeyData d : obs.dnskeys()) {
      KeyRecord known = w.key(d);
      if (known != null
          && !known.owner().equals(m.id())
          && !d.sep()
          && obs.zoneSignerTags().contains(d.keyTag())) {
        w.replaceKey(known, new KeyRecord(d, m.id(), KeyRole.ZSK, known.firstSeen(), null));
        w.event(
            ZoneEventKind.KEY_OBSERVED,
            "signer="
                + m.id()
                + " signs with ZSK "
                + d.keyTag()
                + ": its own key (was attributed to "
                + known.owner()
                + ")");
        continue;
      }
      if (known != null) {
        continue;
      }
      if (d.sep()) {
        if (holder != null && holder.observed()) {
          w.halt(
              HaltCause.UNACCOUNTABLE_KEY,
              "signer "
                  + m.id()
                  + " serves a KSK/CSK "
                  + d.keyTag()
                  + " of its own: in model 1 only the KSK holder "
                  + w.policy.kskHolder()
                  + " has one (RFC 8901 §2.1.1)");
        }
        continue;
      }
      newZsk(w, m, d, t, "new ZSK");
    }
  }

  private static void newZsk(Work w, Member m, KeyData d, Instant t, String what) {
    w.keys.add(new KeyRecord(d, m.id(), KeyRole.ZSK, t, null));
    w.event(ZoneEventKind.KEY_OBSERVED, "signer=" + m.id() + " " + what + " " + d.keyTag());
    if (!groupAlgorithm(w, d.algorithm())) {
      w.halt(
          HaltCause.UNACCOUNTABLE_KEY,
          "signer "
              + m.id()
              + " serves key "
              + d.keyTag()
              + " with algorithm "
              + d.algorithm()
              + ", the group uses "
              + w.policy.algorithm());
    }
  }

  /** A signer that signs its own DNSKEY RRset (model 2, and the KSK holder of model 1). */
  private static void observedOwnSigner(Work w, Member m, SignerObservation obs) {
    Instant t = obs.observedAt();
    List<KeyData> own = new ArrayList<>();
    for (KeyData d : obs.dnskeys()) {
      KeyRecord known = w.key(d);
      if (known != null && !known.owner().equals(m.id()) && signs(obs, d)) {
        // Only the holder of the private key can sign: a key first seen (not signing) elsewhere,
        // e.g. in a group cross-imported by hand before enrollment, belongs to the signer using it.
        w.replaceKey(known, new KeyRecord(d, m.id(), known.role(), known.firstSeen(), null));
        w.event(
            ZoneEventKind.KEY_OBSERVED,
            "signer="
                + m.id()
                + " signs with "
                + known.role()
                + " "
                + d.keyTag()
                + ": its own key (was attributed to "
                + known.owner()
                + ")");
        known = w.key(d);
      }
      if (known == null || known.owner().equals(m.id())) {
        own.add(d);
      }
    }
    for (KeyData d : own) {
      // Per algorithm: during an algorithm rollover a signer may pair a KSK and a ZSK in one
      // algorithm and use a CSK in the other.
      boolean hasZsk =
          own.stream()
              .anyMatch(x -> !x.sep() && (w.roll == null || x.algorithm() == d.algorithm()));
      KeyRole role = !d.sep() ? KeyRole.ZSK : hasZsk ? KeyRole.KSK : KeyRole.CSK;
      KeyRecord known = w.key(d);
      if (known == null) {
        w.keys.add(new KeyRecord(d, m.id(), role, t, null));
        w.event(ZoneEventKind.KEY_OBSERVED, "signer=" + m.id() + " new " + role + " " + d.keyTag());
        if (!groupAlgorithm(w, d.algorithm())) {
          w.halt(
              HaltCause.UNACCOUNTABLE_KEY,
              "signer "
                  + m.id()
                  + " serves key "
                  + d.keyTag()
                  + " with algorithm "
                  + d.algorithm()
                  + ", the group uses "
                  + w.policy.algorithm());
        }
      } else {
        KeyRecord updated = known.role() == role ? known : known.withRole(role);
        w.replaceKey(known, known.retired() ? updated.withGoneSince(null) : updated);
      }
    }
    Set<KeyData> served = new HashSet<>(obs.dnskeys());
    for (KeyRecord k : List.copyOf(w.keys)) {
      if (k.owner().equals(m.id()) && !k.retired() && !served.contains(k.data())) {
        w.replaceKey(k, k.withGoneSince(t));
        w.event(
            ZoneEventKind.KEY_RETIREMENT_OBSERVED,
            "signer="
                + m.id()
                + " no longer serves its "
                + k.role()
                + " "
                + k.data().keyTag()
                + (w.roll != null
                        && k.data().algorithm() == w.roll.from()
                        && w.roll.phase() != AlgorithmRoll.Phase.OLD_KEYS
                    ? " before the algorithm rollover lets old-algorithm keys go"
                        + " (RFC 6781 §4.1.4)"
                    : ""));
      }
    }
  }

  /**
   * Invariant 1 is the signer's to keep (its pre-publication must cover the import, RFC 8901 §6);
   * the decider can only notice, from the signer's own observation, that it signs zone data with a
   * key a serving member does not serve yet, and say so.
   */
  private static void warnIfSigningTooEarly(
      Work w, Member m, SignerObservation obs, List<KeyData> own) {
    if (!(m.phase() == MemberPhase.ACTIVE || DsPlanner.delegated(m, w.parentNs))) {
      return;
    }
    if (w.parentDs != null && w.parentDs.isEmpty()) {
      // No DS at the parent: the zone is insecure, validators do not validate it (RFC 4035 §4.3).
      return;
    }
    for (KeyData d : own) {
      if (!obs.zoneSignerTags().contains(d.keyTag())) {
        continue;
      }
      if (w.roll != null && d.algorithm() == w.roll.to() && !w.roll.phase().newDsAllowed()) {
        // Double signature before any DS of the new algorithm: validators use the old algorithm,
        // whose keys every signer serves (RFC 6840 §5.11, RFC 6781 §4.1.4).
        continue;
      }
      for (Member t : w.members.values()) {
        boolean serving = t.phase() == MemberPhase.ACTIVE || DsPlanner.delegated(t, w.parentNs);
        if (!t.id().equals(m.id()) && serving && t.observed() && !t.served().contains(d)) {
          w.event(
              ZoneEventKind.UNSAFE_SIGNING_OBSERVED,
              "signer="
                  + m.id()
                  + " signs with "
                  + d.keyTag()
                  + " which "
                  + t.id()
                  + " does not serve yet: resolvers holding "
                  + t.id()
                  + "'s DNSKEY RRset fail to validate (RFC 8901 §6)");
        }
      }
    }
  }

  /** Model 1, a member other than the KSK holder: its DNSKEY RRset is signed by the holder. */
  private static boolean signedByHolder(Work w, Member m) {
    return w.policy.model() == SignerModel.MODEL_1 && !m.id().equals(w.policy.kskHolder());
  }

  private static boolean holds(Work w, SignerId id) {
    return w.policy.holdsKsk(id);
  }

  /**
   * Model 1: a member's own ZSKs are the ones its latest key signing request names. A new one is
   * recorded (and planned into every RRset at once); one no longer named retires at the request's
   * time and stays in every RRset for the signature wait (RFC 7583 §3.3.1).
   */
  private static void keySigningRequested(Work w, KeySigningRequested r) {
    Member m = w.members.get(r.signer());
    if (m == null || !signedByHolder(w, m)) {
      w.event(
          ZoneEventKind.REQUEST_REJECTED,
          "key signing request of "
              + r.signer()
              + " ignored: only a model 1 member other than the KSK holder sends one");
      return;
    }
    if (m.keysRequestedAt() != null && !r.requestedAt().isAfter(m.keysRequestedAt())) {
      return;
    }
    Optional<KeyData> sep = r.zsks().stream().filter(KeyData::sep).findFirst();
    if (sep.isPresent()) {
      w.halt(
          HaltCause.UNACCOUNTABLE_KEY,
          "signer "
              + m.id()
              + " asks to publish a KSK/CSK "
              + sep.get().keyTag()
              + " of its own: in model 1 only the KSK holder "
              + w.policy.kskHolder()
              + " has one (RFC 8901 §2.1.1)");
      return;
    }
    Instant t = r.requestedAt();
    for (KeyData d : r.zsks()) {
      KeyRecord known = w.key(d);
      if (known == null) {
        newZsk(w, m, d, t, "requests new ZSK");
      } else if (!known.owner().equals(m.id())) {
        w.event(
            ZoneEventKind.REQUEST_REJECTED,
            "signer="
                + m.id()
                + " requests key "
                + d.keyTag()
                + " which belongs to "
                + known.owner()
                + ": ignored");
      } else if (known.retired()) {
        w.replaceKey(known, known.withGoneSince(null));
      }
    }
    for (KeyRecord k : List.copyOf(w.keys)) {
      if (k.owner().equals(m.id()) && !k.retired() && !r.zsks().contains(k.data())) {
        w.replaceKey(k, k.withGoneSince(t));
        w.event(
            ZoneEventKind.KEY_RETIREMENT_OBSERVED,
            "signer=" + m.id() + " no longer requests its ZSK " + k.data().keyTag());
      }
    }
    w.members.put(m.id(), m.withKeysRequestedAt(t));
    GroupCheck.keyTagCollision(w.keys).ifPresent(x -> w.halt(HaltCause.KEY_TAG_COLLISION, x));
  }

  /**
   * Model 1: the holder signed a member's RRset. Installed at once if it is still the RRset wanted
   * (whichever request it answers: a slow holder's answer to an earlier request for the same RRset
   * counts) and every signature is by a KSK of the holder in it; an answer for an RRset no longer
   * wanted is dropped, a duplicate of one being installed is ignored.
   */
  private void dnskeyRrsetSigned(Work w, DnskeyRrsetSigned r) {
    Member m = w.members.get(r.signer());
    if (m == null || !signedByHolder(w, m) || !m.phase().inService()) {
      return;
    }
    List<KeyData> keys = r.keys();
    if (!keys.equals(wantedRrset(w, m))) {
      return;
    }
    Pending inst = m.installing();
    if (inst != null && inst.keys().equals(keys) && w.now.isBefore(inst.retryAt())) {
      return;
    }
    Set<Integer> holderTags =
        w.keys.stream()
            .filter(
                k ->
                    k.owner().equals(w.policy.kskHolder())
                        && k.role().needsDs()
                        && keys.contains(k.data()))
            .map(k -> k.data().keyTag())
            .collect(Collectors.toSet());
    Optional<RrsigData> foreign =
        r.rrsigs().stream()
            .filter(g -> !holderTags.contains(g.keyTag()) || g.algorithm() != w.policy.algorithm())
            .findFirst();
    if (r.rrsigs().isEmpty() || foreign.isPresent()) {
      Pending sig = m.signing();
      w.members.put(
          m.id(),
          m.withSigning(sig == null ? null : sig.retryingAt(w.now.plus(w.policy.retryInterval()))));
      w.halt(
          HaltCause.COMMAND_REJECTED,
          "the KSK holder "
              + w.policy.kskHolder()
              + " answered "
              + r.commandId()
              + " for "
              + m.id()
              + (r.rrsigs().isEmpty()
                  ? " without a signature"
                  : " with " + foreign.get() + ", not by a KSK of its in that RRset"));
      return;
    }
    String id = w.nextId();
    w.outputs.add(new InstallSignedDnskeyRrset(id, m.id(), keys, r.rrsigs()));
    w.event(
        ZoneEventKind.SIGNED_DNSKEY_RRSET_INSTALL_REQUESTED,
        "signer="
            + m.id()
            + " command="
            + id
            + " install "
            + tagsOf(w, keys)
            + " signed by "
            + r.rrsigs().stream().map(g -> String.valueOf(g.keyTag())).toList());
    w.members.put(
        m.id(),
        m.withSigning(null)
            .withInstalling(
                Pending.issued(
                    id, keys, List.of(), List.of(), w.now.plus(w.policy.retryInterval())),
                r.rrsigs()));
  }

  /**
   * Model 1, a member other than the KSK holder: the DNSKEY RRset it must serve now, in order. In a
   * halted zone nothing is removed: keys it serves that the group knows stay.
   */
  private List<KeyData> wantedRrset(Work w, Member m) {
    Set<KeyData> want = new TreeSet<>();
    for (KeyData d : planner.signedRrset(w.policy, w.memberList(), w.keys, m, w.now)) {
      if (importable(w, d) || m.served().contains(d)) {
        want.add(d);
      }
    }
    if (w.status == ZoneStatus.HALTED) {
      for (KeyData d : m.served()) {
        if (w.key(d) != null) {
          want.add(d);
        }
      }
    }
    return List.copyOf(new TreeSet<>(want));
  }

  private static boolean signs(SignerObservation obs, KeyData d) {
    int tag = d.keyTag();
    return obs.zoneSignerTags().contains(tag) || obs.dnskeySignerTags().contains(tag);
  }

  private static void observationFailed(Work w, ObservationFailed f) {
    Member m = w.members.get(f.signer());
    if (m == null) {
      return;
    }
    Instant since = m.failingSince() != null ? m.failingSince() : w.now;
    w.members.put(m.id(), m.withFailingSince(since));
    if (!w.now.isBefore(since.plus(w.policy.unreachableLimit()))) {
      w.halt(
          HaltCause.SIGNER_UNREACHABLE,
          "signer " + m.id() + " unreachable since " + since + ": " + f.reason());
    }
  }

  private static void commandFailed(Work w, SignerCommandFailed f) {
    for (Member m : List.copyOf(w.members.values())) {
      for (Slot slot : Slot.values()) {
        Pending p = slot.get(m);
        if (p != null && p.id().equals(f.commandId())) {
          Instant retry = w.now.plus(w.policy.retryInterval());
          w.members.put(m.id(), slot.set(m, p.retryingAt(retry)));
          if (f.retryable()) {
            w.event(
                ZoneEventKind.COMMAND_FAILED,
                "signer="
                    + m.id()
                    + " command="
                    + f.commandId()
                    + " failed ("
                    + f.reason()
                    + "), retry at "
                    + retry);
          } else {
            w.halt(
                HaltCause.COMMAND_REJECTED,
                "signer " + m.id() + " rejected command " + f.commandId() + ": " + f.reason());
          }
          return;
        }
      }
    }
  }

  private static void parentRequestFailed(Work w, DsPublicationFailed f) {
    Instant retry = w.now.plus(w.policy.retryInterval());
    if (w.dsRequest != null && w.dsRequest.id().equals(f.requestId())) {
      w.dsRequest = w.dsRequest.retryingAt(retry);
    } else if (w.nsRequest != null && w.nsRequest.id().equals(f.requestId())) {
      w.nsRequest = w.nsRequest.retryingAt(retry);
    } else {
      return;
    }
    w.event(
        ZoneEventKind.DS_PUBLICATION_FAILED,
        "request=" + f.requestId() + " failed (" + f.reason() + "), retry at " + retry);
  }

  // ---- algorithm rollover ------------------------------------------------------------------

  /**
   * The algorithms whose keys pass for the group's: the policy's, and during an algorithm rollover
   * the new one too (RFC 6781 §4.1.4: both are served and used side by side).
   */
  private static boolean groupAlgorithm(Work w, int algorithm) {
    return algorithm == w.policy.algorithm() || w.roll != null && w.roll.uses(algorithm);
  }

  /**
   * The algorithms the parent's DS set (and the CDS set) may reference now: the policy's; during a
   * rollover the old one until its DS is to leave, the new one only once every signer double-signs
   * and the waits passed (RFC 7583 §3.4.1, "conservative" approach for multi-signer).
   */
  private static boolean dsAlgorithm(Work w, int algorithm) {
    AlgorithmRoll r = w.roll;
    if (r == null) {
      return algorithm == w.policy.algorithm();
    }
    if (algorithm == r.from()) {
      return !r.phase().oldDsRemoved();
    }
    return algorithm == r.to() && r.phase().newDsAllowed();
  }

  private static List<KeyData> dsKeysNow(Work w, List<Member> members) {
    return DsPlanner.dsKeys(w.policy, members, w.keys, w.parentNs, w.now).stream()
        .filter(k -> dsAlgorithm(w, k.algorithm()))
        .toList();
  }

  private static boolean notRolling(Work w, String what) {
    if (w.roll == null) {
      return true;
    }
    w.event(
        ZoneEventKind.REQUEST_REJECTED,
        what
            + " refused: an algorithm rollover from "
            + w.roll.from()
            + " to "
            + w.roll.to()
            + " is running ("
            + w.roll.phase()
            + ")");
    return false;
  }

  /**
   * Algorithms a signer may roll to: the RFC 8624 §3.1 algorithms that MUST or MAY be used for
   * signing (RSASHA256, RSASHA512, ECDSAP256SHA256, ECDSAP384SHA384, ED25519, ED448).
   */
  private static final Set<Integer> SIGNING_ALGORITHMS = Set.of(8, 10, 13, 14, 15, 16);

  private static void startRoll(Work w, RollAlgorithm r) {
    Optional<String> refusal = rollRefusal(w, r.algorithm());
    if (refusal.isPresent()) {
      w.event(
          ZoneEventKind.REQUEST_REJECTED,
          "algorithm roll to "
              + r.algorithm()
              + " by "
              + r.operator()
              + " refused: "
              + refusal.get());
      return;
    }
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

  private static Optional<String> rollRefusal(Work w, int to) {
    if (w.roll != null) {
      return Optional.of(
          "an algorithm rollover from "
              + w.roll.from()
              + " to "
              + w.roll.to()
              + " is already running ("
              + w.roll.phase()
              + ")");
    }
    if (w.policy.model() != SignerModel.MODEL_2) {
      return Optional.of("an algorithm rollover is built for model 2 groups only");
    }
    if (to == w.policy.algorithm()) {
      return Optional.of("the group already uses algorithm " + to);
    }
    if (!SIGNING_ALGORITHMS.contains(to)) {
      return Optional.of("algorithm " + to + " is not one a signer may sign with (RFC 8624 §3.1)");
    }
    for (Member m : w.members.values()) {
      if (!m.spec().capabilities().can(Capability.READ_KEYS_DNS)) {
        return Optional.of(
            "signer "
                + m.id()
                + " cannot be read over DNS with RRSIGs, so its double signature (RFC 6781"
                + " §4.1.4) cannot be seen: "
                + m.spec().capabilities().support(Capability.READ_KEYS_DNS).reason());
      }
    }
    // Model 2: at least one KSK/CSK per member, each with a DS of both algorithms at once.
    int ksks = w.members.size();
    if (w.parentDs != null && w.parentNs != null) {
      ksks = Math.max(ksks, dsKeysNow(w, w.memberList()).size());
    }
    int cds = 2 * ksks * w.policy.cdsDigestTypes().size();
    if (cds > w.policy.maxCdsRecords()) {
      return Optional.of(
          "the CDS set would grow to "
              + cds
              + " records with both algorithms, the registry accepts at most "
              + w.policy.maxCdsRecords());
    }
    for (Member m : w.members.values()) {
      if (m.phase() != MemberPhase.ACTIVE) {
        return Optional.of(
            "signer " + m.id() + " is " + m.phase() + ": no join or leave may run alongside");
      }
    }
    if (w.parentDs == null || w.parentNs == null) {
      return Optional.of("the parent has not been observed yet");
    }
    return Optional.empty();
  }

  /**
   * During PUBLISHING: whether the member's latest observation shows it signing its DNSKEY RRset
   * and its zone data with keys of its own of both algorithms (RFC 6781 §4.1.4 step 2; RFC 4035
   * §2.2: every algorithm in the DNSKEY RRset signs every RRset).
   */
  private static void noteDoubleSignature(Work w, Member m, SignerObservation obs) {
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

  /** Advances the rollover as far as the observations allow (the diagram is in AlgorithmRoll). */
  private void advanceRoll(Work w) {
    boolean changed = true;
    while (w.roll != null && changed) {
      changed = rollStep(w);
    }
  }

  private boolean rollStep(Work w) {
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
        w.roll = r.withPhase(AlgorithmRoll.Phase.PUBLISH_WAIT, until);
        w.event(
            ZoneEventKind.ALGORITHM_ROLL_ADVANCED,
            "every signer serves and signs with algorithm "
                + r.to()
                + " and serves every new ZSK (observed "
                + at.get()
                + "); max(DNSKEY-Wait-Time, signature wait) until "
                + until
                + " before its DS (RFC 7583 §3.4.1)");
        return true;
      }
      case PUBLISH_WAIT -> {
        if (w.now.isBefore(r.waitUntil())) {
          return false;
        }
        w.roll = r.withPhase(AlgorithmRoll.Phase.NEW_DS, null);
        w.event(
            ZoneEventKind.ALGORITHM_ROLL_ADVANCED,
            "DS for algorithm " + r.to() + " may now be published at every signer and the parent");
        return true;
      }
      case NEW_DS -> {
        if (w.parentDs == null || w.dsRequest != null) {
          return false;
        }
        List<KeyRecord> sep = rollSepKeys(w, r.to());
        if (sep.isEmpty()
            || !sep.stream().allMatch(k -> DsPlanner.references(w.zone, w.parentDs, k.data()))) {
          return false;
        }
        Instant until = w.parentDsSince.plus(p.dsWait());
        w.roll = r.withPhase(AlgorithmRoll.Phase.NEW_DS_WAIT, until);
        w.event(
            ZoneEventKind.ALGORITHM_ROLL_ADVANCED,
            "parent DS holds algorithm "
                + r.to()
                + "; DS-Wait-Time until "
                + until
                + " before the DS of algorithm "
                + r.from()
                + " leaves");
        return true;
      }
      case NEW_DS_WAIT -> {
        if (w.now.isBefore(r.waitUntil())) {
          return false;
        }
        w.roll = r.withPhase(AlgorithmRoll.Phase.OLD_DS_REMOVAL, null);
        w.event(
            ZoneEventKind.ALGORITHM_ROLL_ADVANCED,
            "DS of algorithm " + r.from() + " leaves CDS at every signer and the parent");
        return true;
      }
      case OLD_DS_REMOVAL -> {
        if (w.parentDs == null
            || w.dsRequest != null
            || w.parentDs.stream().anyMatch(d -> d.algorithm() == r.from())) {
          return false;
        }
        Instant until = w.parentDsSince.plus(p.dsWait());
        w.roll = r.withPhase(AlgorithmRoll.Phase.OLD_DS_WAIT, until);
        w.event(
            ZoneEventKind.ALGORITHM_ROLL_ADVANCED,
            "parent DS without algorithm "
                + r.from()
                + "; DS-Wait-Time until "
                + until
                + " before its keys may go");
        return true;
      }
      case OLD_DS_WAIT -> {
        if (w.now.isBefore(r.waitUntil())) {
          return false;
        }
        w.roll = r.withPhase(AlgorithmRoll.Phase.OLD_KEYS, null);
        w.event(
            ZoneEventKind.ALGORITHM_ROLL_ADVANCED,
            "signers may now stop signing with and withdraw their algorithm "
                + r.from()
                + " keys; foreign ones are withdrawn after the signature wait (RFC 6781 §4.1.4)");
        return true;
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
        w.policy = p.withAlgorithm(r.to());
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

  /** The in-service members' current KSKs/CSKs of this algorithm. */
  private static List<KeyRecord> rollSepKeys(Work w, int algorithm) {
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
  private Optional<Instant> newAlgorithmPublishedAt(Work w, AlgorithmRoll r) {
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
      if (!m.served().containsAll(planner.foreignKeys(w.policy, members, w.keys, m, w.now))) {
        return Optional.empty();
      }
      latest = latest == null ? m.observedAt() : max(latest, m.observedAt());
    }
    return Optional.ofNullable(latest);
  }

  // ---- reconciliation ----------------------------------------------------------------------

  private void reconcile(Work w) {
    settleNsCommands(w);
    settleCsyncCommands(w);
    if (w.status == ZoneStatus.ACTIVE) {
      advancePhases(w);
      advanceRoll(w);
    }
    dnskeyCommands(w);
    if (parentSidePlannable(w)) {
      List<KeyData> dsKeys = dsKeysNow(w, w.memberList());
      List<DsData> desired = DsPlanner.ds(w.zone, w.policy, dsKeys);
      DsPlanner.refusal(w.zone, w.policy, w.memberList(), w.keys, w.parentNs, desired)
          .ifPresent(
              r ->
                  w.halt(
                      r.startsWith("the CDS") ? HaltCause.CDS_LIMIT : HaltCause.UNSAFE_PLAN,
                      "DS plan refused: " + r));
      Optional<Instant> secureFrom = secureFrom(w);
      if (secureFrom.isPresent() && w.now.isBefore(secureFrom.get())) {
        w.secureAt = secureFrom.get();
      }
      boolean parentSideMayChange = secureFrom.isPresent() && w.secureAt == null;
      if (w.status == ZoneStatus.ACTIVE && parentSideMayChange) {
        cdsCommands(w, desired, dsKeys);
        dsRequest(w, desired);
        nsCommands(w);
        csyncCommands(w);
        nsRequest(w);
      }
    }
    forgetKeys(w);
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
  private static Optional<Instant> secureFrom(Work w) {
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
      latest = latest == null ? m.keysPublishedAt() : max(latest, m.keysPublishedAt());
    }
    return latest == null ? Optional.empty() : Optional.of(latest.plus(w.policy.dnskeyWait()));
  }

  /**
   * The DS, CDS and NS sets can be planned once the parent has been observed and every member that
   * the DS set must cover has been observed: planning from less would drop a serving member's DS.
   */
  private static boolean parentSidePlannable(Work w) {
    return w.parentDs != null
        && w.parentNs != null
        && w.members.values().stream()
            .filter(m -> m.phase().coveredByDs() || DsPlanner.delegated(m, w.parentNs))
            .allMatch(Member::observed);
  }

  private void advancePhases(Work w) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Member m : List.copyOf(w.members.values())) {
        if (advance(w, m)) {
          changed = true;
        }
      }
    }
  }

  /** One step of a member's join/leave process; true when its phase changed. */
  private boolean advance(Work w, Member m) {
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
            max(w.parentDsSince.plus(p.dsWait()), m.keysPublishedAt().plus(p.dnskeyWait()));
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
      case ACTIVE -> {
        return false;
      }
      case LEAVING_NS -> {
        if (w.parentNs == null || w.nsRequest != null || DsPlanner.delegated(m, w.parentNs)) {
          return false;
        }
        Instant childNsSince = w.parentNsSince;
        for (Member o : w.members.values()) {
          if (o.id().equals(m.id()) || !o.phase().inService() || !managesNs(o)) {
            continue;
          }
          if (!o.observed()
              || o.nsPublishing() != null
              || o.nameservers().stream().anyMatch(m.spec().nameservers()::contains)) {
            return false;
          }
          childNsSince = max(childNsSince, o.observedAt());
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
    }
    return false;
  }

  /**
   * When every in-service member (including {@code m}) has been observed serving every foreign key
   * the planner wants it to, the latest of those observations: every member added the keys before
   * then, so DNSKEY RRsets without them leave caches DNSKEY-Wait-Time after it (draft "Signer
   * joins" steps 3 and 8).
   */
  private Optional<Instant> crossPublishedAt(Work w, Member m) {
    // Model 1: a member other than the holder has ZSKs only; the holder's KSK signs its RRset.
    boolean hasKeys =
        signedByHolder(w, m)
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
      Set<KeyData> want =
          signedByHolder(w, t)
              ? planner.signedRrset(w.policy, w.memberList(), w.keys, t, w.now)
              : planner.foreignKeys(w.policy, w.memberList(), w.keys, t, w.now);
      if (!t.served().containsAll(want)) {
        return Optional.empty();
      }
      latest = max(latest, t.observedAt());
    }
    return Optional.of(latest);
  }

  private static boolean dsCovers(Work w, Member m) {
    SignerId signer = DsPlanner.dnskeySigner(w.policy, m);
    List<KeyRecord> sep =
        w.keys.stream()
            .filter(k -> k.owner().equals(signer) && k.role().needsDs() && !k.retired())
            .toList();
    return !sep.isEmpty()
        && sep.stream().allMatch(k -> DsPlanner.references(w.zone, w.parentDs, k.data()));
  }

  private void dnskeyCommands(Work w) {
    List<Member> members = w.memberList();
    for (Member t : members) {
      if (!t.phase().inService()) {
        continue;
      }
      if (signedByHolder(w, t)) {
        signedRrsetCommands(w, w.members.get(t.id()));
        continue;
      }
      Set<KeyData> desired = planner.foreignKeys(w.policy, members, w.keys, t, w.now);
      Set<KeyData> served = new TreeSet<>(t.served());
      List<KeyData> toImport =
          desired.stream().filter(d -> !served.contains(d) && importable(w, d)).sorted().toList();
      List<KeyData> toWithdraw =
          served.stream()
              .filter(d -> !desired.contains(d))
              .filter(
                  d -> {
                    KeyRecord k = w.key(d);
                    return k != null && !k.owner().equals(t.id()) && mayWithdraw(w, d);
                  })
              .sorted()
              .toList();
      Member cur = w.members.get(t.id());
      cur =
          command(
              w,
              cur,
              Slot.IMPORTING,
              toImport,
              List.of(),
              id -> new ImportDnskeys(id, t.id(), toImport),
              ZoneEventKind.KEY_IMPORT_REQUESTED,
              "import");
      if (w.status == ZoneStatus.ACTIVE && t.observed()) {
        cur =
            command(
                w,
                cur,
                Slot.WITHDRAWING,
                toWithdraw,
                List.of(),
                id -> new WithdrawDnskeys(id, t.id(), toWithdraw),
                ZoneEventKind.KEY_WITHDRAWAL_REQUESTED,
                "withdraw");
      }
      w.members.put(t.id(), cur);
    }
  }

  /**
   * During an algorithm rollover no old-algorithm key is withdrawn before the old DS has left the
   * parent for DS-Wait-Time (RFC 6781 §4.1.4 step 8 before step 9).
   */
  private static boolean mayWithdraw(Work w, KeyData d) {
    return w.roll == null
        || d.algorithm() != w.roll.from()
        || w.roll.phase() == AlgorithmRoll.Phase.OLD_KEYS;
  }

  /**
   * Model 1: gets the RRset wanted for {@code t} signed by the holder and installed (the state
   * diagram is in the class comment). Done when an observation shows {@code t} serving it; an
   * installation applied is awaited until an observation taken after it; one that failed, was lost
   * or did not stick starts over with a new signature.
   */
  private void signedRrsetCommands(Work w, Member t) {
    List<KeyData> want = wantedRrset(w, t);
    if (t.observed() && t.served().equals(want)) {
      w.members.put(t.id(), t.withSigning(null).withInstalling(null));
      return;
    }
    Pending inst = t.installing();
    if (inst != null && inst.keys().equals(want)) {
      boolean inFlight = inst.appliedAt() == null && w.now.isBefore(inst.retryAt());
      boolean awaitingObservation =
          inst.appliedAt() != null && !(t.observed() && t.observedAt().isAfter(inst.appliedAt()));
      if (inFlight || awaitingObservation) {
        return;
      }
      // Failed, lost or did not stick: install the same signed RRset again while its RRSIGs last.
      if (!t.installRrsigs().isEmpty()
          && t.installRrsigs().stream().allMatch(g -> w.now.isBefore(g.expiration()))) {
        String id = w.nextId();
        w.outputs.add(new InstallSignedDnskeyRrset(id, t.id(), want, t.installRrsigs()));
        w.event(
            ZoneEventKind.SIGNED_DNSKEY_RRSET_INSTALL_REQUESTED,
            "signer=" + t.id() + " command=" + id + " install " + tagsOf(w, want) + " (retry)");
        w.members.put(
            t.id(),
            t.withInstalling(
                Pending.issued(
                    id, want, List.of(), List.of(), w.now.plus(w.policy.retryInterval())),
                t.installRrsigs()));
        return;
      }
    }
    Pending sig = t.signing();
    if (sig != null && sig.keys().equals(want) && w.now.isBefore(sig.retryAt())) {
      return;
    }
    // Nothing to sign before the holder's keys are known and the member named its own ZSKs.
    Member holder = w.members.get(w.policy.kskHolder());
    boolean ownKnown = w.keys.stream().anyMatch(k -> k.owner().equals(t.id()) && !k.retired());
    if (holder == null || !holder.observed() || !ownKnown) {
      return;
    }
    String id = w.nextId();
    w.outputs.add(new SignDnskeyRrset(id, holder.id(), t.id(), want));
    w.event(
        ZoneEventKind.DNSKEY_RRSET_SIGNATURE_REQUESTED,
        "signer="
            + holder.id()
            + " command="
            + id
            + " sign "
            + tagsOf(w, want)
            + " for "
            + t.id()
            + (sig != null && sig.keys().equals(want) ? " (retry)" : ""));
    w.members.put(
        t.id(),
        t.withInstalling(null)
            .withSigning(
                Pending.issued(
                    id, want, List.of(), List.of(), w.now.plus(w.policy.retryInterval()))));
  }

  /**
   * A key is never spread to other signers while it cannot be told apart (its tag collides with
   * another key of the group, RFC 4034 Appendix B) or does not belong (another algorithm, RFC 8901
   * §4); the zone halts instead.
   */
  private static boolean importable(Work w, KeyData d) {
    if (!groupAlgorithm(w, d.algorithm())) {
      return false;
    }
    int tag = d.keyTag();
    return w.keys.stream().noneMatch(k -> k.data().keyTag() == tag && !k.data().equals(d));
  }

  private void cdsCommands(Work w, List<DsData> desired, List<KeyData> dsKeys) {
    List<KeyData> cdnskeys = w.policy.publishCdnskey() ? dsKeys : List.of();
    for (Member t : List.copyOf(w.members.values())) {
      if (!t.phase().inService()) {
        continue;
      }
      boolean done = t.observed() && t.cds().equals(desired);
      Member next =
          command(
              w,
              t,
              Slot.CDS,
              done ? List.of() : cdnskeys,
              done ? List.of() : desired,
              id -> new PublishCdsCdnskey(id, t.id(), desired, cdnskeys),
              ZoneEventKind.CDS_PUBLICATION_REQUESTED,
              "publish CDS/CDNSKEY");
      w.members.put(t.id(), next);
    }
  }

  /**
   * Emits a command for a non-empty change unless the same change is already in flight and not yet
   * due for a retry; clears the slot when nothing is left to change.
   */
  private static Member command(
      Work w,
      Member m,
      Slot slot,
      List<KeyData> keys,
      List<DsData> ds,
      Function<String, Output> make,
      ZoneEventKind kind,
      String verb) {
    return command(w, m, slot, keys, ds, List.of(), make, kind, verb);
  }

  private static Member command(
      Work w,
      Member m,
      Slot slot,
      List<KeyData> keys,
      List<DsData> ds,
      List<String> names,
      Function<String, Output> make,
      ZoneEventKind kind,
      String verb) {
    if (keys.isEmpty() && ds.isEmpty() && names.isEmpty()) {
      return slot.get(m) == null ? m : slot.set(m, null);
    }
    Pending p = slot.get(m);
    boolean same =
        p != null && p.keys().equals(keys) && p.ds().equals(ds) && p.names().equals(names);
    if (same && p.appliedAt() != null) {
      // Applied: wait for an observation to show it; ask again only if one taken after the
      // application still shows the old state (the change did not stick).
      if (!(m.observed() && m.observedAt().isAfter(p.appliedAt()))) {
        return m;
      }
    } else if (same && w.now.isBefore(p.retryAt())) {
      return m;
    }
    String id = w.nextId();
    w.outputs.add(make.apply(id));
    w.event(
        kind,
        "signer="
            + m.id()
            + " command="
            + id
            + " "
            + verb
            + " "
            + (!names.isEmpty() ? names.toString() : ds.isEmpty() ? tagsOf(w, keys) : tagsOfDs(ds))
            + (same ? " (retry)" : ""));
    return slot.set(m, Pending.issued(id, keys, ds, names, w.now.plus(w.policy.retryInterval())));
  }

  private static void dsRequest(Work w, List<DsData> desired) {
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
    String adds = tagsOfDs(desired.stream().filter(d -> !before.contains(d)).toList());
    String removes = tagsOfDs(w.parentDs.stream().filter(d -> !desired.contains(d)).toList());
    w.event(
        ZoneEventKind.DS_CHANGE_REQUESTED,
        "request=" + id + " DS add " + adds + " remove " + removes);
    w.dsRequest =
        Pending.issued(id, List.of(), desired, List.of(), w.now.plus(w.policy.retryInterval()));
  }

  /**
   * The delegation the processes want: members that have joined (or are waiting for their NS), and
   * members already delegated that are not leaving (draft "Signer joins" step 9, "Signer leaves"
   * step 1).
   */
  private static List<String> desiredNs(Work w) {
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

  private static boolean entering(Work w, Member t, List<String> want) {
    return t.phase().inService()
        && t.spec().nameservers().stream().anyMatch(want::contains)
        && !DsPlanner.delegated(t, w.parentNs);
  }

  private static boolean nsSettled(Member t, List<String> want) {
    return t.observed() && t.nsPublishing() == null && t.nameservers().equals(want);
  }

  /** An NS command is done once an observation taken after its reported application shows it. */
  private static void settleNsCommands(Work w) {
    for (Member t : List.copyOf(w.members.values())) {
      Pending p = t.nsPublishing();
      if (p != null
          && p.appliedAt() != null
          && t.observed()
          && t.observedAt().isAfter(p.appliedAt())
          && t.nameservers().equals(p.names())) {
        w.members.put(t.id(), t.withNsPublishing(null));
      }
    }
  }

  private static boolean managesNs(Member m) {
    return m.spec().capabilities().can(Capability.MANAGE_NS);
  }

  /** The same apex NS RRset at every signer that manages NS, once the delegation is planned. */
  private static void nsCommands(Work w) {
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
            .filter(t -> entering(w, t, want) && managesNs(t))
            .allMatch(t -> nsSettled(t, want));
    for (Member t : List.copyOf(w.members.values())) {
      if (!t.phase().inService() || !managesNs(t)) {
        continue;
      }
      if (!enteringSettled && !entering(w, t, want)) {
        continue;
      }
      Pending p = t.nsPublishing();
      boolean done =
          t.observed()
              && t.nameservers().equals(want)
              && (p == null
                  || p.names().equals(want)
                      && p.appliedAt() != null
                      && t.observedAt().isAfter(p.appliedAt()));
      Member next =
          command(
              w,
              t,
              Slot.NS,
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
    return managesNs(m) && m.spec().capabilities().can(Capability.PUBLISH_CSYNC);
  }

  private static final List<String> CSYNC_ON = List.of("csync");
  private static final List<String> CSYNC_OFF = List.of("no csync");

  /** A CSYNC command is done once an observation taken after its reported application shows it. */
  private static void settleCsyncCommands(Work w) {
    for (Member t : List.copyOf(w.members.values())) {
      Pending p = t.csyncPublishing();
      if (p != null
          && p.appliedAt() != null
          && t.observed()
          && t.observedAt().isAfter(p.appliedAt())
          && t.csync().isEmpty() == p.names().equals(CSYNC_OFF)) {
        w.members.put(t.id(), t.withCsyncPublishing(null));
      }
    }
  }

  /**
   * True while some member may serve CSYNC: observed serving it, or a CSYNC command not yet seen to
   * take effect (a publication may have landed unobserved; a withdrawal may not have).
   */
  private static boolean csyncOut(Work w) {
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
  private static void csyncCommands(Work w) {
    if (!w.policy.channels().csync()) {
      return;
    }
    List<String> want = desiredNs(w);
    boolean nsSettledEverywhere =
        !want.isEmpty()
            && w.members.values().stream()
                .filter(t -> t.phase().inService() && managesNs(t))
                .allMatch(t -> nsSettled(t, want));
    boolean on = nsSettledEverywhere && !want.equals(w.parentNs);
    for (Member t : List.copyOf(w.members.values())) {
      if (!publishesCsync(t) || !(t.phase().inService() || !t.csync().isEmpty())) {
        continue;
      }
      boolean publish = on && t.phase().inService();
      List<CsyncData> desired = publish ? List.of(CsyncData.NS_SYNC) : List.of();
      List<String> marker = publish ? CSYNC_ON : CSYNC_OFF;
      // A command seen to take effect was cleared by settleCsyncCommands; one in flight (or one
      // that did not stick) is command()'s to wait for or repeat. Nothing to withdraw from a
      // signer not known to serve CSYNC nor asked to publish it.
      boolean done =
          t.csyncPublishing() == null && t.csync().equals(desired) && (!publish || t.observed());
      Member next =
          command(
              w,
              t,
              Slot.CSYNC,
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

  private static void nsRequest(Work w) {
    List<String> want = desiredNs(w);
    // The signers' apex NS first, then the parent (draft "Signer joins" steps 10-11, "Signer
    // leaves" steps 1-2): a resolver sent by the parent to any signer must find the new set there.
    for (Member t : w.members.values()) {
      if (t.phase().inService()
          && managesNs(t)
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
    w.nsRequest =
        Pending.issued(id, List.of(), List.of(), want, w.now.plus(w.policy.retryInterval()));
  }

  /**
   * A retired key is remembered for {@link #KEY_MEMORY} after its owner dropped it (or left), not
   * just for its waits: an import of it still in flight at some signer writer may land late, and a
   * forgotten key would then pass for that signer's own. Remembered, it is withdrawn again.
   */
  static final Duration KEY_MEMORY = Duration.ofDays(1);

  private static void forgetKeys(Work w) {
    GroupPolicy p = w.policy;
    w.keys.removeIf(
        k ->
            k.retired()
                && !w.now.isBefore(
                    max(
                        k.goneSince().plus(KEY_MEMORY),
                        max(
                            k.goneSince().plus(p.signatureWait()),
                            k.goneSince().plus(p.dnskeyWait()))))
                && w.members.values().stream().noneMatch(m -> m.served().contains(k.data()))
                && !DsPlanner.references(w.zone, w.parentDs, k.data()));
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static String tagsOf(Work w, List<KeyData> keys) {
    return keys.stream()
        .map(
            d -> {
              KeyRecord k = w.key(d);
              return (k == null ? "key " : k.role() + " of " + k.owner() + " ") + d.keyTag();
            })
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String tagsOfDs(List<DsData> ds) {
    return ds.stream()
        .map(d -> d.keyTag() + "/" + d.digestType())
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** The command slots of a member (the last two in model 1 only). */
  private enum Slot {
    IMPORTING(Member::importing, Member::withImporting),
    WITHDRAWING(Member::withdrawing, Member::withWithdrawing),
    CDS(Member::cdsPublishing, Member::withCdsPublishing),
    NS(Member::nsPublishing, Member::withNsPublishing),
    CSYNC(Member::csyncPublishing, Member::withCsyncPublishing),
    SIGNING(Member::signing, Member::withSigning),
    INSTALLING(Member::installing, Member::withInstalling);

    private final Function<Member, Pending> getter;
    private final BiFunction<Member, Pending, Member> setter;

    Slot(Function<Member, Pending> g, BiFunction<Member, Pending, Member> s) {
      this.getter = g;
      this.setter = s;
    }

    Pending get(Member m) {
      return getter.apply(m);
    }

    Member set(Member m, Pending p) {
      return setter.apply(m, p);
    }
  }

  /** The mutable working copy of a state during one decision. */
  private static final class Work {
    final ZoneName zone;
    final Instant now;
    final List<Output> outputs = new ArrayList<>();
    ZoneStatus status;
    HaltCause haltCause;
    String haltReason;
    GroupPolicy policy;
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

    /** When the first CDS/DS of an insecure zone may be published (transient, not stored). */
    Instant secureAt;

    Work(ZoneState s, Instant now) {
      this.zone = s.zone();
      this.now = now;
      status = s.status();
      haltCause = s.haltCause();
      haltReason = s.haltReason();
      policy = s.policy();
      seq = s.seq();
      s.members().forEach(m -> members.put(m.id(), m));
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
      return new ZoneState(
          zone,
          status,
          haltCause,
          haltReason,
          policy,
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
          roll);
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

    /** The member a pending command belongs to, if any. */
    Optional<SignerId> findPending(String id) {
      for (Member m : members.values()) {
        for (Slot s : Slot.values()) {
          Pending p = s.get(m);
          if (p != null && p.id().equals(id)) {
            return Optional.of(m.id());
          }
        }
      }
      return Optional.empty();
    }

    void scheduleWake() {
      Instant next = null;
      if (status == ZoneStatus.ACTIVE || status == ZoneStatus.HALTED) {
        List<Instant> candidates = new ArrayList<>();
        for (Member m : members.values()) {
          candidates.add(m.waitUntil());
          for (Slot s : Slot.values()) {
            Pending p = s.get(m);
            candidates.add(p == null || p.appliedAt() != null ? null : p.retryAt());
          }
        }
        candidates.add(dsRequest == null ? null : dsRequest.retryAt());
        candidates.add(secureAt);
        candidates.add(nsRequest == null ? null : nsRequest.retryAt());
        candidates.add(roll == null ? null : roll.waitUntil());
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
}
