package dev.multisigner.coordinator.writer;

import static dev.multisigner.coordinator.writer.WriterRestartTest.importCommand;
import static dev.multisigner.coordinator.writer.WriterRestartTest.writers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.ImportDnskeys;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandFailed;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider call that never returns does not hold its zone's lane forever (issue 12, "a per-call
 * deadline in the writers"): on the real broker, with {@code call-deadline} 500 ms, a command whose
 * provider calls hang is answered {@code SignerCommandFailed(retryable)} naming the deadline, and
 * the zone's next command is applied.
 */
class WriterCallDeadlineTest {

  @TempDir Path dir;

  @Test
  void aHungProviderCallIsAbandonedAtItsDeadlineReportedRetryableAndTheLaneMovesOn()
      throws Exception {
    String zone = "deadline.writers.test.";
    RecordingProvider provider = new RecordingProvider("mem-h", List.of(zone), 0, 0);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        TopicProbe probe = new TopicProbe(kafka.bootstrapServers());
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG,
                    "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
      kafka.createTopics(TopicCatalog.all(), 1);
      provider.hangNext(2); // both attempts of the first command
      SignerCommand hung = importCommand("mem-h", zone);
      SignerCommand next = importCommand("mem-h", zone);
      probe.send(TopicCatalog.SIGNER_COMMANDS, zone, hung);
      probe.send(TopicCatalog.SIGNER_COMMANDS, zone, next);

      EventLog log = new EventLog(producer);
      SignerWriters writers =
          writers(
              kafka,
              provider,
              log,
              new Envelopes("signer-coordinator", Clock.systemUTC()),
              Duration.ofMillis(500));
      try {
        List<SignerCommandResult> results =
            probe.readUntil(
                TopicCatalog.SIGNER_RESULTS,
                zone,
                l -> l.stream().anyMatch(r -> r.getCommandId().equals(next.getCommandId())),
                Duration.ofSeconds(60));
        assertThat(results)
            .filteredOn(r -> r.getCommandId().equals(hung.getCommandId()))
            .singleElement()
            .satisfies(
                r -> {
                  assertThat(r.getResult()).isInstanceOf(SignerCommandFailed.class);
                  SignerCommandFailed f = (SignerCommandFailed) r.getResult();
                  assertThat(f.getRetryable()).isTrue();
                  assertThat(f.getReason())
                      .contains("zone=" + zone, "provider=mem-h", "did not return within 500 ms");
                });
        assertThat(results)
            .filteredOn(r -> r.getCommandId().equals(next.getCommandId()))
            .singleElement()
            .satisfies(r -> assertThat(r.getResult()).isInstanceOf(SignerCommandApplied.class));
        int tag = ((ImportDnskeys) next.getCommand()).getKeys().get(0).getDnskey().getKeyTag();
        assertThat(provider.applied(ZoneName.of(zone))).containsExactly("import " + tag);
      } finally {
        writers.stop();
        provider.release();
      }
    }
  }
}
