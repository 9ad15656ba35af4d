package dev.multisigner.dspublisher.parent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/**
 * Puts the DS replacements that several zones' lanes ask of the same parent at the same time into
 * one UPDATE ({@link DnsUpdateParent#replaceDs(Map)}), at most {@code maxBatch} children each. A
 * parent serializes its UPDATEs (BIND: one at a time per zone, each re-signing and journaling), so
 * with one UPDATE per child the parent's update rate was the ds-publisher's ceiling at thousands of
 * zones.
 *
 * <p>No caller waits for a batch to fill: whoever finds no UPDATE in flight to the parent sends
 * what is queued (its own replacement among it); the replacements that arrive meanwhile go out in
 * the next UPDATE, sent by one of their callers. A batch the parent refuses is applied child by
 * child, so each child's failure names its own cause (an UPDATE is all or nothing, RFC 2136 §3.4,
 * so nothing of the refused batch was applied).
 */
public final class DsUpdateBatches {

  private static final Logger LOG = LoggerFactory.getLogger(DsUpdateBatches.class);

  private final int maxBatch;
  private final Map<DnsUpdateParent, Lane> lanes = new ConcurrentHashMap<>();

  public DsUpdateBatches(int maxBatch) {
    this.maxBatch = Math.max(1, maxBatch);
  }

  private record Entry(Name child, List<DSRecord> desired, CompletableFuture<Void> done) {}

  private static final class Lane {
    final ReentrantLock sending = new ReentrantLock();
    final Queue<Entry> queued = new ConcurrentLinkedQueue<>();
  }

  /**
   * Replaces the child's DS RRset at the parent with {@code desired}, in an UPDATE with whatever
   * other children's replacements are queued for the same parent; returns once it is applied.
   *
   * @throws ParentException naming the child, the parent and the cause
   */
  public void replaceDs(DnsUpdateParent parent, Name child, List<DSRecord> desired)
      throws InterruptedException {
    Entry mine = new Entry(child, desired, new CompletableFuture<>());
    Lane lane = lanes.computeIfAbsent(parent, p -> new Lane());
    lane.queued.add(mine);
    while (!mine.done().isDone()) {
      try {
        lane.sending.lockInterruptibly();
      } catch (InterruptedException e) {
        // not sent later by another caller either, unless it is already on its way
        lane.queued.remove(mine);
        throw e;
      }
      try {
        // Whoever held the lock before may have sent this one; otherwise it is still queued.
        if (!mine.done().isDone()) {
          send(parent, drain(lane.queued));
        }
      } finally {
        lane.sending.unlock();
      }
    }
    try {
      mine.done().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ParentException p) {
        throw p;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private List<Entry> drain(Queue<Entry> queued) {
    List<Entry> batch = new ArrayList<>();
    Entry e;
    while (batch.size() < maxBatch && (e = queued.poll()) != null) {
      batch.add(e);
    }
    return batch;
  }

  private void send(DnsUpdateParent parent, List<Entry> batch) {
    Map<Name, List<DSRecord>> desired = new LinkedHashMap<>();
    List<Entry> alone = new ArrayList<>();
    for (Entry e : batch) {
      // a child twice in one batch (two lanes cannot hold the same zone, but be safe): the later
      // replacement goes in an UPDATE of its own, after this one
      if (desired.putIfAbsent(e.child(), e.desired()) != null) {
        alone.add(e);
      }
    }
    List<Entry> first = new ArrayList<>(batch);
    first.removeAll(alone);
    if (first.size() == 1) {
      apply(parent, first.get(0));
    } else {
      try {
        parent.replaceDs(desired);
        first.forEach(e -> e.done().complete(null));
        LOG.debug("event=ds_update_batched parent={} children={}", parent.name(), first.size());
      } catch (RuntimeException e) {
        LOG.warn(
            "event=ds_update_batch_refused parent={} children={} reason=\"{}\" note=\"applied child"
                + " by child\"",
            parent.name(),
            first.size(),
            e.getMessage());
        first.forEach(x -> apply(parent, x));
      }
    }
    alone.forEach(e -> apply(parent, e));
  }

  private static void apply(DnsUpdateParent parent, Entry e) {
    try {
      parent.replaceDs(e.child(), e.desired());
      e.done().complete(null);
    } catch (RuntimeException failed) {
      e.done().completeExceptionally(failed);
    }
  }
}
