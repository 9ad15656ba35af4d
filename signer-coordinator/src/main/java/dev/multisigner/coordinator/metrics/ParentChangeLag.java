package dev.multisigner.coordinator.metrics;

import dev.multisigner.domain.group.Pending;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;

/**
 * The parent's lag for one kind of change (DS or NS): {@code
 * multisigner_parent_<kind>_lag_seconds}, how long the oldest change still outstanding has been
 * asked of the parent (first request, retries included; 0 when none), fed by {@link ZoneMetrics}'
 * scans; and {@code multisigner_parent_<kind>_change_seconds}, a histogram of completed changes
 * from their first request until the coordinator observed the parent serving them, fed by each
 * decision ({@link ParentChanges}): a change is complete when a decision clears the zone's request
 * and the parent's set was observed after it was asked, however quickly that happens; one
 * superseded by another request, or dropped without the parent having it, is not counted.
 */
final class ParentChangeLag {

  private final Timer completed;
  private volatile double oldest;
  private double scanOldest;

  ParentChangeLag(String kind, MeterRegistry registry) {
    String upper = kind.toUpperCase(java.util.Locale.ROOT);
    completed =
        Timer.builder("multisigner.parent." + kind + ".change")
            .description(
                "Completed parent "
                    + upper
                    + " changes: first asked of the parent until observed there")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofSeconds(1))
            .maximumExpectedValue(Duration.ofDays(7))
            .register(registry);
    Gauge.builder("multisigner.parent." + kind + ".lag", this, x -> x.oldest)
        .description(
            "How long the oldest "
                + upper
                + " change asked of the parent and not yet observed there has waited (0: none)")
        .baseUnit("seconds")
        .register(registry);
  }

  void beginScan() {
    scanOldest = 0;
  }

  /** One zone at this scan: {@code issuedAt} of its outstanding request (null: none). */
  void zone(Instant issuedAt, Instant now) {
    if (issuedAt != null) {
      scanOldest = Math.max(scanOldest, seconds(issuedAt, now));
    }
  }

  void endScan() {
    oldest = scanOldest;
  }

  /**
   * One decision: the zone's request before and after it, and since when the parent's set has been
   * as last observed after it. Times the change if the decision cleared the request because the
   * parent serves it.
   */
  void decided(Pending before, Pending after, Instant parentSince) {
    if (before == null || after != null || before.issuedAt() == null || parentSince == null) {
      return; // nothing was asked, it still is (or a newer change is), or no parent seen
    }
    if (!parentSince.isBefore(before.issuedAt())) {
      completed.record(Duration.between(before.issuedAt(), parentSince));
    }
  }

  private static double seconds(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
  }
}
