package dev.multisigner.domain.decide;

import dev.multisigner.domain.decide.Admission.Refusal;
import dev.multisigner.domain.decide.Output.RollSignerKey;
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
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerSpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The first half of a decision: what the input says, recorded in the draft. Intents are admitted
 * ({@link Admission}) and start their process; observations go to the key ledger and the member;
 * results settle or repeat commands. One line of dispatch per input; the reconciliation that
 * follows does the rest.
 */
final class Facts {

  private Facts() {}

  static void record(Draft w, ZoneState state, ZoneInput input) {
    if (input instanceof EnrollZone e) {
      admit(w, "enrollment", Admission.enroll(state, e.policy(), e.signers()), () -> enroll(w, e));
    } else if (input instanceof AddSigner a) {
      admit(
          w,
          "add signer " + a.signer().id(),
          Admission.addSigner(state, a.signer()),
          () -> JoinProcess.start(w, a.signer()));
    } else if (input instanceof RemoveSigner r) {
      admit(
          w,
          "remove signer " + r.signer(),
          Admission.removeSigner(state, r.signer()),
          () -> LeaveProcess.start(w, r.signer()));
    } else if (input instanceof RollKey k) {
      admit(
          w,
          "roll the " + k.role() + " of " + k.signer(),
          Admission.rollKey(state, k.signer(), k.role(), w.now),
          () -> rollKey(w, k));
    } else if (input instanceof RollAlgorithm r) {
      admit(
          w,
          "algorithm roll to " + r.algorithm() + " by " + r.operator(),
          Admission.rollAlgorithm(state, r.algorithm(), w.now),
          () -> AlgorithmRollProcess.start(w, r));
    } else if (input instanceof ResumeZone r) {
      admit(w, "resume by " + r.operator(), Admission.resume(state), () -> resume(w, r));
    } else if (input instanceof RetireZone r) {
      admit(w, "retire", Admission.retire(state), () -> retire(w, r));
    } else if (!w.managed()) {
      return;
    } else if (input instanceof SignerKeysObserved o) {
      observed(w, o);
    } else if (input instanceof ObservationFailed f) {
      observationFailed(w, f);
    } else if (input instanceof SignerCommandApplied a) {
      Commands.applied(w, a);
    } else if (input instanceof SignerCommandFailed f) {
      Commands.failed(w, f);
    } else if (input instanceof KeySigningRequested r) {
      KeyLedger.keySigningRequested(w, r);
    } else if (input instanceof DnskeyRrsetSigned r) {
      ModelOneSigningProcess.signed(w, r);
    } else if (input instanceof ParentDsObserved p) {
      parentDsObserved(w, p);
    } else if (input instanceof ParentNsObserved p) {
      parentNsObserved(w, p);
    } else if (input instanceof DsPublicationFailed f) {
      Commands.parentRequestFailed(w, f);
    }
    // CdsPublished adds nothing (the signers' observations say what CDS they serve); WakeUp only
    // lets time pass: the reconciliation does whatever became due.
  }

  /** Starts an admitted intent, or says why it is refused. */
  private static void admit(Draft w, String what, Optional<Refusal> refusal, Runnable start) {
    if (refusal.isPresent()) {
      w.event(ZoneEventKind.REQUEST_REJECTED, what + " refused: " + refusal.get().text());
    } else {
      start.run();
    }
  }

  private static void enroll(Draft w, EnrollZone e) {
    w.status = ZoneStatus.ACTIVE;
    w.haltCause = HaltCause.NONE;
    w.haltReason = null;
    w.declare(e.policy());
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

  private static void resume(Draft w, ResumeZone r) {
    w.status = ZoneStatus.ACTIVE;
    w.haltCause = HaltCause.NONE;
    w.event(
        ZoneEventKind.ZONE_RESUMED,
        "resumed by " + r.operator() + ": " + r.reason() + " (was halted: " + w.haltReason + ")");
    w.haltReason = null;
  }

  private static void retire(Draft w, RetireZone r) {
    w.status = ZoneStatus.RETIRED;
    w.event(ZoneEventKind.ZONE_RETIRED, "retired by " + r.operator());
  }

  /** A signer rolls its own key: the decider only asks (the key ledger sees the result). */
  private static void rollKey(Draft w, RollKey k) {
    String id = w.nextId();
    w.outputs.add(new RollSignerKey(id, k.signer(), k.role()));
    w.event(
        ZoneEventKind.KEY_ROLL_REQUESTED,
        "signer=" + k.signer() + " command=" + id + " roll " + k.role());
  }

  private static void observed(Draft w, SignerKeysObserved o) {
    Member m = w.members.get(o.signer());
    SignerObservation obs = o.observed();
    if (m == null || (m.observedAt() != null && !obs.observedAt().isAfter(m.observedAt()))) {
      return;
    }
    if (KeyAccounting.overBound(w, m, obs)) {
      return;
    }
    ServedTtlCheck.dnskey(w, m.id(), obs.dnskeyTtl(), obs.observedAt());
    KeyLedger.observed(w, m, obs);
    m = w.members.get(m.id());
    KeyLedger.warnIfSigningTooEarly(w, m, obs, KeyLedger.ownKeys(w, m, obs));
    AlgorithmRollProcess.observed(w, m, obs);
    w.members.put(
        m.id(),
        m.withObservation(
                obs.observedAt(), obs.dnskeys(), obs.cds(), obs.nameservers(), obs.csync())
            .withObservedTags(
                List.copyOf(obs.dnskeySignerTags()),
                obs.cdnskeys().stream().map(KeyData::keyTag).toList()));
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

  private static void observationFailed(Draft w, ObservationFailed f) {
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

  /**
   * A request fulfilled counts as a change even when the set looks the same: an earlier request may
   * have been applied and undone between two observations (the ds-publisher applies a zone's
   * requests in order, so once the latest is seen, no earlier one can still land).
   */
  private static void parentDsObserved(Draft w, ParentDsObserved p) {
    ServedTtlCheck.parentDs(w, p.ttl());
    boolean fulfils = w.dsRequest != null && w.dsRequest.ds().equals(p.ds());
    if (!p.ds().equals(w.parentDs)) {
      w.event(ZoneEventKind.PARENT_DS_CHANGED, "parent DS now " + Draft.tagsOfDs(p.ds()));
    }
    if (fulfils || !p.ds().equals(w.parentDs)) {
      w.parentDs = p.ds();
      w.parentDsSince = w.now;
    }
    if (fulfils) {
      w.dsRequest = null;
    }
  }

  private static void parentNsObserved(Draft w, ParentNsObserved p) {
    ServedTtlCheck.parentNs(w, p.ttl());
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
  }
}
