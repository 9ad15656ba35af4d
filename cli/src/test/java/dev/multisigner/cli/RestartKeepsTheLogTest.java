package dev.multisigner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multisigner up} twice on the same data directory: the topics keep their records and the
 * coordinator keeps the zone's state (an observation after the restart is decided against the
 * enrollment made before it).
 */
class RestartKeepsTheLogTest {

  private static final String ZONE = "restart.test.";

  @TempDir Path dataDir;

  @Test
  void topicsAndCoordinatorStateSurviveAStopAndStart() {
    ZoneIntent enroll = Demo.enroll(ZONE);
    try (LocalStack stack = LocalStack.start(LocalStack.Settings.embedded(dataDir));
        TopicProbe probe = new TopicProbe(stack.bootstrapServers())) {
      probe.send(TopicCatalog.ZONE_INTENTS, ZONE, enroll);
      assertThat(
              probe.readUntil(
                  TopicCatalog.ZONE_EVENTS, ZONE, l -> !l.isEmpty(), Duration.ofSeconds(60)))
          .extracting(ZoneEvent::getType)
          .containsExactly("ZoneEnrolled");
    }

    try (LocalStack again = LocalStack.start(LocalStack.Settings.embedded(dataDir));
        TopicProbe probe = new TopicProbe(again.bootstrapServers())) {
      assertThat(
              probe.readUntil(
                  TopicCatalog.ZONE_INTENTS, ZONE, l -> !l.isEmpty(), Duration.ofSeconds(30)))
          .extracting(i -> i.getEnvelope().getEventId())
          .containsExactly(enroll.getEnvelope().getEventId());

      Dnskey ksk = TestRecords.key("restart.ksk", 257);
      Dnskey zsk = TestRecords.key("restart.zsk", 256);
      probe.send(
          TopicCatalog.SIGNER_OBSERVATIONS,
          ZONE,
          TestRecords.observed(ZONE, "knot-a", List.of(ksk, zsk), ksk, zsk));
      List<ZoneEvent> events =
          probe.readUntil(
              TopicCatalog.ZONE_EVENTS,
              ZONE,
              l -> l.stream().anyMatch(e -> e.getType().equals("KeyObserved")),
              Duration.ofSeconds(60));
      assertThat(events).extracting(ZoneEvent::getType).startsWith("ZoneEnrolled");
      assertThat(events)
          .filteredOn(e -> e.getType().equals("KeyObserved"))
          .first()
          .satisfies(e -> assertThat(e.getSummary()).contains("signer=knot-a"));
    }
  }
}
