package dev.multisigner.domain.plan;

import static dev.multisigner.domain.ZoneFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneDecider;
import dev.multisigner.domain.decide.ZoneInput.ParentNsObserved;
import dev.multisigner.domain.decide.ZoneInput.RemoveSigner;
import dev.multisigner.domain.decide.ZoneInput.SignerKeysObserved;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The plan of a zone (octoDNS-style): what is still to change, additions before removals, one line
 * each, with a hash; empty once everything is applied and observed.
 */
class PlanTest {

  @Test
  void aConvergedZoneHasAnEmptyPlan() {
    Timeline t = decideJoinTimelines();

    Plan plan = ZoneDecider.plan(t.state(), at(200));

    assertThat(plan.isEmpty()).isTrue();
    assertThat(plan.render()).isEmpty();
  }

  @Test
  void aNewZskIsPlannedForTheOtherSignerUntilObservedThere() {
    Timeline t = decideJoinTimelines();
    t.at(
        200,
        new SignerKeysObserved(
            ZONE, A, observation(A, at(200), List.of(A_KSK, A_ZSK, A_ZSK2, B_KSK, B_ZSK), ab())));

    assertThat(ZoneDecider.plan(t.state(), at(201)).render())
        .containsExactly("add DNSKEY ZSK of knot-a " + A_ZSK2.keyTag() + " at pdns-b");

    t.at(
        203,
        new SignerKeysObserved(
            ZONE, B, observation(B, at(203), List.of(B_KSK, B_ZSK, A_KSK, A_ZSK, A_ZSK2), ab())));
    assertThat(ZoneDecider.plan(t.state(), at(204)).isEmpty()).isTrue();
  }

  @Test
  void aLeavePlansAdditionsBeforeRemovalsAndHashesWhatItShows() {
    Timeline t = decideJoinTimelines();
    t.at(400, new RemoveSigner(ZONE, B));
    t.at(410, new ParentNsObserved(ZONE, List.of(ns(A))));
    t.at(535, new WakeUp(ZONE));
    t.at(597, new WakeUp(ZONE));

    Plan plan = ZoneDecider.plan(t.state(), at(598));

    assertThat(plan.render())
        .containsExactly(
            "publish CDS/CDNSKEY [" + A_KSK.keyTag() + "/2] at knot-a",
            "remove DS " + B_KSK.keyTag() + "/2 from parent");
    assertThat(plan.refusal()).isEmpty();
    assertThat(plan.hash()).hasSize(12).isEqualTo(ZoneDecider.plan(t.state(), at(598)).hash());
    assertThat(plan.hash())
        .isNotEqualTo(ZoneDecider.plan(decideJoinTimelines().state(), at(598)).hash());
  }

  @Test
  void ordersAdditionsBeforeRemovalsWhateverTheInputOrder() {
    Plan plan =
        Plan.of(
            List.of(
                new Plan.Change(Plan.Kind.REMOVE_DNSKEY, "b", "ZSK 1"),
                new Plan.Change(Plan.Kind.ADD_DS, "parent", "2/2"),
                new Plan.Change(Plan.Kind.ADD_DNSKEY, "b", "ZSK 3")),
            Optional.of("signer b serves the zone but no KSK/CSK of it would have a DS"));

    assertThat(plan.render())
        .containsExactly(
            "REFUSED: signer b serves the zone but no KSK/CSK of it would have a DS",
            "add DNSKEY ZSK 3 at b",
            "add DS 2/2 at parent",
            "remove DNSKEY ZSK 1 from b");
  }

  /** The standard planner's join: both signers serve both KSKs and both ZSKs. */
  private static Timeline decideJoinTimelines() {
    return dev.multisigner.domain.decide.JoinTimelinesAccess.twoSignersJoinedSharingKsks();
  }

  private static List<dev.multisigner.domain.model.KeyData> ab() {
    return List.of(A_KSK, B_KSK);
  }
}
