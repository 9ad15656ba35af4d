package dev.multisigner.collector.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollJitterTest {

  private static final Duration POLL = Duration.ofSeconds(5);

  @Test
  void aFractionIsThatShareOfThePollInterval() {
    assertThat(ObservationPoller.jitter("0.1", POLL)).isEqualTo(Duration.ofMillis(500));
    assertThat(ObservationPoller.jitter("0", POLL)).isEqualTo(Duration.ZERO);
    assertThat(ObservationPoller.jitter("1", POLL)).isEqualTo(POLL);
  }

  @Test
  void aDurationIsTakenAsIs() {
    assertThat(ObservationPoller.jitter("300ms", POLL)).isEqualTo(Duration.ofMillis(300));
    assertThat(ObservationPoller.jitter("2s", POLL)).isEqualTo(Duration.ofSeconds(2));
    assertThat(ObservationPoller.jitter("PT0.3S", POLL)).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void anythingElseIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> ObservationPoller.jitter("1.5", POLL))
        .hasMessageContaining("multisigner.collector.poll-jitter")
        .hasMessageContaining("1.5");
    assertThatThrownBy(() -> ObservationPoller.jitter("soon", POLL))
        .hasMessageContaining("multisigner.collector.poll-jitter")
        .hasMessageContaining("soon");
  }
}
