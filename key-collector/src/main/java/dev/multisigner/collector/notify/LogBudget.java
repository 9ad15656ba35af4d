package dev.multisigner.collector.notify;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * At most {@code perWindow} log lines per {@code window} for one kind of line a remote peer can
 * cause at will (a refused or malformed NOTIFY): a flood of packets must not flood the log. Lines
 * over the budget are counted, and the next line allowed says how many were left out.
 */
final class LogBudget {

  private final int perWindow;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private long windowStart;
  private int used;
  private long suppressed;

  LogBudget(int perWindow, Duration window) {
    this(perWindow, window, System::nanoTime);
  }

  LogBudget(int perWindow, Duration window, LongSupplier nanoTime) {
    if (perWindow < 1) {
      throw new IllegalArgumentException("a log budget needs at least one line per window");
    }
    this.perWindow = perWindow;
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
    this.windowStart = nanoTime.getAsLong();
  }

  /**
   * Empty when this line is over the budget (it is counted); otherwise the number of lines left out
   * since the last one logged.
   */
  synchronized OptionalLong take() {
    long now = nanoTime.getAsLong();
    if (now - windowStart >= windowNanos) {
      windowStart = now;
      used = 0;
    }
    if (used >= perWindow) {
      suppressed++;
      return OptionalLong.empty();
    }
    used++;
    long left = suppressed;
    suppressed = 0;
    return OptionalLong.of(left);
  }
}
