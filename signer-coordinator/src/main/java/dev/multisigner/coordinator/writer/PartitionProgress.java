package dev.multisigner.coordinator.writer;

import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What a writer has done with one partition of the commands topic while it holds it: the offsets of
 * this signer's commands handed to a lane whose result is not on the log yet, how far the poller
 * has read, and what was committed. The offset to commit is the lowest such command, or past every
 * record read when there is none, so a commit never covers a command without a result (at least
 * once after a crash; the commands are idempotent).
 *
 * <p>Once revoked (the partition moves, or the writer stops), commands not started yet are skipped:
 * whoever holds the partition next reads them again from the committed offset, in log order.
 */
final class PartitionProgress {

  private final TreeSet<Long> pending = new TreeSet<>();
  private long readUpTo = -1;
  private long committed = -1;
  private boolean revoked;
  private int running;

  /** The poller hands the command at {@code offset} to a lane (before {@link #read}). */
  synchronized void dispatched(long offset) {
    pending.add(offset);
  }

  /** The poller has read the record at {@code offset} (this signer's command or not). */
  synchronized void read(long offset) {
    readUpTo = Math.max(readUpTo, offset + 1);
  }

  /** A lane starts a command of this partition; false when the partition was revoked (skip it). */
  synchronized boolean start() {
    if (revoked) {
      return false;
    }
    running++;
    return true;
  }

  /** A started command ended; {@code resultLogged} when its result is on the log. */
  synchronized void end(long offset, boolean resultLogged) {
    running--;
    if (resultLogged) {
      pending.remove(offset);
    }
    notifyAll();
  }

  /** True once the partition was revoked: running commands stop retrying. */
  synchronized boolean revoked() {
    return revoked;
  }

  /** No command starts any more. */
  synchronized void revoke() {
    revoked = true;
  }

  /** Waits until no command of this partition runs; false when the deadline passed first. */
  synchronized boolean awaitIdle(long deadlineNanos) {
    while (running > 0) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** The offset to commit now, when it is past the last one committed. */
  synchronized OptionalLong toCommit() {
    long position = pending.isEmpty() ? readUpTo : pending.first();
    return position > committed ? OptionalLong.of(position) : OptionalLong.empty();
  }

  /** {@code offset} was committed. */
  synchronized void committed(long offset) {
    committed = Math.max(committed, offset);
  }
}
