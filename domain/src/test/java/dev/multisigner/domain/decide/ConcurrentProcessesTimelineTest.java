package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.JoinTimelines.observedA;
import static dev.multisigner.domain.decide.JoinTimelines.observedB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.SignerKeysObserved;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.model.KeyData;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Several processes at once on one zone. A ZSK roll during a join: the new key goes to the joiner
 * too, and the join's DNSKEY wait counts from the observation that showed every key everywhere
 * (draft-ietf-dnsop-dnssec-automation "Signer joins" step 8). A signer signing with a key another
 * serving signer lacks is reported (RFC 8901 §6), since only the signer's own pre-publication can
 * prevent it.
 */
class ConcurrentProcessesTimelineTest {

  @Test
  void aZskRollDuringAJoinReachesTheJoinerAndHoldsTheJoinUntilEverywhere() {
    Timeline t = JoinTimelines.enrolledAndParentSeen();
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of(A_KSK)));
    t.at(3, observedB(3, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK)));

    // knot-a starts a ZSK roll before it has received pdns-b's ZSK.
    assertThat(t.at(4, observedA(4, List.of(A_KSK, A_ZSK, A_ZSK2), List.of(A_KSK))))
        .containsExactly(
            "KEY_OBSERVED: signer=knot-a new ZSK " + A_ZSK2.keyTag(),
            "import #4 into pdns-b: a.zsk2",
            "KEY_IMPORT_REQUESTED: signer=pdns-b command=example.test.#4 import [ZSK of knot-a "
                + A_ZSK2.keyTag()
                + "]");
    assertThat(t.at(5, observedA(5, List.of(A_KSK, A_ZSK, A_ZSK2, B_ZSK), List.of(A_KSK))))
        .containsExactly("wake +14s");
    assertThat(t.state().member(B).orElseThrow().phase()).isEqualTo(MemberPhase.JOINING);

    assertThat(t.at(9, observedB(9, List.of(B_KSK, B_ZSK, A_ZSK, A_ZSK2), List.of(A_KSK))))
        .startsWith(
            "SIGNER_KEYS_PUBLISHED: signer=knot-a keys cross-published at every member (observed"
                + " 2026-11-29T20:00:09Z)",
            "SIGNER_KEYS_PUBLISHED: signer=pdns-b keys cross-published at every member (observed"
                + " 2026-11-29T20:00:09Z)");
    assertThat(t.state().member(B).orElseThrow().keysPublishedAt()).isEqualTo(at(9));
  }

  @Test
  void reportsASignerThatSignsWithAKeyAnotherServingSignerLacks() {
    Timeline t = JoinTimelines.twoSignersJoined();
    var signing =
        new dev.multisigner.domain.decide.SignerObservation(
            at(200),
            List.of(A_KSK, A_ZSK2, B_ZSK),
            Set.of(A_KSK.keyTag()),
            Set.of(A_ZSK2.keyTag()),
            dsSet(A_KSK, B_KSK),
            List.<KeyData>of(),
            List.of());

    assertThat(t.at(200, new SignerKeysObserved(ZONE, A, signing)))
        .containsExactly(
            "KEY_OBSERVED: signer=knot-a new ZSK " + A_ZSK2.keyTag(),
            "KEY_RETIREMENT_OBSERVED: signer=knot-a no longer serves its ZSK " + A_ZSK.keyTag(),
            "UNSAFE_SIGNING_OBSERVED: signer=knot-a signs with "
                + A_ZSK2.keyTag()
                + " which pdns-b does not serve yet: resolvers holding pdns-b's DNSKEY RRset fail"
                + " to validate (RFC 8901 §6)",
            "import #8 into pdns-b: a.zsk2",
            "KEY_IMPORT_REQUESTED: signer=pdns-b command=example.test.#8 import [ZSK of knot-a "
                + A_ZSK2.keyTag()
                + "]",
            "wake +210s");
    assertThat(t.at(210, new WakeUp(ZONE))).contains("import #9 into pdns-b: a.zsk2");
  }
}
