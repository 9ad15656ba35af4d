package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.Admission.Kind;
import dev.multisigner.domain.decide.Admission.Refusal;
import dev.multisigner.domain.decide.ZoneInput.AddSigner;
import dev.multisigner.domain.decide.ZoneInput.RemoveSigner;
import dev.multisigner.domain.decide.ZoneInput.RollAlgorithm;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.SignerId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Admission answers from the state alone, with a kind and the very reason the decider's
 * REQUEST_REJECTED event gives, so the operator API can refuse early with the same words.
 */
class AdmissionTest {

  @Test
  void refusesAnExistingMemberAndAdmitsANewOne() {
    ZoneState s = JoinTimelines.twoSignersJoined().state();

    assertThat(Admission.addSigner(s, signer(A)))
        .contains(new Refusal(Kind.ALREADY_MEMBER, "it is already a member"));
    assertThat(Admission.addSigner(s, signer(C))).isEmpty();
  }

  @Test
  void theDecidersEventGivesTheSameReason() {
    Timeline t = JoinTimelines.twoSignersJoined();
    ZoneState s = t.state();
    Refusal r = Admission.rollAlgorithm(s, 7, at(600)).orElseThrow();

    assertThat(r.kind()).isEqualTo(Kind.NOT_A_SIGNING_ALGORITHM);
    assertThat(t.at(600, new RollAlgorithm(ZONE, 7, "ops")))
        .contains("REQUEST_REJECTED: algorithm roll to 7 by ops refused: " + r.text());
  }

  @Test
  void refusesEveryIntentOfAZoneNeverEnrolled() {
    ZoneState absent = ZoneState.absent(ZONE);

    assertThat(Admission.addSigner(absent, signer(C)).map(Refusal::kind))
        .contains(Kind.ZONE_NOT_ACTIVE);
    assertThat(Admission.removeSigner(absent, A).map(Refusal::kind)).contains(Kind.ZONE_NOT_ACTIVE);
    assertThat(Admission.rollKey(absent, A, KeyRole.ZSK, at(0)).map(Refusal::kind))
        .contains(Kind.ZONE_NOT_ACTIVE);
    assertThat(Admission.resume(absent).map(Refusal::kind)).contains(Kind.NOT_HALTED);
    assertThat(Admission.retire(absent).map(Refusal::kind)).contains(Kind.ZONE_NOT_ACTIVE);
  }

  @Test
  void refusesToRemoveAStrangerOrTheLastServingSigner() {
    Timeline t = JoinTimelines.twoSignersJoined();
    ZoneState s = t.state();

    assertThat(Admission.removeSigner(s, SignerId.of("nobody")).map(Refusal::kind))
        .contains(Kind.NOT_A_MEMBER);
    assertThat(Admission.removeSigner(s, A)).isEmpty();
    t.at(600, new RemoveSigner(ZONE, A));
    assertThat(Admission.removeSigner(t.state(), A).map(Refusal::kind))
        .contains(Kind.ALREADY_LEAVING);
    assertThat(Admission.removeSigner(t.state(), B))
        .contains(new Refusal(Kind.LAST_SERVING_SIGNER, "no other signer would serve the zone"));
  }

  @Test
  void signingAlgorithmsAreRfc8624s() {
    assertThat(Admission.SIGNING_ALGORITHMS).containsExactly(8, 10, 13, 14, 15, 16);
    assertThat(Admission.signingAlgorithm(13)).isEmpty();
    assertThat(Admission.signingAlgorithm(5).map(Refusal::kind))
        .isEqualTo(Optional.of(Kind.NOT_A_SIGNING_ALGORITHM));
  }

  @Test
  void describesWhatTheRunningProcessesWaitFor() {
    Timeline t = JoinTimelines.twoSignersJoined();
    assertThat(ZoneDecider.describe(t.state())).noneMatch(l -> l.contains("joining"));

    t.at(600, new AddSigner(ZONE, signer(C)));

    assertThat(ZoneDecider.describe(t.state()))
        .contains("signer=cf-c joining: its keys are being published at every member");
  }
}
