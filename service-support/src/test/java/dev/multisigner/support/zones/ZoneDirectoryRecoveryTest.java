package dev.multisigner.support.zones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.AddSigner;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zone directory survives what used to leave it empty for good (issue 12 item 6): a broker that
 * is not up when the service starts (its reader fails, reports DOWN and starts again) and an
 * intents topic created after the start (read from its beginning once it exists). Real broker.
 */
class ZoneDirectoryRecoveryTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void readsIntentsOnceTheBrokerAndTheTopicExistAndIsDownUntilThen() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ZoneDirectory directory =
        new ZoneDirectory("127.0.0.1:" + port, Duration.ofMillis(200), Duration.ofSeconds(1));
    directory.start();
    try {
      awaitTrue(() -> !directory.reading(), "DOWN while the broker is unreachable");
      assertThat(directory.getHealthInformation()).containsKey("lastFailure");

      try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), port);
          TopicProbe probe = new TopicProbe(kafka.bootstrapServers())) {
        awaitTrue(directory::reading, "UP once the broker answers, with no intents topic yet");
        assertThat(directory.zones()).isEmpty();

        kafka.createTopics(List.of(TopicCatalog.ZONE_INTENTS), 2);
        String zone = "late.directory.test.";
        probe.send(
            TopicCatalog.ZONE_INTENTS,
            zone,
            new ZoneIntent(
                new Envelope(UUID.randomUUID().toString(), zone, Instant.now(), "test", null, null),
                new AddSigner(new SignerSpec("knot-a", "rfc2136", 13, List.of()))));

        awaitTrue(() -> directory.zones().containsKey(zone), "the zone of an intent on the topic");
        assertThat(directory.zones()).containsEntry(zone, Set.of("knot-a"));
        assertThat(directory.reading()).isTrue();
      } finally {
        directory.stop();
      }
    } finally {
      directory.stop();
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    await(what).atMost(PATIENCE).pollInterval(Duration.ofMillis(10)).until(condition::getAsBoolean);
  }
}
