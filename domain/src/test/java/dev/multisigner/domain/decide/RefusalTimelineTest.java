package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.JoinTimelines.observedA;
import static dev.multisigner.domain.decide.JoinTimelines.observedB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.AddSigner;
import dev.multisigner.domain.decide.ZoneInput.EnrollZone;
import dev.multisigner.domain.decide.ZoneInput.RollKey;
import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.SignerSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Groups that cannot work are refused with a specific reason, as an event, and change nothing
 * (draft-ietf-dnsop-dnssec-automation "Prerequisites", RFC 8901 §4 and §8, RFC 9975, registry
 * limits such as .se's 6 CDS records).
 */
class RefusalTimelineTest {

  @Test
  void refusesSignersWithDifferentAlgorithms() {
    Timeline t = new Timeline();
    SignerSpec rsa = new SignerSpec(B, fullCapabilities(), 8, List.of(ns(B)));

    assertThat(t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), rsa))))
        .containsExactly(
            "REQUEST_REJECTED: enrollment refused: algorithm mismatch: signer pdns-b signs with"
                + " algorithm 8, the group uses 13 (RFC 8901 §4)");
    assertThat(t.state().status()).isEqualTo(ZoneStatus.ABSENT);
  }

  @Test
  void refusesASignerThatCannotImportForeignKeys() {
    Timeline t = new Timeline();
    SignerSpec closed =
        new SignerSpec(
            C,
            Capabilities.builder()
                .cannot(Capability.IMPORT_FOREIGN_DNSKEY, "the API has no DNSKEY endpoint")
                .can(Capability.PUBLISH_CDS_CDNSKEY)
                .build(),
            ECDSAP256,
            List.of(ns(C)));

    assertThat(t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), closed))))
        .containsExactly(
            "REQUEST_REJECTED: enrollment refused: signer cf-c cannot import foreign DNSKEYs: the"
                + " API has no DNSKEY endpoint");
    assertThat(t.state().status()).isEqualTo(ZoneStatus.ABSENT);
  }

  @Test
  void refusesASignerThatCannotPublishTheGroupsCds() {
    Timeline t = new Timeline();
    SignerSpec mute =
        new SignerSpec(
            C,
            Capabilities.builder()
                .can(Capability.IMPORT_FOREIGN_DNSKEY)
                .notYet(Capability.PUBLISH_CDS_CDNSKEY, "adapter does not write CDS yet")
                .build(),
            ECDSAP256,
            List.of(ns(C)));

    assertThat(t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), mute))))
        .containsExactly(
            "REQUEST_REJECTED: enrollment refused: signer cf-c cannot publish the group's"
                + " CDS/CDNSKEY (RFC 9975): adapter does not write CDS yet");
  }

  @Test
  void refusesACdsSetOverTheRegistrysMaximum() {
    Timeline t = new Timeline();
    GroupPolicy twoDigests = withCds(List.of(2, 4), 4);

    assertThat(t.at(0, new EnrollZone(ZONE, twoDigests, List.of(signer(A), signer(B), signer(C)))))
        .containsExactly(
            "REQUEST_REJECTED: enrollment refused: the CDS set would have 6 records (3 KSKs x 2"
                + " digest types), the registry accepts at most 4");
  }

  @Test
  void refusesAJoinThatWouldExceedTheRegistrysMaximum() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, withCds(List.of(2), 2), List.of(signer(A), signer(B))));

    assertThat(t.at(1, new AddSigner(ZONE, signer(C))))
        .containsExactly(
            "REQUEST_REJECTED: add signer cf-c refused: the CDS set would have 3 records (3 KSKs x"
                + " 1 digest types), the registry accepts at most 2");
    assertThat(t.state().members()).hasSize(2);
  }

  @Test
  void refusesAKskRollThatWouldExceedTheRegistrysMaximum() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, withCds(List.of(2), 2), List.of(signer(A), signer(B))));
    t.at(1, new ZoneInput.ParentNsObserved(ZONE, List.of(ns(A), ns(B))));
    t.at(1, new ZoneInput.ParentDsObserved(ZONE, dsSet(A_KSK, B_KSK)));
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK, B_KSK)));
    t.at(2, observedB(2, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, B_KSK)));

    assertThat(t.at(3, new RollKey(ZONE, A, KeyRole.KSK)))
        .containsExactly(
            "REQUEST_REJECTED: roll the KSK of knot-a refused: the CDS set would grow to 3"
                + " records, the registry accepts at most 2");
  }

  @Test
  void haltsOnAKeyTagCollisionAndNeverSpreadsTheCollidingKey() {
    Timeline t = JoinTimelines.enrolledAndParentSeen();
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of(A_KSK)));
    assertThat(B_ZSK_COLLIDING.keyTag()).isEqualTo(A_ZSK.keyTag());

    assertThat(t.at(3, observedB(3, List.of(B_KSK, B_ZSK_COLLIDING), List.of(A_KSK))))
        .containsExactly(
            "KEY_OBSERVED: signer=pdns-b new ZSK " + A_ZSK.keyTag(),
            "KEY_OBSERVED: signer=pdns-b new KSK " + B_KSK.keyTag(),
            "ZONE_HALTED: halted: key-tag collision: the ZSK of knot-a and the ZSK of pdns-b both"
                + " have tag "
                + A_ZSK.keyTag()
                + "; roll one of them to a key with another tag, then resume");
    assertThat(t.state().status()).isEqualTo(ZoneStatus.HALTED);
    assertThat(t.state().haltCause()).isEqualTo(HaltCause.KEY_TAG_COLLISION);
  }

  @Test
  void haltsWhenASignerServesAKeyOfAnotherAlgorithm() {
    Timeline t = JoinTimelines.enrolledAndParentSeen();
    var rsa = key("b.rsa", 256);
    var rsaKey = new dev.multisigner.domain.model.KeyData(256, 3, 8, rsa.publicKey());

    assertThat(t.at(3, observedB(3, List.of(B_KSK, rsaKey), List.of(A_KSK))))
        .containsExactly(
            "KEY_OBSERVED: signer=pdns-b new ZSK " + rsaKey.keyTag(),
            "ZONE_HALTED: halted: signer pdns-b serves key "
                + rsaKey.keyTag()
                + " with algorithm 8, the group uses 13",
            "KEY_OBSERVED: signer=pdns-b new KSK " + B_KSK.keyTag());
    assertThat(t.state().haltCause()).isEqualTo(HaltCause.UNACCOUNTABLE_KEY);
  }

  @Test
  void refusesModelOneWithoutAKskHolder() {
    Timeline t = new Timeline();
    GroupPolicy p = POLICY;
    GroupPolicy modelOne =
        new GroupPolicy(
            SignerModel.MODEL_1,
            p.algorithm(),
            p.dnskeyTtl(),
            p.maxZoneTtl(),
            p.dsTtl(),
            p.nsTtl(),
            p.propagationDelay(),
            p.parentPropagationDelay(),
            p.cdsDigestTypes(),
            p.maxCdsRecords(),
            true,
            p.retryInterval(),
            p.unreachableLimit());

    assertThat(t.at(0, new EnrollZone(ZONE, modelOne, List.of(signer(A), signer(B)))))
        .containsExactly(
            "REQUEST_REJECTED: enrollment refused: model 1 needs a KSK holder: the one signer whose"
                + " KSK signs every signer's DNSKEY RRset (RFC 8901 §2.1.1)");
  }

  private static GroupPolicy withCds(List<Integer> digests, int max) {
    GroupPolicy p = POLICY;
    return new GroupPolicy(
        p.model(),
        p.algorithm(),
        p.dnskeyTtl(),
        p.maxZoneTtl(),
        p.dsTtl(),
        p.nsTtl(),
        p.propagationDelay(),
        p.parentPropagationDelay(),
        digests,
        max,
        true,
        p.retryInterval(),
        Duration.ofMinutes(30));
  }
}
