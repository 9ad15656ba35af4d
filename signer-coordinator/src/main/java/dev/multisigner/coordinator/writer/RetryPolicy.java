package dev.multisigner.coordinator.writer;

import java.time.Duration;

/**
 * How a writer retries a retryable provider failure before it reports one: at most {@code
 * maxAttempts} calls, waiting {@code initialBackoff} before the second and doubling up to {@code
 * maxBackoff}; one call that has not returned after {@code callDeadline} is abandoned and counts as
 * a retryable failure (a hung provider must not hold its zone's lane forever). Bounded so one
 * command cannot hold its writer for long; the decider retries later (the policy's retry interval)
 * what still fails.
 */
record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration callDeadline) {

  /** The default deadline of one provider call (adapters time out at 3-10 s themselves). */
  static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    this(maxAttempts, initialBackoff, maxBackoff, CALL_DEADLINE);
  }

  RetryPolicy {
    if (callDeadline.isNegative() || callDeadline.isZero()) {
      throw new IllegalArgumentException(
          "multisigner.writers.call-deadline must be positive, got " + callDeadline);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "multisigner.writers.max-attempts must be at least 1, got " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "multisigner.writers backoff must satisfy 0 <= initial-backoff <= max-backoff, got "
              + initialBackoff
              + " and "
              + maxBackoff);
    }
  }

  /** The wait before attempt {@code attempt} (2 = the first retry). */
  Duration backoffBefore(int attempt) {
    Duration d = initialBackoff;
    for (int i = 2; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  /** The longest all attempts of one command can wait between calls. */
  Duration totalBackoff() {
    Duration total = Duration.ZERO;
    for (int attempt = 2; attempt <= maxAttempts; attempt++) {
      total = total.plus(backoffBefore(attempt));
    }
    return total;
  }
}
