package dev.multisigner.coordinator.writer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.providers.ProviderLimits.RateLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RatePacerTest {

  @Test
  void noLimitNoPacer() {
    assertThat(RatePacer.of(Optional.empty())).isEmpty();
  }

  @Test
  void callsFromManyLanesAreSpacedToTheDeclaredRate() throws Exception {
    // 20 requests per second: one call every 50 ms, whatever the number of threads
    RatePacer pacer = RatePacer.of(Optional.of(new RateLimit(20, Duration.ofSeconds(1)))).get();
    assertThat(pacer.interval()).isEqualTo(Duration.ofMillis(50));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    long t0 = System.nanoTime();
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(
            pool.submit(
                () -> {
                  assertThat(pacer.acquire()).isTrue();
                  return null;
                }));
      }
      for (Future<?> f : calls) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    // the tenth permit comes nine intervals after the first, which came after t0
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(450).toNanos());
  }
}
