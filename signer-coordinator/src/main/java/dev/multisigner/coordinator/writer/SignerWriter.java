package dev.multisigner.coordinator.writer;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.LastKnownBasis;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.GroupKey;
import dev.multisigner.schemas.avro.ImportDnskeys;
import dev.multisigner.schemas.avro.PublishCdsCdnskey;
import dev.multisigner.schemas.avro.PublishCsync;
import dev.multisigner.schemas.avro.PublishNs;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandFailed;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.avro.WithdrawCdsCdnskey;
import dev.multisigner.schemas.avro.WithdrawCsync;
import dev.multisigner.schemas.avro.WithdrawDnskeys;
import dev.multisigner.schemas.serde.AvroSerde;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import dev.multisigner.support.Inbox;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signer's writer. A poller thread reads the commands topic in the signer's consumer group,
 * decodes each record (the first signer's writer dead-letters poison) and hands this signer's
 * commands to {@link ZoneLanes}: commands of one zone run one at a time in log order, commands of
 * different zones in parallel on at most {@code concurrency} threads. Each lane applies its command
 * through the adapter (retrying retryable failures locally, paced to the adapter's declared rate
 * limit) and appends the result; the poller commits, per partition, up to the lowest command whose
 * result is not on the log yet ({@link PartitionProgress}). With more than {@code maxInFlight}
 * commands without a result, the poller pauses its partitions.
 *
 * <p>A queued command that the next command of the same zone supersedes ({@link #supersedes}: the
 * same RRset set whole again, or the same or more DNSKEYs imported or withdrawn) is not applied: it
 * is answered {@code SignerCommandFailed(retryable)} naming the newer command. The decider matches
 * results by command id and has already replaced the older id with the newer one in its pending
 * slot, so it ignores that answer; were the older one still awaited, it would retry it. Only
 * adjacent commands coalesce, so the order of different changes is kept. Under a backlog this drops
 * the decider's re-sent duplicates (bench/README.md: most commands changed nothing).
 *
 * <p>{@link #run} is the poller; it returns once stopped and throws when it fails, and {@link
 * SignerWriters} then starts a new writer (a new consumer, from the committed offsets) after a
 * pause.
 */
final class SignerWriter implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(SignerWriter.class);

  /** Records per poll; the poller never waits on a command, so this only sizes a batch. */
  private static final int MAX_POLL_RECORDS = 100;

  /** An upper bound of appending one result (EventLog waits up to 30 s for the ack). */
  private static final Duration APPEND_BOUND = Duration.ofSeconds(30);

  /** How long a stopping writer lets running commands end before it interrupts them. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final String signer;
  private final DnsProvider provider;
  private final EventLog log;
  private final Envelopes envelopes;
  private final Optional<Inbox> deadLetters;
  private final AvroSerde<SignerCommand> serde = TopicCatalog.SIGNER_COMMANDS.valueSerde();
  private final RetryPolicy retry;
  private final Optional<RatePacer> pacer;
  private final ZoneLanes lanes;
  private final int concurrency;
  private final int maxInFlight;
  private final Duration worstPerCommand;
  private final KafkaConsumer<String, byte[]> consumer;

  /** The partitions this writer holds (poller thread only). */
  private final Map<TopicPartition, PartitionProgress> partitions = new HashMap<>();

  private final AtomicInteger inFlight = new AtomicInteger();

  /** Commands applied, failed (reported), retried locally (attempts): read by WriterMeters. */
  final AtomicLong applied = new AtomicLong();

  final AtomicLong failed = new AtomicLong();
  final AtomicLong retried = new AtomicLong();

  /** How often a write read the zone, by reason (none unless the provider is a LastKnownBasis). */
  long basisReads(LastKnownBasis.ReadReason reason) {
    return provider instanceof LastKnownBasis b ? b.reads(reason) : 0;
  }

  /** Per zone, its latest command handed to a lane (poller writes, lanes remove once started). */
  private final Map<String, Queued> lastQueued = new ConcurrentHashMap<>();

  /** A command waiting in its zone's lane; the next one can supersede it. */
  private static final class Queued {
    final SignerCommand command;
    volatile String supersededBy;

    Queued(SignerCommand command) {
      this.command = command;
    }
  }

  private volatile boolean running = true;
  private volatile boolean halted;

  /**
   * The provider calls, each on a thread of its own so a lane can abandon one that does not return
   * by the call deadline; an abandoned call is interrupted and its thread left to end on its own.
   */
  private final ExecutorService calls;

  /** Provider calls abandoned at their deadline (read by tests and the log). */
  final AtomicLong abandoned = new AtomicLong();

  SignerWriter(
      String signer,
      DnsProvider provider,
      EventLog log,
      Envelopes envelopes,
      Optional<Inbox> deadLetters,
      RetryPolicy retry,
      int concurrency,
      int maxInFlight,
      Map<String, Object> membership) {
    if (maxInFlight < concurrency) {
      throw new IllegalArgumentException(
          "multisigner.writers.max-in-flight ("
              + maxInFlight
              + ") must be at least multisigner.writers.concurrency ("
              + concurrency
              + ")");
    }
    this.signer = signer;
    this.provider = provider;
    this.log = log;
    this.envelopes = envelopes;
    this.deadLetters = deadLetters;
    this.retry = retry;
    this.pacer = RatePacer.of(provider.limits().rateLimit());
    this.lanes = new ZoneLanes("signer-writer-" + signer, concurrency);
    AtomicInteger n = new AtomicInteger();
    this.calls =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "provider-call-" + signer + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.concurrency = concurrency;
    this.maxInFlight = maxInFlight;
    this.worstPerCommand =
        retry
            .callDeadline()
            .multipliedBy(retry.maxAttempts())
            .plus(retry.totalBackoff())
            .plus(APPEND_BOUND);
    Map<String, Object> config = new HashMap<>(membership);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
    // the poller waits on commands only while it hands back revoked partitions
    config.put(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        (int) Math.max(300_000L, worstPerCommand.plusMinutes(1).toMillis()));
    this.consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  String signer() {
    return signer;
  }

  /** Commands read and not yet done (the writer's queue). */
  int inFlight() {
    return inFlight.get();
  }

  @Override
  public void run() {
    LOG.info(
        "event=writer_started signer={} concurrency={} max_in_flight={} rate_limit={}",
        signer,
        concurrency,
        maxInFlight,
        pacer.map(p -> "one call per " + p.interval().toMillis() + " ms").orElse("none"));
    try {
      consumer.subscribe(List.of(TopicCatalog.Names.SIGNER_COMMANDS), new Rebalance());
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          dispatch(r);
        }
        commit();
        throttle();
      }
    } catch (WakeupException | InterruptException e) {
      // stopping
    } catch (RuntimeException e) {
      LOG.error("event=writer_failed signer={} error=\"{}\"", signer, e.toString(), e);
      throw e; // SignerWriters starts a new writer after a pause and reports DOWN until then
    } finally {
      running = false;
      close();
    }
  }

  /** Stops reading; running commands get {@link #STOP_GRACE} to end, then the consumer closes. */
  void stopWriter() {
    running = false;
    consumer.wakeup();
  }

  /**
   * Stops as a crash would leave things (for tests): running commands are interrupted at once and
   * nothing more is committed, so what ran since the last commit is read again by the next owner.
   */
  void halt() {
    halted = true;
    stopWriter();
  }

  private void dispatch(ConsumerRecord<String, byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    PartitionProgress progress = partitions.computeIfAbsent(tp, p -> new PartitionProgress());
    Optional<SignerCommand> decoded =
        deadLetters.isPresent()
            ? deadLetters.get().open(TopicCatalog.SIGNER_COMMANDS, r)
            : decode(r);
    if (decoded.isPresent() && signer.equals(decoded.get().getSignerId())) {
      SignerCommand command = decoded.get();
      String zone = command.getEnvelope().getZone();
      long offset = r.offset();
      progress.dispatched(offset);
      inFlight.incrementAndGet();
      Queued queued = new Queued(command);
      Queued previous = lastQueued.put(zone, queued);
      if (previous != null && supersedes(command, previous.command)) {
        previous.supersededBy = command.getCommandId(); // no effect once it has started
      }
      lanes.submit(zone, () -> applyInLane(queued, progress, offset));
    }
    progress.read(r.offset());
  }

  /**
   * Whether applying {@code newer} right after {@code older} (same zone and signer) leaves nothing
   * for {@code older} to do: both set the same RRset whole (CDS/CDNSKEY, apex NS, CSYNC), or both
   * import (or both withdraw) DNSKEYs and {@code newer} names every key {@code older} does.
   */
  static boolean supersedes(SignerCommand newer, SignerCommand older) {
    Object n = newer.getCommand();
    Object o = older.getCommand();
    if (n instanceof ImportDnskeys ni && o instanceof ImportDnskeys oi) {
      return dnskeys(ni.getKeys()).containsAll(dnskeys(oi.getKeys()));
    }
    if (n instanceof WithdrawDnskeys nw && o instanceof WithdrawDnskeys ow) {
      return dnskeys(nw.getKeys()).containsAll(dnskeys(ow.getKeys()));
    }
    return (cds(n) && cds(o))
        || (n instanceof PublishNs && o instanceof PublishNs)
        || (csync(n) && csync(o));
  }

  private static Set<Dnskey> dnskeys(List<GroupKey> keys) {
    Set<Dnskey> out = new HashSet<>();
    keys.forEach(k -> out.add(k.getDnskey()));
    return out;
  }

  private static boolean cds(Object c) {
    return c instanceof PublishCdsCdnskey || c instanceof WithdrawCdsCdnskey;
  }

  private static boolean csync(Object c) {
    return c instanceof PublishCsync || c instanceof WithdrawCsync;
  }

  /** In a lane: applies the command and logs its result, unless its partition was revoked. */
  private void applyInLane(Queued queued, PartitionProgress progress, long offset) {
    SignerCommand command = queued.command;
    lastQueued.remove(command.getEnvelope().getZone(), queued); // started: nothing supersedes it
    try {
      if (!running || !progress.start()) {
        return; // the partition moved or the writer stops: read again from the committed offset
      }
      boolean logged = false;
      try {
        logged = handle(command, queued.supersededBy, progress);
      } finally {
        progress.end(offset, logged);
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /**
   * Applies the command (unless {@code supersededBy} names a newer one) and appends its result;
   * true once the result is on the log.
   */
  private boolean handle(SignerCommand command, String supersededBy, PartitionProgress progress) {
    String zone = command.getEnvelope().getZone();
    long t0 = System.nanoTime();
    Object outcome =
        supersededBy == null
            ? outcome(command, zone, progress).orElse(null)
            : failed(
                command,
                zone,
                "zone="
                    + zone
                    + " signer="
                    + signer
                    + ": superseded by command "
                    + supersededBy
                    + " of the same kind, not applied",
                true);
    if (outcome == null) {
      // stopping or moved mid-command: no result (a crash leaves none either); the offset stays
      // uncommitted and the next owner applies the command again (commands are idempotent)
      LOG.info(
          "event=command_left_for_next_owner zone={} signer={} command={}",
          zone,
          signer,
          command.getCommandId());
      return false;
    }
    (outcome instanceof SignerCommandApplied ? applied : failed).incrementAndGet();
    if (outcome instanceof SignerCommandApplied applied) {
      LOG.info(
          "event=command_applied zone={} signer={} command={} took_ms={} detail=\"{}\"",
          zone,
          signer,
          command.getCommandId(),
          (System.nanoTime() - t0) / 1_000_000,
          applied.getDetail());
    }
    SignerCommandResult result =
        new SignerCommandResult(
            envelopes.answering(command.getEnvelope()), command.getCommandId(), signer, outcome);
    for (int attempt = 1; ; attempt++) {
      try {
        log.append(TopicCatalog.SIGNER_RESULTS, zone, result);
        return true;
      } catch (RuntimeException e) {
        if (!active(progress)) {
          // stopping or moved: the offset stays uncommitted, the next owner applies it again
          LOG.warn(
              "event=result_not_appended zone={} signer={} command={} error=\"{}\"",
              zone,
              signer,
              command.getCommandId(),
              e.getMessage());
          return false;
        }
        LOG.error(
            "event=result_append_failed zone={} signer={} command={} attempt={} error=\"{}\"",
            zone,
            signer,
            command.getCommandId(),
            attempt,
            e.getMessage());
        // the lane (this zone) waits: its next command must not overtake an unreported one
        if (!sleep(retry.backoffBefore(Math.min(attempt + 1, 64)), progress)) {
          return false;
        }
      }
    }
  }

  /** Decodes without dead-lettering: the first signer's writer dead-letters poison. */
  private Optional<SignerCommand> decode(ConsumerRecord<String, byte[]> r) {
    try {
      return Optional.of(serde.decode(r.value()));
    } catch (SerializationException | NullPointerException e) {
      LOG.debug(
          "event=command_undecodable signer={} zone={} offset={}", signer, r.key(), r.offset());
      return Optional.empty();
    }
  }

  /**
   * Applies the command, retrying retryable failures; the result to report, or empty when the
   * writer stopped (or the partition moved) before the command got a final answer.
   */
  private Optional<Object> outcome(SignerCommand command, String zone, PartitionProgress progress) {
    for (int attempt = 1; ; attempt++) {
      if (pacer.isPresent() && !pacer.get().acquire()) {
        return Optional.empty();
      }
      try {
        return Optional.of(applyWithin(command, zone));
      } catch (ProviderException e) {
        if (e.retryable() && !active(progress)) {
          return Optional.empty();
        }
        if (!e.retryable() || attempt >= retry.maxAttempts()) {
          String reason =
              e.retryable() ? e.getMessage() + " (after " + attempt + " attempts)" : e.getMessage();
          return Optional.of(failed(command, zone, reason, e.retryable()));
        }
        Duration backoff = retry.backoffBefore(attempt + 1);
        retried.incrementAndGet();
        LOG.info(
            "event=command_retrying zone={} signer={} command={} attempt={} backoff_ms={}"
                + " reason=\"{}\"",
            zone,
            signer,
            command.getCommandId(),
            attempt,
            backoff.toMillis(),
            e.getMessage());
        if (!sleep(backoff, progress)) {
          return Optional.empty();
        }
      } catch (CommandApplier.UnsupportedCommand | IllegalArgumentException e) {
        return Optional.of(
            failed(
                command,
                zone,
                "zone=" + zone + " signer=" + signer + ": " + e.getMessage(),
                false));
      } catch (RuntimeException e) {
        // A bug must not stop this signer's writer: report it, keep going with the next command.
        LOG.error("event=command_crashed zone={} signer={}", zone, signer, e);
        return Optional.of(
            failed(command, zone, "zone=" + zone + " signer=" + signer + ": " + e, false));
      }
    }
  }

  /**
   * Applies the command through the adapter, waiting at most the call deadline: a call that has not
   * returned by then is abandoned (interrupted) and reported as a retryable timeout, so its zone's
   * lane moves on and the decider asks again later.
   */
  private SignerCommandApplied applyWithin(SignerCommand command, String zone) {
    // Taken before the call: an observation that shows the change (say, a read the signer's NOTIFY
    // set off while this call was still returning) was taken after it, so the decider counts it.
    Instant started = envelopes.now();
    Future<SignerCommandApplied> call = calls.submit(() -> CommandApplier.apply(provider, command));
    Duration deadline = retry.callDeadline();
    try {
      SignerCommandApplied applied = call.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      applied.setWriteStartedAt(started);
      return applied;
    } catch (TimeoutException e) {
      call.cancel(true);
      abandoned.incrementAndGet();
      LOG.warn(
          "event=provider_call_abandoned zone={} signer={} command={} deadline_ms={}",
          zone,
          signer,
          command.getCommandId(),
          deadline.toMillis());
      throw ProviderException.of(
          ProviderException.Kind.TIMEOUT,
          ZoneName.of(zone),
          SignerId.of(signer),
          "the provider call did not return within "
              + deadline.toMillis()
              + " ms (multisigner.writers.call-deadline); abandoned");
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw ProviderException.of(
          ProviderException.Kind.TIMEOUT,
          ZoneName.of(zone),
          SignerId.of(signer),
          "interrupted while waiting for the provider (writer stopping)");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private SignerCommandFailed failed(
      SignerCommand command, String zone, String reason, boolean retryable) {
    LOG.warn(
        "event=command_failed zone={} signer={} command={} retryable={} reason=\"{}\"",
        zone,
        signer,
        command.getCommandId(),
        retryable,
        reason);
    return new SignerCommandFailed(reason, retryable);
  }

  /** False once the writer stops or the command's partition moved: stop retrying. */
  private boolean active(PartitionProgress progress) {
    return running && !progress.revoked();
  }

  private boolean sleep(Duration d, PartitionProgress progress) {
    try {
      Thread.sleep(d.toMillis());
      return active(progress);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Commits, per partition, up to the lowest command without a result on the log. */
  private void commit() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    partitions.forEach(
        (tp, p) -> p.toCommit().ifPresent(o -> offsets.put(tp, new OffsetAndMetadata(o))));
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets);
      offsets.forEach(
          (tp, o) -> {
            PartitionProgress p = partitions.get(tp);
            if (p != null) {
              p.committed(o.offset());
            }
          });
    } catch (CommitFailedException | RebalanceInProgressException | RetriableException e) {
      // the next round commits again; a partition that moved was committed on its revocation
      LOG.warn("event=writer_commit_failed signer={} error=\"{}\"", signer, e.toString());
    }
  }

  /** Pauses reading while too many commands wait for a result, resumes below the bound. */
  private void throttle() {
    if (inFlight.get() >= maxInFlight) {
      consumer.pause(consumer.assignment());
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
  }

  /**
   * Hands partitions back: no queued command of theirs starts any more, running ones end (up to
   * {@code deadline}), then, when {@code commit}, their progress is committed.
   */
  private void release(Collection<TopicPartition> released, boolean commit, long deadline) {
    List<TopicPartition> mine = new ArrayList<>();
    for (TopicPartition tp : released) {
      PartitionProgress p = partitions.get(tp);
      if (p != null) {
        p.revoke();
        mine.add(tp);
      }
    }
    for (TopicPartition tp : mine) {
      if (!partitions.get(tp).awaitIdle(deadline)) {
        LOG.warn(
            "event=writer_release_timeout signer={} partition={}: a command still runs; its"
                + " offset stays uncommitted",
            signer,
            tp.partition());
      }
    }
    if (commit) {
      commit();
    }
    mine.forEach(partitions::remove);
  }

  private void close() {
    if (halted) {
      partitions.values().forEach(PartitionProgress::revoke);
      lanes.shutdown(0);
      calls.shutdownNow();
      consumer.close(Duration.ZERO);
      LOG.info("event=writer_halted signer={}", signer);
      return;
    }
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    try {
      release(new ArrayList<>(partitions.keySet()), true, deadline);
    } catch (WakeupException e) {
      // a wakeup from stopWriter that no poll consumed interrupted the commit: once more
      try {
        commit();
      } catch (KafkaException again) {
        LOG.warn(
            "event=writer_final_commit_failed signer={} error=\"{}\"", signer, again.toString());
      }
    } catch (KafkaException e) {
      LOG.warn("event=writer_final_commit_failed signer={} error=\"{}\"", signer, e.toString());
    } finally {
      lanes.shutdown(1_000);
      calls.shutdownNow();
      consumer.close(Duration.ofSeconds(5));
      LOG.info("event=writer_stopped signer={}", signer);
    }
  }

  /** Partitions move: release the old ones (committing what is done), track the new ones. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      if (!halted) { // a halted writer's close commits nothing, as after a crash
        release(revoked, true, System.nanoTime() + worstPerCommand.toNanos());
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      // another member may hold them already: a commit would be refused
      if (!halted) {
        release(lost, false, System.nanoTime() + worstPerCommand.toNanos());
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      assigned.forEach(tp -> partitions.put(tp, new PartitionProgress()));
    }
  }
}
