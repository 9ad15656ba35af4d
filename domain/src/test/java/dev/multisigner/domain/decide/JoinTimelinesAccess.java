package dev.multisigner.domain.decide;

import dev.multisigner.domain.Timeline;

/** Opens the shared join histories to tests in other packages. */
public final class JoinTimelinesAccess {

  private JoinTimelinesAccess() {}

  public static Timeline twoSignersJoined() {
    return JoinTimelines.twoSignersJoined();
  }

  public static Timeline twoSignersJoinedSharingKsks() {
    return JoinTimelines.twoSignersJoinedSharingKsks();
  }

  /**
   * Algorithm rollover 13 to 15 of the two joined signers, every signer double-signing (t=203) and
   * the new CDS/DS requested (t=265).
   */
  public static Timeline algorithmRollNewDsRequested() {
    Timeline t = AlgorithmRollTimelineTest.doubleSigned();
    t.at(265, new ZoneInput.WakeUp(dev.multisigner.domain.ZoneFixtures.ZONE));
    return t;
  }
}
