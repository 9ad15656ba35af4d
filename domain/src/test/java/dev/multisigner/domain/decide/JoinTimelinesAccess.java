package dev.multisigner.domain.decide;

import dev.multisigner.domain.Timeline;

/** Opens the shared join histories to tests in other packages. */
public final class JoinTimelinesAccess {

  private JoinTimelinesAccess() {}

  public static Timeline twoSignersJoined() {
    return JoinTimelines.twoSignersJoined();
  }
}
