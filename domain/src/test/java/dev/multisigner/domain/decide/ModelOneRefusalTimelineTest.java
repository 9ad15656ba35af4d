package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.A;
import static dev.multisigner.domain.ZoneFixtures.A_KSK;
import static dev.multisigner.domain.ZoneFixtures.A_ZSK;
import static dev.multisigner.domain.ZoneFixtures.B;
import static dev.multisigner.domain.ZoneFixtures.B_KSK;
import static dev.multisigner.domain.ZoneFixtures.B_ZSK;
import static dev.multisigner.domain.ZoneFixtures.C;
import static dev.multisigner.domain.ZoneFixtures.ECDSAP256;
import static dev.multisigner.domain.ZoneFixtures.ZONE;
import static dev.multisigner.domain.ZoneFixtures.ns;
import static dev.multisigner.domain.ZoneFixtures.signer;
import static dev.multisigner.domain.decide.ModelOneTimelines.MODEL_ONE;
import static dev.multisigner.domain.decide.ModelOneTimelines.observedA;
import static dev.multisigner.domain.decide.ModelOneTimelines.observedB;
import static dev.multisigner.domain.decide.ModelOneTimelines.requestedB;
import static dev.multisigner.domain.decide.ModelOneTimelines.signed;
import static dev.multisigner.domain.decide.ModelOneTimelines.signedElsewhere;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.AddSigner;
import dev.multisigner.domain.decide.ZoneInput.EnrollZone;
import dev.multisigner.domain.decide.ZoneInput.RemoveSigner;
import dev.multisigner.domain.decide.ZoneInput.RollKey;
import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.SignerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Model 1 groups and events that cannot work are refused with a reason, or halt the zone (RFC 8901
 * §2.1.1: one KSK, held by one party, signs every DNSKEY RRset; the other signers must accept a
 * DNSKEY RRset signed elsewhere).
 */
class ModelOneRefusalTimelineTest {

  @Test
  void refusesAKskHolderThatIsNotOneOfTheSigners() {
    Timeline t = new Timeline();
    GroupPolicy p = GroupPolicy.modelOne(ECDSAP256, C);

    assertThat(t.at(0, new EnrollZone(ZONE, p, List.of(signer(A), signedElsewhere(B)))))
        .containsExactly(
            "REQUEST_REJECTED: enrollment refused: the KSK holder cf-c is not one of the signers"
                + " [knot-a, pdns-b]");
    assertThat(t.state().status()).isEqualTo(ZoneStatus.ABSENT);
  }

  @Test
  void refusesASignerThatCannotAcceptADnskeyRrsetSignedByTheHolder() {
    Timeline t = new Timeline();

    assertThat(t.at(0, new EnrollZone(ZONE, MODEL_ONE, List.of(signer(A), signer(B)))))
        .containsExactly(
            "REQUEST_REJECTED: enrollment refused: signer pdns-b cannot accept a DNSKEY RRset"
                + " signed by the KSK holder knot-a (RFC 8901 §2.1.1): not declared");
    assertThat(t.state().status()).isEqualTo(ZoneStatus.ABSENT);
  }

  @Test
  void refusesAHolderThatCannotPutTheOtherZsksIntoItsOwnRrset() {
    Timeline t = new Timeline();
    GroupPolicy p = GroupPolicy.modelOne(ECDSAP256, B);

    assertThat(t.at(0, new EnrollZone(ZONE, p, List.of(signer(A), signedElsewhere(B)))))
        .containsExactly(
            "REQUEST_REJECTED: enrollment refused: signer knot-a cannot accept a DNSKEY RRset"
                + " signed by the KSK holder pdns-b (RFC 8901 §2.1.1): not declared");
  }

  @Test
  void refusesAJoiningSignerThatCannotAcceptASignedRrset() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, MODEL_ONE, List.of(signer(A), signedElsewhere(B))));
    SignerSpec importsOnly =
        new SignerSpec(
            C,
            Capabilities.builder()
                .can(Capability.IMPORT_FOREIGN_DNSKEY)
                .can(Capability.PUBLISH_CDS_CDNSKEY)
                .notYet(Capability.ACCEPT_SIGNED_DNSKEY_RRSET, "adapter cannot upload an SKR yet")
                .build(),
            ECDSAP256,
            List.of(ns(C)));

    assertThat(t.at(1, new AddSigner(ZONE, importsOnly)))
        .containsExactly(
            "REQUEST_REJECTED: add signer cf-c refused: signer cf-c cannot accept a DNSKEY RRset"
                + " signed by the KSK holder knot-a (RFC 8901 §2.1.1): adapter cannot upload an"
                + " SKR yet");
    assertThat(t.state().members()).hasSize(2);
  }

  @Test
  void refusesModelOneWithoutAHolderEvenWhenEverySignerCouldAcceptASignedRrset() {
    Timeline t = new Timeline();
    GroupPolicy noHolder = GroupPolicy.modelTwo(ECDSAP256).withModel(SignerModel.MODEL_1, null);

    assertThat(
            t.at(
                0, new EnrollZone(ZONE, noHolder, List.of(signedElsewhere(A), signedElsewhere(B)))))
        .containsExactly(
            "REQUEST_REJECTED: enrollment refused: model 1 needs a KSK holder: the one signer whose"
                + " KSK signs every signer's DNSKEY RRset (RFC 8901 §2.1.1)");
  }

  @Test
  void haltsWhenASecondSignerServesAKskOfItsOwn() {
    Timeline t = ModelOneTimelines.enrolledAndParentSeen();
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK)));

    assertThat(t.at(3, observedB(3, List.of(B_KSK, B_ZSK))))
        .containsExactly(
            "KEY_OBSERVED: signer=pdns-b new ZSK " + B_ZSK.keyTag(),
            "ZONE_HALTED: halted: signer pdns-b serves a KSK/CSK "
                + B_KSK.keyTag()
                + " of its own: in model 1 only the KSK holder knot-a has one (RFC 8901 §2.1.1)",
            // A halted zone still adds keys (a missing ZSK breaks validation, an extra one never).
            "import #2 into knot-a: b.zsk",
            "KEY_IMPORT_REQUESTED: signer=knot-a command=example.test.#2 import [ZSK of pdns-b "
                + B_ZSK.keyTag()
                + "]",
            "sign #3 at knot-a for pdns-b: a.ksk,a.zsk,b.zsk",
            "DNSKEY_RRSET_SIGNATURE_REQUESTED: signer=knot-a command=example.test.#3 sign [ZSK of"
                + " pdns-b "
                + B_ZSK.keyTag()
                + ", ZSK of knot-a "
                + A_ZSK.keyTag()
                + ", KSK of knot-a "
                + A_KSK.keyTag()
                + "] for pdns-b");
    assertThat(t.state().haltCause()).isEqualTo(HaltCause.UNACCOUNTABLE_KEY);
    assertThat(t.state().keys()).noneMatch(k -> k.data().equals(B_KSK));
  }

  @Test
  void haltsWhenASignerAsksToPublishAKskOfItsOwn() {
    Timeline t = ModelOneTimelines.enrolledAndParentSeen();

    assertThat(t.at(3, requestedB(3, B_ZSK, B_KSK)))
        .containsExactly(
            "ZONE_HALTED: halted: signer pdns-b asks to publish a KSK/CSK "
                + B_KSK.keyTag()
                + " of its own: in model 1 only the KSK holder knot-a has one (RFC 8901 §2.1.1)");
  }

  @Test
  void refusesToRollTheKskOfASignerThatHasNone() {
    Timeline t = ModelOneTimelines.joined();

    assertThat(t.at(200, new RollKey(ZONE, B, KeyRole.KSK)))
        .containsExactly(
            "REQUEST_REJECTED: roll the KSK of pdns-b refused: in model 1 only the KSK holder"
                + " knot-a has a KSK (RFC 8901 §2.1.1)");
  }

  @Test
  void refusesToRemoveTheKskHolder() {
    Timeline t = ModelOneTimelines.joined();

    assertThat(t.at(200, new RemoveSigner(ZONE, A)))
        .containsExactly(
            "REQUEST_REJECTED: remove signer knot-a refused: it holds the group's KSK (model 1);"
                + " handing the KSK to another signer is not built");
    assertThat(t.state().members()).allMatch(m -> !m.phase().leaving());
  }

  @Test
  void haltsWhenTheHoldersSignatureIsNotByItsKsk() {
    Timeline t = ModelOneTimelines.enrolledAndParentSeen();
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK)));
    t.at(3, requestedB(3, B_ZSK));

    assertThat(t.at(4, signed(t, 4, "#3", A_ZSK)))
        .containsExactly(
            "ZONE_HALTED: halted: the KSK holder knot-a answered example.test.#3 for pdns-b with"
                + " RRSIG(DNSKEY) by "
                + A_ZSK.keyTag()
                + " alg 13 until 2026-12-13T20:00:04Z, not by a KSK of its in that RRset");
    assertThat(t.state().status()).isEqualTo(ZoneStatus.HALTED);
  }
}
