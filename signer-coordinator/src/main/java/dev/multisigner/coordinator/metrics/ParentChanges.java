package dev.multisigner.coordinator.metrics;

import dev.multisigner.coordinator.topology.CoordinatorTopology;
import dev.multisigner.domain.decide.ZoneState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * The parent's DS and NS lag ({@link ParentChangeLag}), one of each per process: the coordinator's
 * stream threads tell it of every decision (a completed change is timed at the decision that sees
 * it at the parent, so a change completed between two scans of {@link ZoneMetrics} still counts),
 * and the scans set the oldest outstanding change's wait.
 */
@Singleton
@Requires(env = "signer-coordinator")
@Requires(beans = MeterRegistry.class)
public class ParentChanges implements CoordinatorTopology.DecisionListener {

  private final ParentChangeLag ds;
  private final ParentChangeLag ns;

  public ParentChanges(MeterRegistry registry) {
    this.ds = new ParentChangeLag("ds", registry);
    this.ns = new ParentChangeLag("ns", registry);
  }

  ParentChangeLag ds() {
    return ds;
  }

  ParentChangeLag ns() {
    return ns;
  }

  @Override
  public void decided(ZoneState before, ZoneState after) {
    if (before == null || after == null) {
      return;
    }
    ds.decided(before.dsRequest(), after.dsRequest(), after.parentDsSince());
    ns.decided(before.nsRequest(), after.nsRequest(), after.parentNsSince());
  }
}
