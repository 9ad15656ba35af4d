package dev.multisigner.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.group.Pending;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The parent's lag (here for NS; DS is the same class, moved in a real run by the cli's
 * MetricsIntegrationTest and e2e's SignerJoinAndLeaveE2eTest): the oldest outstanding change's wait
 * from the scans of {@link ZoneMetrics}, and completed changes timed from first request to the
 * parent's observation at the decision that clears the request, whether or not a scan saw it.
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

  private static Pending asked(String id, long at) {
    return Pending.issued(id, List.of(), List.of(), List.of("ns1.test."), t(at + 60), t(at));
  }

  @Test
  void theOldestOutstandingChangeIsTheLag() {
    assertThat(lag()).isZero();
    scan(
        () -> {
          ns.zone(t(0), t(10));
          ns.zone(t(6), t(10));
          ns.zone(null, t(10));
        });
    assertThat(lag()).isEqualTo(10.0);
    scan(() -> ns.zone(t(6), t(30)));
    assertThat(lag()).isEqualTo(24.0);
    scan(() -> ns.zone(null, t(40)));
    assertThat(lag()).isZero();
    assertThat(completed().count()).as("scans time nothing").isZero();
  }

  @Test
  void aChangeIsTimedFromItsFirstRequestToTheParentsObservationWithNoScanBetween() {
    Pending a = asked("ns-1", 0);
    ns.decided(null, a, null); // asked
    ns.decided(a, a.appliedAt(t(1)), null); // the ds-publisher applied it
    assertThat(completed().count()).isZero();
    // the parent is seen with the change 400 ms after the request: no scan could have seen it
    ns.decided(a.appliedAt(t(1)), null, T0.plusMillis(400));
    assertThat(completed().count()).isEqualTo(1);
    assertThat(completed().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(400.0);
  }

  @Test
  void aChangeDroppedWithoutTheParentHavingItIsNotCounted() {
    Pending a = asked("ns-1", 5);
    // the request is gone, but the parent's set is older than it (moot, or the zone retired)
    ns.decided(a, null, t(1));
    ns.decided(a, null, null);
    assertThat(completed().count()).isZero();
  }

  @Test
  void aSupersededChangeIsNotCountedAndItsSuccessorIsTimedFromItsOwnRequest() {
    Pending first = asked("ns-1", 0);
    Pending second = asked("ns-2", 15);
    ns.decided(first, second, null);
    assertThat(completed().count()).isZero();
    ns.decided(second, null, t(35));
    assertThat(completed().count()).isEqualTo(1);
    assertThat(completed().totalTime(TimeUnit.SECONDS)).isEqualTo(20.0);
  }

  @Test
  void aStateFromBeforeFirstRequestTimesWereKeptIsNotCounted() {
    Pending old = new Pending("ns-0", List.of(), List.of(), List.of(), t(60), null, null);
    ns.decided(old, null, t(30));
    assertThat(completed().count()).isZero();
  }
}
