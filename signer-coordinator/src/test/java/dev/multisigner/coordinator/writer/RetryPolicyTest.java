package dev.multisigner.coordinator.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void backoffDoublesFromTheInitialWaitUpToTheMaximum() {
    RetryPolicy p = new RetryPolicy(6, Duration.ofMillis(200), Duration.ofMillis(1000));
    assertThat(p.backoffBefore(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.backoffBefore(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(p.backoffBefore(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(p.backoffBefore(5)).isEqualTo(Duration.ofMillis(1000));
    assertThat(p.backoffBefore(6)).isEqualTo(Duration.ofMillis(1000));
    assertThat(p.totalBackoff()).isEqualTo(Duration.ofMillis(3400));
  }

  @Test
  void oneAttemptMeansNoRetryAndNoWait() {
    assertThat(new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1)).totalBackoff())
        .isZero();
  }

  @Test
  void refusesAPolicyThatCannotWorkNamingTheConfigKey() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("multisigner.writers.max-attempts");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("initial-backoff <= max-backoff");
  }
}
