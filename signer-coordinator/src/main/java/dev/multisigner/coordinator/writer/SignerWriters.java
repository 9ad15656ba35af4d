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
import dev.multisigner.support.signers.SignerRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per configured signer, each in its own consumer group ({@code
 * multisigner-writer-<signer>}) on the commands topic, so a slow or failing provider lags only
 * itself. A command's offset is committed only after its result is on the log (at least once;
 * commands are idempotent, so a repeat changes nothing).
 */
@Context
@Requires(env = "signer-coordinator")
public class SignerWriters {

  private static final Logger LOG = LoggerFactory.getLogger(SignerWriters.class);

  private final List<Writer> writers = new ArrayList<>();

  public SignerWriters(
      SignerRegistry registry,
      EventLog log,
      Envelopes envelopes,
      @Value("${kafka.bootstrap.servers}") String bootstrap) {
    for (String id : registry.signerIds()) {
      Writer w = new Writer(id, registry.provider(id).orElseThrow(), log, envelopes, bootstrap);
      writers.add(w);
      w.start();
    }
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
    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<SignerCommand> serde = TopicCatalog.SIGNER_COMMANDS.valueSerde();
    private volatile boolean running = true;

    Writer(
        String signer, DnsProvider provider, EventLog log, Envelopes envelopes, String bootstrap) {
      super("signer-writer-" + signer);
      setDaemon(true);
      this.signer = signer;
      this.provider = provider;
      this.log = log;
      this.envelopes = envelopes;
      this.consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "multisigner-writer-" + signer,
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false,
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                  "earliest",
                  ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                  "read_committed",
                  ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                  50),
              new StringDeserializer(),
              new ByteArrayDeserializer());
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
      } catch (WakeupException e) {
        // stopping
      } catch (RuntimeException e) {
        LOG.error("event=writer_failed signer={} error=\"{}\"", signer, e.toString(), e);
      } finally {
        consumer.close(Duration.ofSeconds(5));
      }
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
      SignerCommand command;
      try {
        command = serde.decode(r.value());
      } catch (SerializationException | NullPointerException e) {
        // The coordinator's own Inbox-equivalent dead-letters poison; here it is only skipped.
        LOG.warn(
            "event=command_undecodable signer={} zone={} offset={}", signer, r.key(), r.offset());
        return;
      }
      if (!signer.equals(command.getSignerId())) {
        return;
      }
      String zone = command.getEnvelope().getZone();
      long t0 = System.nanoTime();
      Object outcome;
      try {
        String detail = CommandApplier.apply(provider, command);
        outcome = new SignerCommandApplied(detail);
        LOG.info(
            "event=command_applied zone={} signer={} command={} took_ms={} detail=\"{}\"",
            zone,
            signer,
            command.getCommandId(),
            (System.nanoTime() - t0) / 1_000_000,
            detail);
      } catch (ProviderException e) {
        outcome = new SignerCommandFailed(e.getMessage(), e.retryable());
        LOG.warn(
            "event=command_failed zone={} signer={} command={} retryable={} reason=\"{}\"",
            zone,
            signer,
            command.getCommandId(),
            e.retryable(),
            e.getMessage());
      } catch (CommandApplier.UnsupportedCommand | IllegalArgumentException e) {
        String reason = "zone=" + zone + " signer=" + signer + ": " + e.getMessage();
        outcome = new SignerCommandFailed(reason, false);
        LOG.warn(
            "event=command_failed zone={} signer={} command={} retryable=false reason=\"{}\"",
            zone,
            signer,
            command.getCommandId(),
            reason);
      }
      log.append(
          TopicCatalog.SIGNER_RESULTS,
          zone,
          new SignerCommandResult(
              envelopes.answering(command.getEnvelope()), command.getCommandId(), signer, outcome));
    }

    void stopWriter() {
      running = false;
      consumer.wakeup();
    }
  }
}
