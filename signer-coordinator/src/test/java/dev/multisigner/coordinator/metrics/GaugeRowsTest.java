package dev.multisigner.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scan results replace a gauge's rows without removing the meters of rows that remain. */
class GaugeRowsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GaugeRows rows = GaugeRows.of(registry, "test.rows", "rows", null);

  private Gauge row(String step) {
    return registry.find("test.rows").tag("step", step).gauge();
  }

  @Test
  void aRowThatStaysKeepsItsMeterAndTakesTheNewValue() {
    rows.set(Map.of(Tags.of("step", "a"), 1, Tags.of("step", "b"), 5));
    Gauge a = row("a");
    assertThat(a.value()).isEqualTo(1.0);

    rows.set(Map.of(Tags.of("step", "a"), 2));

    assertThat(row("a")).isSameAs(a); // never removed, so a scrape in between still finds it
    assertThat(a.value()).isEqualTo(2.0);
    assertThat(row("b")).isNull();

    rows.set(Map.of(Tags.of("step", "b"), 3.5));
    assertThat(row("a")).isNull();
    assertThat(row("b").value()).isEqualTo(3.5);
  }
}
