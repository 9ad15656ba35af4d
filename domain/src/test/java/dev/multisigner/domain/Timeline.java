package dev.multisigner.domain;

import dev.multisigner.domain.decide.Decision;
import dev.multisigner.domain.decide.LegacyZoneDecider;
import dev.multisigner.domain.decide.ZoneDecider;
import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.domain.decide.ZoneState;
import java.util.List;

/** Feeds inputs to the decider at fixed instants and keeps the state between steps. */
public final class Timeline {

  private ZoneState state = ZoneState.absent(ZoneFixtures.ZONE);
  private final ZoneDecider decider;

  /** Issue 13's guard: the decider before the split, which must decide every step the same. */
  private final LegacyZoneDecider legacy;

  public Timeline() {
    this.decider = new ZoneDecider(dev.multisigner.domain.plan.DnskeyPlanner.standard());
    this.legacy = new LegacyZoneDecider(dev.multisigner.domain.plan.DnskeyPlanner.standard());
  }

  public Timeline(ZoneDecider decider) {
    this.decider = decider;
    this.legacy = null;
  }

  /** Decides one input at T0 + seconds; returns the outputs rendered one per line. */
  public List<String> at(long seconds, ZoneInput input) {
    Decision d = decider.apply(state, input, ZoneFixtures.at(seconds));
    if (legacy != null) {
      Decision old = legacy.apply(state, input, ZoneFixtures.at(seconds));
      if (!old.equals(d)) {
        throw new AssertionError(
            "the legacy decider decides "
                + input
                + " at "
                + seconds
                + "s differently:\n  legacy "
                + old
                + "\n  now    "
                + d);
      }
    }
    state = d.state();
    return ZoneFixtures.render(d.outputs());
  }

  public ZoneState state() {
    return state;
  }
}
