package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.JoinTimelines.observedA;
import static dev.multisigner.domain.decide.JoinTimelines.observedB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.EnrollZone;
import dev.multisigner.domain.decide.ZoneInput.ParentDsObserved;
import dev.multisigner.domain.decide.ZoneInput.ParentNsObserved;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import dev.multisigner.domain.model.KeyData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A CSK rollover at pdns-b, whose single key signs everything (draft-ietf-dnsop-dnssec-automation
 * "KSK (or CSK) rollover", step 1: a new CSK also goes to every other signer): the new CSK is
 * imported into knot-a at once and added to CDS/DS once knot-a serves it and DNSKEY-Wait-Time has
 * passed; when pdns-b drops the old CSK, the old one leaves knot-a after the signature wait and the
 * DS after DNSKEY-Wait-Time.
 */
class CskRollTimelineTest {

  private static final KeyData B_CSK = key("b.csk", 257);
  private static final KeyData B_CSK2 = key("b.csk2", 257);

  @Test
  void importsTheNewCskEverywhereAndDoublePublishesItsDs() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), signer(B))));
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A), ns(B))));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK, B_CSK)));
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK, B_CSK), List.of(A_KSK, B_CSK)));
    t.at(2, observedB(2, List.of(B_CSK, A_ZSK), List.of(A_KSK, B_CSK)));
    // (#1 imported a.zsk into pdns-b before pdns-b had been observed serving it.)
    assertThat(t.state().members()).allMatch(m -> m.phase().name().equals("ACTIVE"));

    assertThat(t.at(100, observedB(100, List.of(B_CSK, B_CSK2, A_ZSK), List.of(A_KSK, B_CSK))))
        .containsExactly(
            "KEY_OBSERVED: signer=pdns-b new CSK " + B_CSK2.keyTag(),
            "import #2 into knot-a: b.csk2",
            "KEY_IMPORT_REQUESTED: signer=knot-a command=example.test.#2 import [CSK of pdns-b "
                + B_CSK2.keyTag()
                + "]",
            "wake +110s");
    // RFC 7344 §4.1, RFC 9975: CDS and DS for the new CSK only once knot-a, which serves the
    // current one, serves it too (pdns-b's CDS will be signed by the new CSK alone), and
    // DNSKEY-Wait-Time (62 s) after it appeared, for knot-a's RRsets cached before the import.
    assertThat(
            t.at(101, observedA(101, List.of(A_KSK, A_ZSK, B_CSK, B_CSK2), List.of(A_KSK, B_CSK))))
        .containsExactly("wake +162s");
    assertThat(t.at(161, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(162, new WakeUp(ZONE)))
        .containsExactly(
            "cds #3 at knot-a: a.ksk,b.csk,b.csk2",
            "CDS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#3 publish CDS/CDNSKEY "
                + dsTags(A_KSK, B_CSK, B_CSK2),
            "cds #4 at pdns-b: a.ksk,b.csk,b.csk2",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#4 publish CDS/CDNSKEY "
                + dsTags(A_KSK, B_CSK, B_CSK2),
            "ds #5: a.ksk,b.csk,b.csk2",
            "DS_CHANGE_REQUESTED: request=example.test.#5 DS add ["
                + B_CSK2.keyTag()
                + "/2] remove []",
            "wake +172s");
    t.at(163, observedA(163, List.of(A_KSK, A_ZSK, B_CSK, B_CSK2), List.of(A_KSK, B_CSK, B_CSK2)));
    t.at(163, observedB(163, List.of(B_CSK, B_CSK2, A_ZSK), List.of(A_KSK, B_CSK, B_CSK2)));
    t.at(170, new ParentDsObserved(ZONE, dsSet(A_KSK, B_CSK, B_CSK2)));

    assertThat(t.at(400, observedB(400, List.of(B_CSK2, A_ZSK), List.of(A_KSK, B_CSK, B_CSK2))))
        .containsExactly(
            "KEY_RETIREMENT_OBSERVED: signer=pdns-b no longer serves its CSK " + B_CSK.keyTag(),
            "wake +462s");
    assertThat(t.at(462, new WakeUp(ZONE)))
        .containsExactly(
            "withdraw #6 from knot-a: b.csk",
            "KEY_WITHDRAWAL_REQUESTED: signer=knot-a command=example.test.#6 withdraw [CSK of"
                + " pdns-b "
                + B_CSK.keyTag()
                + "]",
            "cds #7 at knot-a: a.ksk,b.csk2",
            "CDS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#7 publish CDS/CDNSKEY "
                + dsTags(A_KSK, B_CSK2),
            "cds #8 at pdns-b: a.ksk,b.csk2",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#8 publish CDS/CDNSKEY "
                + dsTags(A_KSK, B_CSK2),
            "ds #9: a.ksk,b.csk2",
            "DS_CHANGE_REQUESTED: request=example.test.#9 DS add [] remove ["
                + B_CSK.keyTag()
                + "/2]",
            "wake +472s");
  }
}
