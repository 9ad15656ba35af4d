package dev.multisigner.coordinator.writer;

import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import dev.multisigner.support.Inbox;
import dev.multisigner.support.KafkaClientSettings;
import dev.multisigner.support.signers.SignerRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
@Context
@Requires(env = "signer-coordinator")
public class SignerWriters {

  /** How long stopping waits for one writer (its grace for running commands, then its close). */
  private static final Duration STOP_WAIT = Duration.ofSeconds(20);

  private final List<SignerWriter> writers = new ArrayList<>();

  public SignerWriters(
      SignerRegistry registry,
      EventLog log,
      Envelopes envelopes,
      Inbox inbox,
      KafkaClientSettings kafka,
      @Value("${multisigner.writers.max-attempts:4}") int maxAttempts,
      @Value("${multisigner.writers.initial-backoff:200ms}") Duration initialBackoff,
      @Value("${multisigner.writers.max-backoff:5s}") Duration maxBackoff,
      @Value("${multisigner.writers.concurrency:8}") int concurrency,
      @Value("${multisigner.writers.max-in-flight:256}") int maxInFlight,
      @Value("${multisigner.coordinator.instance-id:}") String instanceId,
      @Value("${multisigner.coordinator.session-timeout:10s}") Duration sessionTimeout) {
    RetryPolicy retry = new RetryPolicy(maxAttempts, initialBackoff, maxBackoff);
    List<String> ids = registry.signerIds();
    for (String id : ids) {
      writers.add(
          new SignerWriter(
              id,
              registry.provider(id).orElseThrow(),
              log,
              envelopes,
              id.equals(ids.get(0)) ? Optional.of(inbox) : Optional.empty(),
              retry,
              concurrency,
              maxInFlight,
              membership(kafka, id, instanceId, sessionTimeout)));
    }
    writers.forEach(Thread::start);
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

  /** The signer ids that have a writer here. */
  public List<String> signers() {
    return writers.stream().map(SignerWriter::signer).toList();
  }

  /** Stops every writer: running commands end (or are interrupted), done work is committed. */
  @PreDestroy
  void stop() {
    writers.forEach(SignerWriter::stopWriter);
    awaitStopped();
  }

  /** Stops every writer as a crash would: no final commit, running commands interrupted (tests). */
  void halt() {
    writers.forEach(SignerWriter::halt);
    awaitStopped();
  }

  private void awaitStopped() {
    for (SignerWriter w : writers) {
      try {
        w.join(STOP_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
