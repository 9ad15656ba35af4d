package dev.multisigner.coordinator.writer;

import dev.multisigner.providers.LastKnownBasis;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import dev.multisigner.support.Inbox;
import dev.multisigner.support.KafkaClientSettings;
import dev.multisigner.support.RestartingWorker;
import dev.multisigner.support.signers.SignerRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * One writer per configured signer, each in its own consumer group ({@code
 * multisigner-writer-<signer>}) on the commands topic, so a slow or failing provider lags only
 * itself. Within a signer, commands for different zones are applied in parallel by at most {@code
 * multisigner.writers.concurrency} threads, while the commands of one zone are applied one at a
 * time in log order ({@link SignerWriter}, {@link ZoneLanes}). A command's offset is committed only
 * once its result, and the result of every earlier command of its partition, is on the log (at
 * least once; commands are idempotent, so a repeat changes nothing, and a repeat after a restart
 * replays the zone's commands in log order).
 *
 * <p>A retryable provider failure is retried here with bounded exponential backoff ({@code
 * multisigner.writers.max-attempts}, {@code initial-backoff}, {@code max-backoff}) before {@code
 * SignerCommandFailed(retryable=true)} is reported; a record that does not decode goes to the
 * dead-letter topic through the {@link Inbox}. Every writer reads every record, so only one of
 * them, the first configured signer's, dead-letters (one dead letter per poison record per
 * deployment, not one per signer). An adapter that declares a rate limit has its calls paced to it
 * whatever the concurrency.
 *
 * <p>A writer that fails (its poller throws) is started again, with a new consumer from the
 * committed offsets, after a pause that doubles from {@code multisigner.writers.restart-backoff} up
 * to {@code max-restart-backoff}; /health reports DOWN ({@code signerWriters}) while any writer is
 * not running.
 *
 * <p>They run in the coordinator (environment {@code signer-coordinator}) or on their own
 * (environment {@code signer-writer}, {@code multisigner writer --signer <id>}): {@code
 * multisigner.writers.signers} limits a process to the listed signers, and {@code
 * multisigner.writers.enabled=false} keeps a coordinator from running any. Instances of one
 * signer's writer share its consumer group, so they scale out over the partitions.
 */
@Context
@Requires(env = {"signer-coordinator", "signer-writer"})
@Requires(property = "multisigner.writers.enabled", notEquals = "false")
public class SignerWriters extends AbstractHealthIndicator<Map<String, Object>> {

  /** How long stopping waits for one writer (its grace for running commands, then its close). */
  private static final Duration STOP_WAIT = Duration.ofSeconds(20);

  private final List<Supervised> writers = new ArrayList<>();
  private volatile boolean stopping;
  private volatile boolean halting;

  /** One signer's writer, started again by {@code worker} when it fails. */
  private record Supervised(
      String signer, RestartingWorker worker, AtomicReference<SignerWriter> current) {}

  public SignerWriters(
      SignerRegistry registry,
      EventLog log,
      Envelopes envelopes,
      Inbox inbox,
      KafkaClientSettings kafka,
      @Value("${multisigner.writers.max-attempts:4}") int maxAttempts,
      @Value("${multisigner.writers.initial-backoff:200ms}") Duration initialBackoff,
      @Value("${multisigner.writers.max-backoff:5s}") Duration maxBackoff,
      @Value("${multisigner.writers.call-deadline:30s}") Duration callDeadline,
      @Value("${multisigner.writers.concurrency:8}") int concurrency,
      @Value("${multisigner.writers.max-in-flight:256}") int maxInFlight,
      @Value("${multisigner.coordinator.instance-id:}") String instanceId,
      @Value("${multisigner.coordinator.session-timeout:10s}") Duration sessionTimeout,
      @Value("${multisigner.writers.restart-backoff:1s}") Duration restartBackoff,
      @Value("${multisigner.writers.max-restart-backoff:30s}") Duration maxRestartBackoff,
      @Value("${multisigner.writers.signers:}") String only,
      @Value("${multisigner.writers.plan-basis:last-known}") String planBasis,
      @Value("${multisigner.writers.known-zones:20000}") int knownZones) {
    boolean remember = rememberBasis(planBasis);
    RetryPolicy retry = new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, callDeadline);
    List<String> ids = onlyThese(registry.signerIds(), only);
    for (String id : ids) {
      Supplier<SignerWriter> writer =
          () ->
              new SignerWriter(
                  id,
                  LastKnownBasis.around(registry.provider(id).orElseThrow(), remember, knownZones),
                  log,
                  envelopes,
                  id.equals(ids.get(0)) ? Optional.of(inbox) : Optional.empty(),
                  retry,
                  concurrency,
                  maxInFlight,
                  membership(kafka, id, instanceId, sessionTimeout));
      // the first one now, so a configuration error fails the start instead of looping
      AtomicReference<SignerWriter> current = new AtomicReference<>(writer.get());
      AtomicReference<SignerWriter> first = new AtomicReference<>(current.get());
      RestartingWorker worker =
          new RestartingWorker(
              "signer-writer-" + id,
              restartBackoff,
              maxRestartBackoff,
              () -> {
                SignerWriter w = first.getAndSet(null);
                w = w != null ? w : writer.get();
                current.set(w);
                if (halting) {
                  w.halt();
                } else if (stopping) {
                  w.stopWriter();
                }
                w.run();
              });
      writers.add(new Supervised(id, worker, current));
    }
    writers.forEach(w -> w.worker().start());
  }

  /**
   * {@code last-known} (the default): a write plans against the zone's state after the writer's
   * last write there and reads only when the provider refuses that basis or it leaves nothing to
   * do; {@code read}: a read before every write.
   */
  private static boolean rememberBasis(String planBasis) {
    return switch (planBasis.trim()) {
      case "last-known" -> true;
      case "read" -> false;
      default ->
          throw new IllegalArgumentException(
              "multisigner.writers.plan-basis is '"
                  + planBasis
                  + "'; it takes 'last-known' (plan from the state after the last write, checked"
                  + " by the provider) or 'read' (read before every write)");
    };
  }

  /** The configured signers, or those of them {@code only} lists (comma-separated) when set. */
  private static List<String> onlyThese(List<String> configured, String only) {
    if (only == null || only.isBlank()) {
      return configured;
    }
    List<String> wanted = new ArrayList<>();
    for (String id : only.split(",")) {
      String s = id.trim();
      if (!configured.contains(s)) {
        throw new IllegalArgumentException(
            "multisigner.writers.signers names signer '"
                + s
                + "', which is not configured (multisigner.signers."
                + s
                + ".*); configured: "
                + configured);
      }
      wanted.add(s);
    }
    return wanted;
  }

  /**
   * The writer's consumer group settings: group {@code multisigner-writer-<signer>}, the session
   * timeout after which a crashed writer's partitions move, and with an instance id static
   * membership (KIP-345), so a restarted coordinator takes its writers' partitions back at once.
   */
  private static Map<String, Object> membership(
      KafkaClientSettings kafka, String signer, String instanceId, Duration sessionTimeout) {
    Map<String, Object> c = kafka.common(); // bootstrap servers and security of every kafka.*
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "multisigner-writer-" + signer);
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
    if (!instanceId.isBlank()) {
      c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId + "-writer-" + signer);
    }
    return c;
  }

  /**
   * Per signer, its current writer (for the meters; a restarted writer is a new one, so its
   * counters start again from zero, which Prometheus reads as a counter reset).
   */
  java.util.Map<String, AtomicReference<SignerWriter>> currentWriters() {
    // the references the supervisors hold: meters keep only weak references to their state
    java.util.Map<String, AtomicReference<SignerWriter>> out = new java.util.LinkedHashMap<>();
    writers.forEach(s -> out.put(s.signer(), s.current()));
    return out;
  }

  /** The signer ids that have a writer here. */
  public List<String> signers() {
    return writers.stream().map(Supervised::signer).toList();
  }

  /** Stops every writer: running commands end (or are interrupted), done work is committed. */
  @PreDestroy
  void stop() {
    stopping = true;
    stopAll(SignerWriter::stopWriter);
  }

  /** Stops every writer as a crash would: no final commit, running commands interrupted (tests). */
  void halt() {
    halting = true;
    stopping = true;
    stopAll(SignerWriter::halt);
  }

  private void stopAll(java.util.function.Consumer<SignerWriter> how) {
    // every writer told first, so they wind down together; then each awaited
    for (Supervised s : writers) {
      SignerWriter w = s.current().get();
      if (w != null) {
        how.accept(w);
      }
    }
    for (Supervised s : writers) {
      s.worker()
          .stop(
              () -> {
                SignerWriter w = s.current().get();
                if (w != null) {
                  how.accept(w);
                }
              },
              STOP_WAIT);
    }
  }

  /** True while every writer runs (none failed and waiting to start again). */
  boolean allRunning() {
    return writers.stream().allMatch(s -> s.worker().running());
  }

  /** How often writers were started again after a failure, summed. */
  int restarts() {
    return writers.stream().mapToInt(s -> s.worker().restarts()).sum();
  }

  /** UP while every writer runs; DOWN while one is failed and waiting to start again. */
  @Override
  protected Map<String, Object> getHealthInformation() {
    Map<String, Object> details = new LinkedHashMap<>();
    for (Supervised s : writers) {
      RestartingWorker w = s.worker();
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("running", w.running());
      one.put("restarts", w.restarts());
      if (w.lastFailure() != null) {
        one.put("lastFailure", w.lastFailure());
      }
      details.put(s.signer(), one);
    }
    healthStatus = allRunning() ? HealthStatus.UP : HealthStatus.DOWN;
    return details;
  }

  @Override
  protected String getName() {
    return "signerWriters";
  }
}
