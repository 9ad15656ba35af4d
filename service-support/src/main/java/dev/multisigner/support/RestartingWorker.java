package dev.multisigner.support;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a long-lived worker loop on its own thread and starts it again, after a pause that doubles
 * up to a bound, whenever it ends by an exception. A worker that stopped on an unexpected error
 * would otherwise leave its service alive and reporting UP while it does nothing. {@link
 * #running()} is false from the failure until the next start, which the service's health reports as
 * DOWN. A loop that ran longer than the longest pause before it failed starts again after the
 * shortest one.
 */
public final class RestartingWorker {

  private static final Logger LOG = LoggerFactory.getLogger(RestartingWorker.class);

  /** One run of the worker: returns once asked to stop, throws on failure. */
  @FunctionalInterface
  public interface Loop {
    void run() throws Exception;
  }

  private final String name;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Loop loop;
  private final Thread thread;
  private final AtomicInteger restarts = new AtomicInteger();
  private volatile boolean stopping;
  private volatile boolean running;
  private volatile String lastFailure;

  public RestartingWorker(String name, Duration initialBackoff, Duration maxBackoff, Loop loop) {
    this.name = Objects.requireNonNull(name, "name");
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          name
              + ": restart backoff must be 0 <= initial <= max, got "
              + initialBackoff
              + ", "
              + maxBackoff);
    }
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.loop = Objects.requireNonNull(loop, "loop");
    this.thread = new Thread(this::supervise, name);
    thread.setDaemon(true);
  }

  public void start() {
    running = true;
    thread.start();
  }

  /** True while the loop runs (not failed, not pausing before a restart, not stopped). */
  public boolean running() {
    return running;
  }

  /** How often the loop was started again after a failure. */
  public int restarts() {
    return restarts.get();
  }

  /** The latest failure, as {@code Throwable.toString()}, or null. */
  public String lastFailure() {
    return lastFailure;
  }

  /**
   * Stops: no restart any more; {@code wake} makes the running loop return (a consumer's wakeup);
   * waits up to {@code wait} for the thread to end.
   */
  public void stop(Runnable wake, Duration wait) {
    stopping = true;
    wake.run();
    synchronized (this) {
      notifyAll(); // ends a pause before a restart (an interrupt could cut a loop's graceful end)
    }
    try {
      thread.join(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void supervise() {
    Duration backoff = initialBackoff;
    while (!stopping) {
      long started = System.nanoTime();
      running = true;
      try {
        loop.run();
        if (stopping) {
          return;
        }
        lastFailure = "the loop ended without being stopped";
      } catch (Throwable e) { // an Error as well: the worker must come back or say it is down
        if (stopping) {
          return;
        }
        lastFailure = e.toString();
        LOG.error("event=worker_failed worker={} error=\"{}\"", name, e.toString(), e);
      } finally {
        running = false;
      }
      if (System.nanoTime() - started > maxBackoff.toNanos()) {
        backoff = initialBackoff;
      }
      restarts.incrementAndGet();
      LOG.warn("event=worker_restarting worker={} after_ms={}", name, backoff.toMillis());
      if (!pause(backoff)) {
        return;
      }
      Duration doubled = backoff.multipliedBy(2);
      backoff = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
    }
  }

  /** Waits {@code d} unless stopped; false when stopped. */
  private synchronized boolean pause(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    try {
      for (long left = d.toMillis(); !stopping && left > 0; ) {
        wait(left);
        left = (end - System.nanoTime()) / 1_000_000;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !stopping;
  }
}
