package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.A;
import static dev.multisigner.domain.ZoneFixtures.A_KSK;
import static dev.multisigner.domain.ZoneFixtures.A_ZSK;
import static dev.multisigner.domain.ZoneFixtures.B;
import static dev.multisigner.domain.ZoneFixtures.B_ZSK;
import static dev.multisigner.domain.ZoneFixtures.ECDSAP256;
import static dev.multisigner.domain.ZoneFixtures.ZONE;
import static dev.multisigner.domain.ZoneFixtures.at;
import static dev.multisigner.domain.ZoneFixtures.dsSet;
import static dev.multisigner.domain.ZoneFixtures.ns;
import static dev.multisigner.domain.ZoneFixtures.observation;
import static dev.multisigner.domain.ZoneFixtures.signer;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.ZoneFixtures;
import dev.multisigner.domain.decide.ZoneInput.DnskeyRrsetSigned;
import dev.multisigner.domain.decide.ZoneInput.EnrollZone;
import dev.multisigner.domain.decide.ZoneInput.KeySigningRequested;
import dev.multisigner.domain.decide.ZoneInput.ParentDsObserved;
import dev.multisigner.domain.decide.ZoneInput.ParentNsObserved;
import dev.multisigner.domain.decide.ZoneInput.SignerKeysObserved;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.RrsigData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerSpec;
import java.util.Arrays;
import java.util.List;

/**
 * Shared model 1 histories (RFC 8901 §2.1.1): knot-a holds the group's KSK and signs pdns-b's
 * DNSKEY RRset; pdns-b has only a ZSK and serves the RRset knot-a signed for it.
 */
final class ModelOneTimelines {

  static final GroupPolicy MODEL_ONE = GroupPolicy.modelOne(ECDSAP256, A);

  private ModelOneTimelines() {}

  static SignerSpec signedElsewhere(SignerId id) {
    return ZoneFixtures.signedElsewhere(id);
  }

  /** knot-a serves alone and is delegated with its KSK's DS; pdns-b joins; parent seen at t=1. */
  static Timeline enrolledAndParentSeen() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, MODEL_ONE, List.of(signer(A), signedElsewhere(B))));
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A))));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK)));
    return t;
  }

  /** The whole join (#1 import, #2 CDS, #3 sign, #4 install, #5 NS), ending at t=140. */
  static Timeline joined() {
    Timeline t = enrolledAndParentSeen();
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK)));
    t.at(3, requestedB(3, B_ZSK));
    t.at(4, signed(t, 4, "#3"));
    t.at(5, observedA(5, List.of(A_KSK, A_ZSK, B_ZSK)));
    t.at(6, observedB(6, List.of(A_KSK, A_ZSK, B_ZSK)));
    t.at(130, new WakeUp(ZONE));
    t.at(140, new ParentNsObserved(ZONE, List.of(ns(A), ns(B))));
    return t;
  }

  static ZoneInput observedA(long s, List<KeyData> keys) {
    return new SignerKeysObserved(ZONE, A, observation(A, at(s), keys, List.of(A_KSK)));
  }

  static ZoneInput observedA(long s, List<KeyData> keys, List<KeyData> cds) {
    return new SignerKeysObserved(ZONE, A, observation(A, at(s), keys, cds));
  }

  static ZoneInput observedB(long s, List<KeyData> keys) {
    return new SignerKeysObserved(ZONE, B, observation(B, at(s), keys, List.of(A_KSK)));
  }

  static ZoneInput observedB(long s, List<KeyData> keys, List<KeyData> cds) {
    return new SignerKeysObserved(ZONE, B, observation(B, at(s), keys, cds));
  }

  static ZoneInput requestedB(long s, KeyData... zsks) {
    return new KeySigningRequested(ZONE, B, at(s), Arrays.asList(zsks));
  }

  /**
   * knot-a's answer to its pending sign request {@code id} (for the signer and RRset that request
   * names), signed by the given KSKs (default a.ksk).
   */
  static ZoneInput signed(Timeline t, long s, String id, KeyData... ksks) {
    String commandId = ZONE.value() + id;
    Member m =
        t.state().members().stream()
            .filter(x -> x.signing() != null && x.signing().id().equals(commandId))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no sign request " + id));
    List<KeyData> by = ksks.length == 0 ? List.of(A_KSK) : Arrays.asList(ksks);
    return new DnskeyRrsetSigned(
        ZONE,
        commandId,
        m.id(),
        m.signing().keys(),
        by.stream()
            .map(
                k ->
                    new RrsigData(
                        k.keyTag(), ECDSAP256, 60, at(s), at(s + 14 * 86400), new byte[64]))
            .toList());
  }
}
