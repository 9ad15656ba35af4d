package dev.multisigner.coordinator.writer;

import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandFailed;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.serde.AvroSerde;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import dev.multisigner.support.Inbox;
import dev.multisigner.support.signers.SignerRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per configured signer, each in its own consumer group ({@code
 * multisigner-writer-<signer>}) and thread on the commands topic, so a slow or failing provider
 * lags only itself. A command's offset is committed only after its result is on the log (at least
 * once; commands are idempotent, so a repeat changes nothing).
 *
 * <p>A retryable provider failure is retried here with bounded exponential backoff ({@code
 * multisigner.writers.max-attempts}, {@code initial-backoff}, {@code max-backoff}) before {@code
 * SignerCommandFailed(retryable=true)} is reported; a record that does not decode goes to the
 * dead-letter topic through the {@link Inbox}. Every writer reads every record, so only one of
 * them, the first configured signer's, dead-letters (one dead letter per poison record per
 * deployment, not one per signer).
 */
@Context
@Requires(env = "signer-coordinator")
public class SignerWriters {

  private static final Logger LOG = LoggerFactory.getLogger(SignerWriters.class);

  /**
   * Records per poll. With retries a command can take {@code attempts x call timeout + backoff};
   * few records per poll keep the poll interval below Kafka's limit without raising it much.
   */
  private static final int MAX_POLL_RECORDS = 10;

  /** An upper bound of one provider call (adapters time out at 3-10 s). */
  private static final Duration CALL_BOUND = Duration.ofSeconds(30);

  private final List<Writer> writers = new ArrayList<>();

  public SignerWriters(
      SignerRegistry registry,
      EventLog log,
      Envelopes envelopes,
      Inbox inbox,
      @Value("${kafka.bootstrap.servers}") String bootstrap,
      @Value("${multisigner.writers.max-attempts:4}") int maxAttempts,
      @Value("${multisigner.writers.initial-backoff:200ms}") Duration initialBackoff,
      @Value("${multisigner.writers.max-backoff:5s}") Duration maxBackoff,
      @Value("${multisigner.coordinator.instance-id:}") String instanceId,
      @Value("${multisigner.coordinator.session-timeout:10s}") Duration sessionTimeout) {
    RetryPolicy retry = new RetryPolicy(maxAttempts, initialBackoff, maxBackoff);
    List<String> ids = registry.signerIds();
    for (String id : ids) {
      Writer w =
          new Writer(
              id,
              registry.provider(id).orElseThrow(),
              log,
              envelopes,
              id.equals(ids.get(0)) ? Optional.of(inbox) : Optional.empty(),
              retry,
              membership(bootstrap, id, instanceId, sessionTimeout));
      writers.add(w);
      w.start();
    }
  }

  /**
   * The writer's consumer group settings: group {@code multisigner-writer-<signer>}, the session
   * timeout after which a crashed writer's partitions move, and with an instance id static
   * membership (KIP-345), so a restarted coordinator takes its writers' partitions back at once.
   */
  private static Map<String, Object> membership(
      String bootstrap, String signer, String instanceId, Duration sessionTimeout) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "multisigner-writer-" + signer);
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
    if (!instanceId.isBlank()) {
      c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId + "-writer-" + signer);
    }
    return c;
  }

  /** The signer ids that have a writer here. */
  public List<String> signers() {
    return writers.stream().map(w -> w.signer).toList();
  }

  @PreDestroy
  void stop() {
    writers.forEach(Writer::stopWriter);
  }

  private static final class Writer extends Thread {
    private final String signer;
    private final DnsProvider provider;
    private final EventLog log;
    private final Envelopes envelopes;
    private final Optional<Inbox> deadLetters;
    private final AvroSerde<SignerCommand> serde = TopicCatalog.SIGNER_COMMANDS.valueSerde();
    private final RetryPolicy retry;
    private final KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running = true;

    Writer(
        String signer,
        DnsProvider provider,
        EventLog log,
        Envelopes envelopes,
        Optional<Inbox> deadLetters,
        RetryPolicy retry,
        Map<String, Object> membership) {
      super("signer-writer-" + signer);
      setDaemon(true);
      this.signer = signer;
      this.provider = provider;
      this.log = log;
      this.envelopes = envelopes;
      this.deadLetters = deadLetters;
      this.retry = retry;
      long worstPerCommand =
          CALL_BOUND.multipliedBy(retry.maxAttempts()).plus(retry.totalBackoff()).toMillis();
      Map<String, Object> config = new HashMap<>(membership);
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
      config.put(
          ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
          (int) Math.max(300_000L, MAX_POLL_RECORDS * worstPerCommand));
      this.consumer =
          new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void run() {
      try {
        consumer.subscribe(List.of(TopicCatalog.Names.SIGNER_COMMANDS));
        while (running) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            handle(r);
          }
          consumer.commitSync();
        }
      } catch (WakeupException | InterruptException e) {
        // stopping
      } catch (RuntimeException e) {
        LOG.error("event=writer_failed signer={} error=\"{}\"", signer, e.toString(), e);
      } finally {
        consumer.close(Duration.ofSeconds(5));
      }
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
      Optional<SignerCommand> decoded =
          deadLetters.isPresent()
              ? deadLetters.get().open(TopicCatalog.SIGNER_COMMANDS, r)
              : decode(r);
      if (decoded.isEmpty() || !signer.equals(decoded.get().getSignerId())) {
        return;
      }
      SignerCommand command = decoded.get();
      String zone = command.getEnvelope().getZone();
      long t0 = System.nanoTime();
      Object outcome = outcome(command, zone);
      if (outcome instanceof SignerCommandApplied applied) {
        LOG.info(
            "event=command_applied zone={} signer={} command={} took_ms={} detail=\"{}\"",
            zone,
            signer,
            command.getCommandId(),
            (System.nanoTime() - t0) / 1_000_000,
            applied.getDetail());
      }
      log.append(
          TopicCatalog.SIGNER_RESULTS,
          zone,
          new SignerCommandResult(
              envelopes.answering(command.getEnvelope()), command.getCommandId(), signer, outcome));
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

    /** Applies the command, retrying retryable failures; the result to report. */
    private Object outcome(SignerCommand command, String zone) {
      for (int attempt = 1; ; attempt++) {
        try {
          return new SignerCommandApplied(CommandApplier.apply(provider, command));
        } catch (ProviderException e) {
          if (!e.retryable() || attempt >= retry.maxAttempts() || !running) {
            String reason =
                e.retryable()
                    ? e.getMessage() + " (after " + attempt + " attempts)"
                    : e.getMessage();
            return failed(command, zone, reason, e.retryable());
          }
          Duration backoff = retry.backoffBefore(attempt + 1);
          LOG.info(
              "event=command_retrying zone={} signer={} command={} attempt={} backoff_ms={}"
                  + " reason=\"{}\"",
              zone,
              signer,
              command.getCommandId(),
              attempt,
              backoff.toMillis(),
              e.getMessage());
          if (!sleep(backoff)) {
            return failed(command, zone, e.getMessage() + " (writer stopping)", true);
          }
        } catch (CommandApplier.UnsupportedCommand | IllegalArgumentException e) {
          return failed(
              command, zone, "zone=" + zone + " signer=" + signer + ": " + e.getMessage(), false);
        } catch (RuntimeException e) {
          // A bug must not kill this signer's writer: report it, keep going with the next command.
          LOG.error("event=command_crashed zone={} signer={}", zone, signer, e);
          return failed(command, zone, "zone=" + zone + " signer=" + signer + ": " + e, false);
        }
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

    private boolean sleep(Duration d) {
      try {
        Thread.sleep(d.toMillis());
        return running;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    void stopWriter() {
      running = false;
      consumer.wakeup();
      interrupt();
    }
  }
}
