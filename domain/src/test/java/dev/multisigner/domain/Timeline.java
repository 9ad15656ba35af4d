package dev.multisigner.domain;

import dev.multisigner.domain.decide.Decision;
import dev.multisigner.domain.decide.ZoneDecider;
import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.plan.DnskeyPlanner;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Feeds inputs to the decider at fixed instants and keeps the state between steps. */
public final class Timeline {

  private ZoneState state = ZoneState.absent(ZoneFixtures.ZONE);
  private final ZoneDecider decider;

  /**
   * The standard planner as it was before issue 16: in model 2 only ZSKs and CSKs are shared, no
   * member serves another's KSK. The process transcripts (joins, leaves, rolls, halts) were written
   * against it and keep testing the processes with it; {@code KskSharingTimelineTest} and the
   * simulator cover the standard planner, which shares KSKs too, and the simulator catches this one
   * (invariant 6).
   */
  public static final DnskeyPlanner ZSKS_SHARED_ONLY =
      (policy, members, keys, target, now) ->
          DnskeyPlanner.standard().foreignKeys(policy, members, keys, target, now).stream()
              .filter(
                  d ->
                      policy.model() != SignerModel.MODEL_2
                          || keys.stream()
                              .noneMatch(k -> k.data().equals(d) && !k.role().signsZoneData()))
              .collect(Collectors.toCollection(TreeSet::new));

  /** A timeline with {@link #ZSKS_SHARED_ONLY}, the planner the process transcripts pin. */
  public Timeline() {
    this(new ZoneDecider(ZSKS_SHARED_ONLY));
  }

  /** A timeline with the standard planner (model 2 shares KSKs too). */
  public static Timeline standard() {
    return new Timeline(new ZoneDecider(DnskeyPlanner.standard()));
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
