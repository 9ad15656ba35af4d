package dev.multisigner.domain;

import dev.multisigner.domain.decide.Decision;
import dev.multisigner.domain.decide.ZoneDecider;
import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.domain.decide.ZoneState;
import java.util.List;

/** Feeds inputs to the decider at fixed instants and keeps the state between steps. */
public final class Timeline {

  private ZoneState state = ZoneState.absent(ZoneFixtures.ZONE);
  private final ZoneDecider decider;

  public Timeline() {
    this(new ZoneDecider(dev.multisigner.domain.plan.DnskeyPlanner.standard()));
  }

  public Timeline(ZoneDecider decider) {
    this.decider = decider;
  }

  /** Decides one input at T0 + seconds; returns the outputs rendered one per line. */
  public List<String> at(long seconds, ZoneInput input) {
    Decision d = decider.apply(state, input, ZoneFixtures.at(seconds));
    state = d.state();
    return ZoneFixtures.render(d.outputs());
  }

  public ZoneState state() {
    return state;
  }
}
