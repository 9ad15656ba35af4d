package dev.multisigner.coordinator.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link MultiGauge} set anew at each scan whose rows keep their meters while they last: {@code
 * MultiGauge.register(rows, true)} removes and re-adds every row, and a scrape in between finds the
 * series missing (a gap, or an absent-series alert). Here a row's meter reads a value this class
 * updates in place; only rows that are gone are removed.
 */
final class GaugeRows {

  private final MultiGauge gauge;
  private final Map<Tags, Value> values = new ConcurrentHashMap<>();

  private GaugeRows(MultiGauge gauge) {
    this.gauge = gauge;
  }

  /** A gauge named {@code name} (with {@code unit} as its base unit, if not null). */
  static GaugeRows of(MeterRegistry registry, String name, String description, String unit) {
    MultiGauge.Builder b = MultiGauge.builder(name).description(description);
    return new GaugeRows((unit == null ? b : b.baseUnit(unit)).register(registry));
  }

  synchronized void set(Map<Tags, ? extends Number> now) {
    values.keySet().retainAll(now.keySet());
    now.forEach(
        (tags, n) -> values.computeIfAbsent(tags, t -> new Value()).value = n.doubleValue());
    List<MultiGauge.Row<?>> rows =
        values.entrySet().stream()
            .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(e.getKey(), e.getValue(), v -> v.value))
            .toList();
    gauge.register(rows, false);
  }

  private static final class Value {
    private volatile double value;
  }
}
