package dev.multisigner.coordinator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The parent's lag for one kind of change (DS or NS), fed by {@link ZoneMetrics}' scans: {@code
 * multisigner_parent_<kind>_lag_seconds}, how long the oldest change still outstanding has been
 * asked of the parent (first request, retries included; 0 when none), and {@code
 * multisigner_parent_<kind>_change_seconds}, a histogram of completed changes from their first
 * request until the coordinator observed the parent serving them. A change is seen complete at the
 * first scan after the zone's request is gone and the parent's set was observed after it was asked;
 * one superseded by another request is not counted.
 */
final class ParentChangeLag {

  private final Timer completed;
  private Map<String, Instant> asked = new HashMap<>();
  private Map<String, Instant> scanning = new HashMap<>();
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
    scanning = new HashMap<>();
    scanOldest = 0;
  }

  /**
   * One zone at this scan: {@code issuedAt} of its outstanding request (null: none), and since when
   * the parent's set has been as last observed.
   */
  void zone(String zone, Instant issuedAt, Instant parentSince, Instant now) {
    if (issuedAt != null) {
      scanning.put(zone, issuedAt);
      scanOldest = Math.max(scanOldest, seconds(issuedAt, now));
      return;
    }
    Instant was = asked.get(zone);
    if (was != null && parentSince != null && !parentSince.isBefore(was)) {
      completed.record(Duration.between(was, parentSince));
    }
  }

  void endScan() {
    asked = scanning;
    oldest = scanOldest;
  }

  private static double seconds(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
  }
}
