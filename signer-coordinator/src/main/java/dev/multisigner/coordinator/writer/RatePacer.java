package dev.multisigner.coordinator.writer;

import dev.multisigner.providers.ProviderLimits.RateLimit;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Spaces a signer's provider calls to the adapter's declared rate limit ({@code ProviderLimits}),
 * whatever the writer's concurrency: one permit every {@code per / requests}. A command costs at
 * least one request, so this keeps a signer's command attempts within the limit; an adapter that
 * needs several requests per command can still be refused (HTTP 429), which it reports retryable.
 */
final class RatePacer {

  private final long intervalNanos;
  private long next;

  private RatePacer(long intervalNanos) {
    this.intervalNanos = intervalNanos;
    this.next = System.nanoTime();
  }

  /** A pacer for the limit, or none when the adapter declares no limit. */
  static Optional<RatePacer> of(Optional<RateLimit> limit) {
    return limit
        .filter(l -> l.requests() > 0 && !l.per().isNegative() && !l.per().isZero())
        .map(l -> new RatePacer(l.per().toNanos() / l.requests()));
  }

  /** The interval between two permits. */
  Duration interval() {
    return Duration.ofNanos(intervalNanos);
  }

  /** Waits for the next permit; false when interrupted (the writer is stopping). */
  boolean acquire() {
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      long at = Math.max(now, next);
      next = at + intervalNanos;
      wait = at - now;
    }
    if (wait <= 0) {
      return true;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(wait);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
