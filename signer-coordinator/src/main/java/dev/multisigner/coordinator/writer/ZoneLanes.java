package dev.multisigner.coordinator.writer;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keyed serial executor: tasks with the same key (a zone) run one at a time in submission order;
 * tasks with different keys run in parallel on at most {@code concurrency} threads. A key's next
 * task goes to the back of the pool's queue when its previous task ends, so a zone with many
 * commands cannot starve the others.
 */
final class ZoneLanes {

  private final ThreadPoolExecutor pool;

  /** Keys with a task queued in the pool or running; the value holds that key's later tasks. */
  private final Map<String, ArrayDeque<Runnable>> active = new HashMap<>();

  ZoneLanes(String threadPrefix, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException(
          "multisigner.writers.concurrency must be at least 1, got " + concurrency);
    }
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            concurrency,
            concurrency,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, threadPrefix + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs {@code task} after every task submitted earlier with the same key has ended. */
  void submit(String key, Runnable task) {
    synchronized (active) {
      ArrayDeque<Runnable> later = active.get(key);
      if (later != null) {
        later.add(task);
        return;
      }
      active.put(key, new ArrayDeque<>());
    }
    execute(key, task);
  }

  private void execute(String key, Runnable task) {
    try {
      pool.execute(() -> runThenNext(key, task));
    } catch (RejectedExecutionException e) {
      // shut down: the task and the key's later tasks are dropped, as the writer stops
      synchronized (active) {
        active.remove(key);
      }
    }
  }

  private void runThenNext(String key, Runnable task) {
    try {
      task.run();
    } finally {
      Runnable next;
      synchronized (active) {
        ArrayDeque<Runnable> later = active.get(key);
        next = later == null ? null : later.poll();
        if (next == null) {
          active.remove(key);
        }
      }
      if (next != null) {
        execute(key, next);
      }
    }
  }

  /**
   * Stops taking tasks; waits up to {@code grace} for the running ones (queued tasks still run and
   * are expected to check for themselves whether they should), then interrupts what is left.
   */
  void shutdown(long graceMillis) {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
