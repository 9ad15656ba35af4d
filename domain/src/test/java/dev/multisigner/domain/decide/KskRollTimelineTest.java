package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.JoinTimelines.observedA;
import static dev.multisigner.domain.decide.JoinTimelines.observedB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.ParentDsObserved;
import dev.multisigner.domain.decide.ZoneInput.RollKey;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import dev.multisigner.domain.model.KeyRole;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A KSK rollover at knot-a (draft-ietf-dnsop-dnssec-automation "KSK rollover", RFC 7583 §3.3.2
 * double-DS): the operator asks, knot-a publishes the new KSK, the CDS set with old and new goes to
 * every signer and the DS request to the parent; when knot-a has dropped the old KSK, its DS stays
 * DNSKEY-Wait-Time (60 s + 2 s) longer, then CDS and DS lose it.
 */
class KskRollTimelineTest {

  @Test
  void doublePublishesTheDsThenRemovesTheOldOneAfterTheDnskeyWait() {
    Timeline t = JoinTimelines.twoSignersJoined();

    assertThat(t.at(200, new RollKey(ZONE, A, KeyRole.KSK)))
        .containsExactly(
            "roll #8 knot-a KSK",
            "KEY_ROLL_REQUESTED: signer=knot-a command=example.test.#8 roll KSK");
    assertThat(t.at(201, observedA(201, List.of(A_KSK, A_KSK2, A_ZSK, B_ZSK), ab())))
        .containsExactly(
            "KEY_OBSERVED: signer=knot-a new KSK " + A_KSK2.keyTag(),
            "cds #9 at knot-a: a.ksk,a.ksk2,b.ksk",
            "CDS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#9 publish CDS/CDNSKEY "
                + tags(A_KSK, A_KSK2, B_KSK),
            "cds #10 at pdns-b: a.ksk,a.ksk2,b.ksk",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#10 publish CDS/CDNSKEY "
                + tags(A_KSK, A_KSK2, B_KSK),
            "ds #11: a.ksk,a.ksk2,b.ksk",
            "DS_CHANGE_REQUESTED: request=example.test.#11 DS add ["
                + A_KSK2.keyTag()
                + "/2] remove []",
            "wake +211s");
    assertThat(t.at(205, new ParentDsObserved(ZONE, dsSet(A_KSK, A_KSK2, B_KSK))))
        .containsExactly("PARENT_DS_CHANGED: parent DS now " + tags(A_KSK, A_KSK2, B_KSK));
    t.at(206, observedA(206, List.of(A_KSK, A_KSK2, A_ZSK, B_ZSK), List.of(A_KSK, A_KSK2, B_KSK)));
    t.at(206, observedB(206, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, A_KSK2, B_KSK)));

    // knot-a saw the DS and waited DS-Wait-Time itself; now it drops the old KSK.
    assertThat(
            t.at(400, observedA(400, List.of(A_KSK2, A_ZSK, B_ZSK), List.of(A_KSK, A_KSK2, B_KSK))))
        .containsExactly(
            "KEY_RETIREMENT_OBSERVED: signer=knot-a no longer serves its KSK " + A_KSK.keyTag(),
            "wake +462s");
    assertThat(t.at(461, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(462, new WakeUp(ZONE)))
        .containsExactly(
            "cds #12 at knot-a: a.ksk2,b.ksk",
            "CDS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#12 publish CDS/CDNSKEY "
                + tags(A_KSK2, B_KSK),
            "cds #13 at pdns-b: a.ksk2,b.ksk",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#13 publish CDS/CDNSKEY "
                + tags(A_KSK2, B_KSK),
            "ds #14: a.ksk2,b.ksk",
            "DS_CHANGE_REQUESTED: request=example.test.#14 DS add [] remove ["
                + A_KSK.keyTag()
                + "/2]",
            "wake +472s");
  }

  private static List<dev.multisigner.domain.model.KeyData> ab() {
    return List.of(A_KSK, B_KSK);
  }

  private static String tags(dev.multisigner.domain.model.KeyData... keys) {
    return "["
        + dsSet(keys).stream()
            .map(d -> d.keyTag() + "/2")
            .collect(java.util.stream.Collectors.joining(", "))
        + "]";
  }
}
