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
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.model.SignerId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The times and observed tags the state keeps for the operator's views and metrics (issue 14): when
 * each member entered its phase, when a change was first asked of the parent (a retry keeps it),
 * and which keys sign each member's DNSKEY RRset and which its CDNSKEY RRset names.
 */
class OperatorTimesTimelineTest {

  @Test
  void aMemberRemembersWhenItEnteredItsPhase() {
    Timeline t = joinUntilDsRequested();
    assertThat(member(t, A).phase()).isEqualTo(MemberPhase.ACTIVE);
    assertThat(member(t, A).phaseSince()).isEqualTo(at(5));
    assertThat(member(t, B).phase()).isEqualTo(MemberPhase.AWAITING_DS);
    MemberPhase before = member(t, B).phase();

    t.at(30, new ParentDsObserved(ZONE, dsSet(A_KSK, B_KSK)));
    assertThat(member(t, B).phase()).isNotEqualTo(before);
    assertThat(member(t, B).phaseSince()).isEqualTo(at(30));
    t.at(40, new WakeUp(ZONE));
    assertThat(member(t, B).phaseSince()).as("same phase, same start").isEqualTo(at(30));
  }

  @Test
  void aRetriedDsRequestKeepsWhenItWasFirstAsked() {
    Timeline t = joinUntilDsRequested();
    String first = t.state().dsRequest().id();
    assertThat(t.state().dsRequest().issuedAt()).isEqualTo(at(5));

    assertThat(t.at(15, new WakeUp(ZONE))).anyMatch(l -> l.startsWith("DS_CHANGE_REQUESTED"));
    assertThat(t.state().dsRequest().id()).isNotEqualTo(first);
    assertThat(t.state().dsRequest().issuedAt()).isEqualTo(at(5));

    t.at(30, new ParentDsObserved(ZONE, dsSet(A_KSK, B_KSK)));
    assertThat(t.state().dsRequest()).isNull();
    assertThat(t.state().parentDsSince()).isEqualTo(at(30));
  }

  @Test
  void aMemberKeepsTheTagsOfItsDnskeyRrsigsAndCdnskeysAsObserved() {
    Timeline t = JoinTimelines.enrolledAndParentSeen();
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of(A_KSK)));
    assertThat(member(t, A).dnskeySigners()).containsExactly(A_KSK.keyTag());
    assertThat(member(t, A).cdnskeyTags()).containsExactly(A_KSK.keyTag());
    assertThat(member(t, B).dnskeySigners()).isEmpty();
  }

  /** The join of {@link JoinTimelineTest} up to the DS request at t=5. */
  private static Timeline joinUntilDsRequested() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), signer(B))));
    assertThat(member(t, A).phaseSince()).isEqualTo(at(0));
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A))));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK)));
    t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of(A_KSK)));
    t.at(3, observedB(3, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK)));
    t.at(5, observedA(5, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK)));
    return t;
  }

  private static Member member(Timeline t, SignerId id) {
    return t.state().members().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
  }
}
