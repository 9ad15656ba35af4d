package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.JoinTimelines.observedA;
import static dev.multisigner.domain.decide.JoinTimelines.observedB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.AddSigner;
import dev.multisigner.domain.decide.ZoneInput.ObservationFailed;
import dev.multisigner.domain.decide.ZoneInput.ResumeZone;
import dev.multisigner.domain.decide.ZoneInput.SignerCommandFailed;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A zone that cannot proceed safely halts with a reason. While halted it still imports new ZSKs (an
 * extra key never breaks validation, a missing one does, RFC 8901 §6) but withdraws nothing and
 * advances no process; an operator's resume, or the cause going away, clears the halt.
 */
class HaltTimelineTest {

  @Test
  void haltsWhenASignerStaysUnreachableAndResumesWhenItAnswers() {
    Timeline t = JoinTimelines.twoSignersJoined();

    assertThat(t.at(200, new ObservationFailed(ZONE, B, "TCP timeout"))).isEmpty();
    assertThat(t.at(1999, new ObservationFailed(ZONE, B, "TCP timeout"))).isEmpty();
    assertThat(t.at(2000, new ObservationFailed(ZONE, B, "TCP timeout")))
        .containsExactly(
            "ZONE_HALTED: halted: signer pdns-b unreachable since 2026-11-29T20:03:20Z: TCP"
                + " timeout");
    assertThat(t.at(2001, new AddSigner(ZONE, signer(C))))
        .containsExactly(
            "REQUEST_REJECTED: add signer cf-c refused: the zone is HALTED (signer pdns-b"
                + " unreachable since 2026-11-29T20:03:20Z: TCP timeout)");

    assertThat(t.at(2010, observedB(2010, List.of(B_KSK, B_ZSK, A_ZSK), both())))
        .containsExactly(
            "ZONE_RESUMED: signer=pdns-b answers again (was halted: signer pdns-b unreachable"
                + " since 2026-11-29T20:03:20Z: TCP timeout)");
    assertThat(t.state().status()).isEqualTo(ZoneStatus.ACTIVE);
  }

  @Test
  void aRejectedCommandHaltsTheZoneWhichStillImportsButWithdrawsNothingUntilResumed() {
    Timeline t = JoinTimelines.twoSignersJoined();
    t.at(200, observedA(200, List.of(A_KSK, A_ZSK, A_ZSK2, B_ZSK), both()));

    assertThat(t.at(201, new SignerCommandFailed(ZONE, "example.test.#8", false, "HTTP 422")))
        .containsExactly(
            "ZONE_HALTED: halted: signer pdns-b rejected command example.test.#8: HTTP 422",
            "wake +211s");

    // Halted: the import is still retried, since knot-a will sign with a.zsk2 on its own clock.
    assertThat(t.at(300, observedA(300, List.of(A_KSK, A_ZSK2, B_ZSK), both())))
        .containsExactly(
            "KEY_RETIREMENT_OBSERVED: signer=knot-a no longer serves its ZSK " + A_ZSK.keyTag(),
            "UNSAFE_SIGNING_OBSERVED: signer=knot-a signs with "
                + A_ZSK2.keyTag()
                + " which pdns-b does not serve yet: resolvers holding pdns-b's DNSKEY RRset fail"
                + " to validate (RFC 8901 §6)",
            "import #9 into pdns-b: a.zsk2",
            "KEY_IMPORT_REQUESTED: signer=pdns-b command=example.test.#9 import [ZSK of knot-a "
                + A_ZSK2.keyTag()
                + "] (retry)",
            // the retry waits as long as its change has waited: the next wake-up is the withdrawal
            "wake +362s");
    // the import seen: the next wake-up stays the withdrawal's
    assertThat(t.at(305, observedB(305, List.of(B_KSK, B_ZSK, A_ZSK, A_ZSK2), both()))).isEmpty();
    // ...but the old ZSK, due for withdrawal at +362 s, stays while the zone is halted.
    assertThat(t.at(400, new WakeUp(ZONE))).isEmpty();

    assertThat(t.at(500, new ResumeZone(ZONE, "alice", "pdns-b API fixed")))
        .containsExactly(
            "ZONE_RESUMED: resumed by alice: pdns-b API fixed (was halted: signer pdns-b rejected"
                + " command example.test.#8: HTTP 422)",
            "withdraw #10 from pdns-b: a.zsk",
            "KEY_WITHDRAWAL_REQUESTED: signer=pdns-b command=example.test.#10 withdraw [ZSK of"
                + " knot-a "
                + A_ZSK.keyTag()
                + "]",
            "wake +510s");
  }

  @Test
  void refusesToResumeAZoneThatIsNotHalted() {
    Timeline t = JoinTimelines.twoSignersJoined();

    assertThat(t.at(200, new ResumeZone(ZONE, "alice", "just in case")))
        .containsExactly(
            "REQUEST_REJECTED: resume by alice refused: the zone is ACTIVE, not halted");
  }

  private static List<dev.multisigner.domain.model.KeyData> both() {
    return List.of(A_KSK, B_KSK);
  }
}
