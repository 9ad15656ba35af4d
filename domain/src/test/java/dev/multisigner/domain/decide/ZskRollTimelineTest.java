package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.JoinTimelines.observedA;
import static dev.multisigner.domain.decide.JoinTimelines.observedB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A ZSK rollover knot-a starts on its own (draft-ietf-dnsop-dnssec-automation "ZSK rollover", RFC
 * 7583 §3.3.1 pre-publication, RFC 8901 §6): the new ZSK is imported into pdns-b on the first
 * observation that shows it, and the old one is withdrawn from pdns-b only a signature wait (max
 * zone TTL 60 s + propagation 2 s) after knot-a was seen without it.
 */
class ZskRollTimelineTest {

  @Test
  void importsTheNewZskAtOnceAndWithdrawsTheOldOneAfterTheSignatureWait() {
    Timeline t = JoinTimelines.twoSignersJoined();

    assertThat(t.at(200, observedA(200, List.of(A_KSK, A_ZSK, A_ZSK2, B_ZSK), both())))
        .containsExactly(
            "KEY_OBSERVED: signer=knot-a new ZSK " + A_ZSK2.keyTag(),
            "import #8 into pdns-b: a.zsk2",
            "KEY_IMPORT_REQUESTED: signer=pdns-b command=example.test.#8 import [ZSK of knot-a "
                + A_ZSK2.keyTag()
                + "]",
            "wake +210s");
    assertThat(t.at(203, observedB(203, List.of(B_KSK, B_ZSK, A_ZSK, A_ZSK2), both()))).isEmpty();

    // knot-a stopped signing with a.zsk and dropped it (Knot: 62 s after the switch).
    assertThat(t.at(300, observedA(300, List.of(A_KSK, A_ZSK2, B_ZSK), both())))
        .containsExactly(
            "KEY_RETIREMENT_OBSERVED: signer=knot-a no longer serves its ZSK " + A_ZSK.keyTag(),
            "wake +362s");
    assertThat(t.at(361, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(362, new WakeUp(ZONE)))
        .containsExactly(
            "withdraw #9 from pdns-b: a.zsk",
            "KEY_WITHDRAWAL_REQUESTED: signer=pdns-b command=example.test.#9 withdraw [ZSK of"
                + " knot-a "
                + A_ZSK.keyTag()
                + "]",
            "wake +372s");
    assertThat(t.at(365, observedB(365, List.of(B_KSK, B_ZSK, A_ZSK2), both()))).isEmpty();
    assertThat(t.state().keys())
        .filteredOn(k -> k.data().equals(A_ZSK))
        .singleElement()
        .matches(k -> k.retired(), "remembered as retired");
  }

  @Test
  void twoSignersRollingAtOnceEachGetTheOthersNewZsk() {
    Timeline t = JoinTimelines.twoSignersJoined();

    assertThat(t.at(200, observedA(200, List.of(A_KSK, A_ZSK, A_ZSK2, B_ZSK), both())))
        .contains("import #8 into pdns-b: a.zsk2");
    assertThat(t.at(201, observedB(201, List.of(B_KSK, B_ZSK, B_ZSK2, A_ZSK), both())))
        .containsExactly(
            "KEY_OBSERVED: signer=pdns-b new ZSK " + B_ZSK2.keyTag(),
            "import #9 into knot-a: b.zsk2",
            "KEY_IMPORT_REQUESTED: signer=knot-a command=example.test.#9 import [ZSK of pdns-b "
                + B_ZSK2.keyTag()
                + "]");
    // An observation of pdns-b that still lacks a.zsk2 does not repeat the import in flight.
    assertThat(t.at(202, observedB(202, List.of(B_KSK, B_ZSK, B_ZSK2, A_ZSK), both()))).isEmpty();
  }

  private static List<dev.multisigner.domain.model.KeyData> both() {
    return List.of(A_KSK, B_KSK);
  }
}
