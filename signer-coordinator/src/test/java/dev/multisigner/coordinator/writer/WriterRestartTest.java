package dev.multisigner.coordinator.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.schemas.avro.DeadLetter;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.GroupKey;
import dev.multisigner.schemas.avro.ImportDnskeys;
import dev.multisigner.schemas.avro.KeyRole;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import dev.multisigner.support.Inbox;
import dev.multisigner.support.signers.SignerRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;

/**
 * A signer writer whose poller fails does not stay dead behind an UP health check (issue 12 item
 * 6): on the real broker without the dead-letter topic, a poison command makes the writer's
 * dead-lettering fail, which ends its poller; the writer reports DOWN, starts again after a pause,
 * and once the topic exists it dead-letters the poison and applies the next command.
 */
class WriterRestartTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void aFailedWriterReportsDownStartsAgainAndCarriesOnOnceTheCauseIsGone() throws Exception {
    String zone = "restart.writers.test.";
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        TopicProbe probe = new TopicProbe(kafka.bootstrapServers());
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    // a missing topic fails an append after this long instead of 60 s
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    1000),
                new StringSerializer(),
                new ByteArraySerializer())) {
      kafka.createTopics(
          TopicCatalog.all().stream().filter(t -> t != TopicCatalog.DEAD_LETTERS).toList(), 1);
      producer
          .send(
              new ProducerRecord<>(
                  TopicCatalog.Names.SIGNER_COMMANDS,
                  zone,
                  "not a command".getBytes(StandardCharsets.UTF_8)))
          .get();
      SignerCommand command = importCommand("mem-r", zone);
      probe.send(TopicCatalog.SIGNER_COMMANDS, zone, command);

      RecordingProvider provider = new RecordingProvider("mem-r", List.of(zone), 0, 0);
      EventLog log = new EventLog(producer);
      Envelopes envelopes = new Envelopes("signer-coordinator", Clock.systemUTC());
      SignerWriters writers = writers(kafka, provider, log, envelopes, Duration.ofSeconds(30));
      try {
        awaitTrue(() -> !writers.allRunning(), "the writer reports that it is not running");
        assertThat(writers.getHealthInformation()).extractingByKey("mem-r").isNotNull();
        assertThat(provider.applied(ZoneName.of(zone))).isEmpty();

        kafka.createTopics(List.of(TopicCatalog.DEAD_LETTERS), 1);

        List<SignerCommandResult> results =
            probe.readUntil(
                TopicCatalog.SIGNER_RESULTS,
                zone,
                l -> l.stream().anyMatch(r -> r.getCommandId().equals(command.getCommandId())),
                PATIENCE);
        assertThat(results)
            .filteredOn(r -> r.getCommandId().equals(command.getCommandId()))
            .first()
            .satisfies(r -> assertThat(r.getResult()).isInstanceOf(SignerCommandApplied.class));
        assertThat(probe.readUntil(TopicCatalog.DEAD_LETTERS, zone, l -> !l.isEmpty(), PATIENCE))
            .extracting(DeadLetter::getSourceTopic)
            .containsExactly(TopicCatalog.Names.SIGNER_COMMANDS);
        awaitTrue(writers::allRunning, "the writer reports that it runs again");
        assertThat(writers.restarts()).isPositive();
      } finally {
        writers.stop();
      }
    }
  }

  /** The writers of one signer ({@code provider}): 2 attempts, this call deadline. */
  static SignerWriters writers(
      EmbeddedKafka kafka,
      DnsProvider provider,
      EventLog log,
      Envelopes envelopes,
      Duration callDeadline) {
    SignerRegistry registry =
        new SignerRegistry(Map.of()) {
          @Override
          public Optional<DnsProvider> provider(String signerId) {
            return provider.id().value().equals(signerId)
                ? Optional.of(provider)
                : Optional.empty();
          }

          @Override
          public List<String> signerIds() {
            return List.of(provider.id().value());
          }
        };
    return new SignerWriters(
        registry,
        log,
        envelopes,
        new Inbox(log, envelopes),
        dev.multisigner.support.KafkaClientSettings.of(kafka.bootstrapServers()),
        2,
        Duration.ofMillis(10),
        Duration.ofMillis(40),
        callDeadline,
        2,
        16,
        "",
        Duration.ofSeconds(10),
        Duration.ofMillis(300),
        Duration.ofSeconds(1),
        "",
        "last-known",
        20000);
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    await(what).atMost(PATIENCE).pollInterval(Duration.ofMillis(10)).until(condition::getAsBoolean);
  }

  static SignerCommand importCommand(String signer, String zone) {
    byte[] key = new byte[64];
    ThreadLocalRandom.current().nextBytes(key);
    DNSKEYRecord k =
        new DNSKEYRecord(
            Name.fromConstantString(zone),
            DClass.IN,
            10,
            DNSKEYRecord.Flags.ZONE_KEY,
            DNSKEYRecord.Protocol.DNSSEC,
            DNSSEC.Algorithm.ECDSAP256SHA256,
            key);
    GroupKey groupKey =
        new GroupKey(
            "other-signer",
            KeyRole.ZSK,
            new Dnskey(
                k.getFlags(),
                k.getProtocol(),
                k.getAlgorithm(),
                ByteBuffer.wrap(k.getKey()),
                k.getFootprint()));
    Envelope envelope =
        new Envelope(UUID.randomUUID().toString(), zone, Instant.now(), "restart-test", null, null);
    return new SignerCommand(
        envelope, zone + "#" + UUID.randomUUID(), signer, new ImportDnskeys(List.of(groupKey), 10));
  }
}
