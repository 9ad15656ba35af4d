package dev.multisigner.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The parent's lag as the scans of {@link ZoneMetrics} feed it (here for NS; DS is the same class,
 * moved in a real run by the cli's MetricsIntegrationTest): the oldest outstanding change's wait,
 * and completed changes timed from first request to the parent's observation.
 */
class ParentChangeLagTest {

  private static final Instant T0 = Instant.parse("2026-12-06T20:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ParentChangeLag ns = new ParentChangeLag("ns", registry);

  private double lag() {
    return registry.get("multisigner.parent.ns.lag").gauge().value();
  }

  private Timer completed() {
    return registry.get("multisigner.parent.ns.change").timer();
  }

  private void scan(Runnable zones) {
    ns.beginScan();
    zones.run();
    ns.endScan();
  }

  private static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void theOldestOutstandingChangeIsTheLagAndACompletedOneIsTimed() {
    assertThat(lag()).isZero();
    scan(
        () -> {
          ns.zone("a.test.", t(0), null, t(10));
          ns.zone("b.test.", t(6), null, t(10));
        });
    assertThat(lag()).isEqualTo(10.0);
    assertThat(completed().count()).isZero();

    // a.test.'s parent is seen with the change at t=25: 25 s from the first request
    scan(
        () -> {
          ns.zone("a.test.", null, t(25), t(30));
          ns.zone("b.test.", t(6), null, t(30));
        });
    assertThat(completed().count()).isEqualTo(1);
    assertThat(completed().totalTime(TimeUnit.SECONDS)).isEqualTo(25.0);
    assertThat(lag()).isEqualTo(24.0);
  }

  @Test
  void aChangeDroppedWithoutTheParentHavingItIsNotCounted() {
    scan(() -> ns.zone("a.test.", t(5), t(1), t(10)));
    // the request is gone, but the parent's set is older than it (moot, or the zone retired)
    scan(() -> ns.zone("a.test.", null, t(1), t(20)));
    assertThat(completed().count()).isZero();
    assertThat(lag()).isZero();
  }

  @Test
  void aSupersededChangeIsNotCountedAndItsSuccessorWaitsFromItsOwnRequest() {
    scan(() -> ns.zone("a.test.", t(0), null, t(10)));
    scan(() -> ns.zone("a.test.", t(15), null, t(20)));
    assertThat(completed().count()).isZero();
    assertThat(lag()).isEqualTo(5.0);
    scan(() -> ns.zone("a.test.", null, t(35), t(40)));
    assertThat(completed().totalTime(TimeUnit.SECONDS)).isEqualTo(20.0);
  }
}
