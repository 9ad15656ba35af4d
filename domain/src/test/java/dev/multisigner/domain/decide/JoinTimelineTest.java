package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.JoinTimelines.observedA;
import static dev.multisigner.domain.decide.JoinTimelines.observedB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.EnrollZone;
import dev.multisigner.domain.decide.ZoneInput.ParentDsObserved;
import dev.multisigner.domain.decide.ZoneInput.ParentNsObserved;
import dev.multisigner.domain.decide.ZoneInput.SignerCommandApplied;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import dev.multisigner.domain.group.MemberPhase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Enrolling a zone served by knot-a with pdns-b joining, model 2, following
 * draft-ietf-dnsop-dnssec-automation "Signer joins" steps 3-12 (RFC 8901 §8): cross-import ZSKs,
 * identical CDS at every signer, wait for the parent DS, wait max(DS-Wait-Time, DNSKEY-Wait-Time),
 * then the NS change.
 */
class JoinTimelineTest {

  @Test
  void enrollsCrossImportsPublishesDsWaitsThenDelegates() {
    Timeline t = new Timeline();

    assertThat(t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), signer(B)))))
        .containsExactly(
            "ZONE_ENROLLED: enrolled MODEL_2 algorithm 13 with signers [knot-a, pdns-b]");
    assertThat(t.at(1, new ParentNsObserved(ZONE, List.of(ns(A)))))
        .containsExactly("PARENT_NS_CHANGED: parent NS now [ns1.knot-a.example.]");
    // Nothing is planned for the parent before knot-a, which it delegates to, has been observed.
    assertThat(t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK))))
        .containsExactly("PARENT_DS_CHANGED: parent DS now [" + A_KSK.keyTag() + "/2]");

    // Step 3: knot-a's ZSK goes to pdns-b; the CDS set (identical everywhere) to pdns-b as well.
    assertThat(t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of(A_KSK))))
        .containsExactly(
            "KEY_OBSERVED: signer=knot-a new ZSK " + A_ZSK.keyTag(),
            "KEY_OBSERVED: signer=knot-a new KSK " + A_KSK.keyTag(),
            "import #1 into pdns-b: a.zsk",
            "KEY_IMPORT_REQUESTED: signer=pdns-b command=example.test.#1 import [ZSK of knot-a "
                + A_ZSK.keyTag()
                + "]",
            "cds #2 at pdns-b: a.ksk",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#2 publish CDS/CDNSKEY ["
                + A_KSK.keyTag()
                + "/2]",
            "wake +12s");
    // pdns-b already serves the imported key; its own ZSK goes to knot-a.
    assertThat(t.at(3, observedB(3, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK))))
        .containsExactly(
            "KEY_OBSERVED: signer=pdns-b new ZSK " + B_ZSK.keyTag(),
            "KEY_OBSERVED: signer=pdns-b new KSK " + B_KSK.keyTag(),
            "import #3 into knot-a: b.zsk",
            "KEY_IMPORT_REQUESTED: signer=knot-a command=example.test.#3 import [ZSK of pdns-b "
                + B_ZSK.keyTag()
                + "]",
            "wake +13s");
    // applied: asked again a retry interval after the application if nothing observed shows it
    assertThat(t.at(4, new SignerCommandApplied(ZONE, "example.test.#3")))
        .containsExactly(
            "COMMAND_APPLIED: signer=knot-a command=example.test.#3 applied", "wake +14s");

    // Steps 4-5: once observed everywhere, CDS for both KSKs at both signers and the DS request.
    assertThat(t.at(5, observedA(5, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK))))
        .containsExactly(
            "SIGNER_KEYS_PUBLISHED: signer=knot-a keys cross-published at every member (observed"
                + " 2026-11-29T20:00:05Z)",
            "SIGNER_KEYS_PUBLISHED: signer=pdns-b keys cross-published at every member (observed"
                + " 2026-11-29T20:00:05Z)",
            "SIGNER_JOINED: signer=knot-a joined (already delegated)",
            "cds #4 at knot-a: a.ksk,b.ksk",
            "CDS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#4 publish CDS/CDNSKEY "
                + dsTags(),
            "cds #5 at pdns-b: a.ksk,b.ksk",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#5 publish CDS/CDNSKEY "
                + dsTags(),
            "ds #6: a.ksk,b.ksk",
            "DS_CHANGE_REQUESTED: request=example.test.#6 DS add ["
                + B_KSK.keyTag()
                + "/2] remove []",
            "wake +15s");
    assertThat(t.at(6, observedA(6, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK, B_KSK))))
        .isEmpty();
    assertThat(t.at(7, observedB(7, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, B_KSK))))
        .isEmpty();

    // Steps 6 and 8: the parent publishes both DS; wait max(DS 120+5, DNSKEY 60+2) from then.
    assertThat(t.at(30, new ParentDsObserved(ZONE, dsSet(A_KSK, B_KSK))))
        .containsExactly(
            "PARENT_DS_CHANGED: parent DS now " + dsTags(),
            "WAIT_STARTED: signer=pdns-b max(DS-Wait-Time, DNSKEY-Wait-Time) until"
                + " 2026-11-29T20:02:35Z",
            "wake +155s");
    assertThat(t.at(154, new WakeUp(ZONE))).isEmpty();

    // Steps 9-12: only now the NS change; pdns-b has joined when the parent names it.
    assertThat(t.at(155, new WakeUp(ZONE)))
        .containsExactly(
            "ns #7: ns1.knot-a.example.,ns1.pdns-b.example.",
            "NS_CHANGE_REQUESTED: request=example.test.#7 NS [ns1.knot-a.example.,"
                + " ns1.pdns-b.example.]",
            "wake +165s");
    assertThat(t.at(160, new ParentNsObserved(ZONE, List.of(ns(A), ns(B)))))
        .containsExactly(
            "PARENT_NS_CHANGED: parent NS now [ns1.knot-a.example., ns1.pdns-b.example.]",
            "SIGNER_JOINED: signer=pdns-b joined: parent NS names it");
    assertThat(t.state().members()).allMatch(m -> m.phase() == MemberPhase.ACTIVE);
    assertThat(t.at(200, new WakeUp(ZONE))).isEmpty();
  }

  @Test
  void aDuplicatedOrStaleObservationChangesNothing() {
    Timeline t = JoinTimelines.enrolledAndParentSeen();
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of(A_KSK)));
    ZoneState before = t.state();

    assertThat(t.at(3, observedA(2, List.of(A_KSK, A_ZSK), List.of(A_KSK)))).isEmpty();
    assertThat(t.at(4, observedA(1, List.of(A_KSK), List.of(A_KSK)))).isEmpty();
    assertThat(t.state()).isEqualTo(before);
  }

  @Test
  void reissuesAnImportWhoseResultNeverCameBack() {
    Timeline t = JoinTimelines.enrolledAndParentSeen();
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of(A_KSK)));

    assertThat(t.at(11, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(12, new WakeUp(ZONE)))
        .containsExactly(
            "import #3 into pdns-b: a.zsk",
            "KEY_IMPORT_REQUESTED: signer=pdns-b command=example.test.#3 import [ZSK of knot-a "
                + A_ZSK.keyTag()
                + "] (retry)",
            "cds #4 at pdns-b: a.ksk",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#4 publish CDS/CDNSKEY ["
                + A_KSK.keyTag()
                + "/2] (retry)",
            "wake +22s");
  }

  private static String dsTags() {
    return "["
        + dsSet(A_KSK, B_KSK).stream()
            .map(d -> d.keyTag() + "/2")
            .collect(java.util.stream.Collectors.joining(", "))
        + "]";
  }
}
