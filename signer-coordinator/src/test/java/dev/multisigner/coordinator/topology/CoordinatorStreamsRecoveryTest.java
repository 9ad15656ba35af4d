package dev.multisigner.coordinator.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multisigner.domain.decide.ZoneDecider;
import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's Streams client does not die silently (issue 12 item 6), on the real broker: it
 * waits out source topics created after its start, and a stream thread that fails on an error the
 * processor does not catch is replaced after a pause, during which /health is DOWN, and the new
 * thread processes the same input again.
 */
class CoordinatorStreamsRecoveryTest {

  private static final String ZONE = "example.test.";
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void survivesTopicsCreatedAfterItsStartAndReplacesAFailedStreamThread() throws Exception {
    AtomicBoolean failNextObservation = new AtomicBoolean(true);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        TopicProbe probe = new TopicProbe(kafka.bootstrapServers());
        CoordinatorStreams streams =
            new CoordinatorStreams(
                dev.multisigner.support.KafkaClientSettings.of(kafka.bootstrapServers()),
                "signer-coordinator",
                "recovery-test",
                dir.resolve("streams").toString(),
                Duration.ofSeconds(1),
                CoordinatorTuning.DEFAULTS,
                1,
                "",
                Duration.ofSeconds(10),
                Duration.ofMillis(500),
                Duration.ofSeconds(2),
                "",
                (state, input, now) -> {
                  // an Error, as a StackOverflowError in the core would be: not caught per input
                  if (input instanceof ZoneInput.SignerKeysObserved
                      && failNextObservation.compareAndSet(true, false)) {
                    throw new AssertionError("injected failure of the decider");
                  }
                  return ZoneDecider.decide(state, input, now);
                })) {
      // no topics yet: the threads fail on the missing source topics and are replaced, DOWN
      awaitTrue(() -> streams.threadFailures() > 0, "a stream thread fails on missing topics");
      assertThat(streams.state()).isNotEqualTo(KafkaStreams.State.ERROR);

      kafka.createTopics(TopicCatalog.all(), 2);
      awaitTrue(() -> up(streams), "RUNNING once the topics exist");

      probe.send(
          TopicCatalog.ZONE_INTENTS, ZONE, CoordinatorTopologyTest.enroll("rfc2136", "powerdns"));
      int failuresBefore = streams.threadFailures();
      probe.send(
          TopicCatalog.SIGNER_OBSERVATIONS,
          ZONE,
          CoordinatorTopologyTest.observed(
              "knot-a",
              List.of(
                  CoordinatorTopologyTest.key("a.ksk", 257),
                  CoordinatorTopologyTest.key("a.zsk", 256))));

      awaitTrue(() -> !up(streams), "DOWN while the failed thread waits to be replaced");
      List<ZoneEvent> events =
          probe.readUntil(
              TopicCatalog.ZONE_EVENTS,
              ZONE,
              l -> l.stream().anyMatch(e -> e.getType().equals("KeyObserved")),
              PATIENCE);
      assertThat(events).extracting(ZoneEvent::getType).contains("ZoneEnrolled", "KeyObserved");
      assertThat(failNextObservation).isFalse();
      assertThat(streams.threadFailures()).isEqualTo(failuresBefore + 1);
      awaitTrue(() -> up(streams), "UP again with the replacement thread");
    }
  }

  private static boolean up(CoordinatorStreams streams) {
    return streams.healthy();
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    await(what).atMost(PATIENCE).pollInterval(Duration.ofMillis(10)).until(condition::getAsBoolean);
  }
}
