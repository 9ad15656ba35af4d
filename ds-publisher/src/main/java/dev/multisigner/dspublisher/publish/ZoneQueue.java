package dev.multisigner.dspublisher.publish;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks on a shared pool, one zone's tasks one at a time in submission order, different zones
 * in parallel: a slow or failing zone delays only itself, and the Kafka poll loop that submits
 * never waits for a parent.
 */
final class ZoneQueue {

  private final ExecutorService pool;
  private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

  ZoneQueue(ExecutorService pool) {
    this.pool = pool;
  }

  /** A fixed pool of {@code threads} (at least one) daemon threads named {@code prefix} + n. */
  static ExecutorService daemonPool(String prefix, int threads) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        Math.max(1, threads),
        r -> {
          Thread t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Queues {@code task} behind the zone's earlier tasks; a task's failure does not stop later ones.
   */
  CompletableFuture<Void> submit(String zone, Runnable task) {
    CompletableFuture<Void> next =
        tails.compute(
            zone,
            (z, tail) ->
                (tail == null ? CompletableFuture.<Void>completedFuture(null) : tail)
                    .handle((ok, failed) -> null)
                    .thenRunAsync(task, pool));
    next.whenComplete((ok, failed) -> tails.remove(zone, next));
    return next;
  }
}
