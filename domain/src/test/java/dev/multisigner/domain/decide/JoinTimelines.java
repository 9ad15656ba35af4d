package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.*;
import java.util.List;

/** Shared histories: a zone served by knot-a that pdns-b joins (model 2). */
final class JoinTimelines {

  private JoinTimelines() {}

  /** knot-a serves alone; the zone is enrolled with knot-a and pdns-b; parent observed at t=1. */
  static Timeline enrolledAndParentSeen() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), signer(B))));
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A))));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK)));
    return t;
  }

  /** The whole join, ending at t=160 with both signers delegated and in steady state. */
  static Timeline twoSignersJoined() {
    Timeline t = enrolledAndParentSeen();
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of(A_KSK)));
    t.at(3, observedB(3, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK)));
    t.at(5, observedA(5, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK)));
    t.at(6, observedA(6, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK, B_KSK)));
    t.at(7, observedB(7, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, B_KSK)));
    t.at(30, new ParentDsObserved(ZONE, dsSet(A_KSK, B_KSK)));
    t.at(155, new WakeUp(ZONE));
    t.at(160, new ParentNsObserved(ZONE, List.of(ns(A), ns(B))));
    return t;
  }

  /**
   * The same join with the standard planner: every DNSKEY RRset carries both signers' KSKs too
   * (issue 16), ending at t=160 in steady state.
   */
  static Timeline twoSignersJoinedSharingKsks() {
    Timeline t = Timeline.standard();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), signer(B))));
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A))));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK)));
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of(A_KSK)));
    t.at(3, observedB(3, List.of(B_KSK, B_ZSK, A_KSK, A_ZSK), List.of(A_KSK)));
    t.at(5, observedA(5, List.of(A_KSK, A_ZSK, B_KSK, B_ZSK), List.of(A_KSK)));
    t.at(6, observedA(6, List.of(A_KSK, A_ZSK, B_KSK, B_ZSK), List.of(A_KSK, B_KSK)));
    t.at(7, observedB(7, List.of(B_KSK, B_ZSK, A_KSK, A_ZSK), List.of(A_KSK, B_KSK)));
    t.at(30, new ParentDsObserved(ZONE, dsSet(A_KSK, B_KSK)));
    t.at(155, new WakeUp(ZONE));
    t.at(160, new ParentNsObserved(ZONE, List.of(ns(A), ns(B))));
    return t;
  }

  static ZoneInput observedA(
      long s,
      List<dev.multisigner.domain.model.KeyData> keys,
      List<dev.multisigner.domain.model.KeyData> cds) {
    return new SignerKeysObserved(ZONE, A, observation(A, at(s), keys, cds));
  }

  static ZoneInput observedB(
      long s,
      List<dev.multisigner.domain.model.KeyData> keys,
      List<dev.multisigner.domain.model.KeyData> cds) {
    return new SignerKeysObserved(ZONE, B, observation(B, at(s), keys, cds));
  }
}
