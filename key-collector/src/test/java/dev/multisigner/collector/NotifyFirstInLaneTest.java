package dev.multisigner.collector;

import static dev.multisigner.collector.CollectorFixtures.failed;
import static dev.multisigner.collector.CollectorFixtures.observationsUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.collector.observe.ObservationScheduler;
import dev.multisigner.collector.observe.ObservationScheduler.Admission;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerObservation;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signer's lane takes a NOTIFY before the polls queued in it, on the embedded broker: a signer
 * whose nameserver accepts TCP and never answers, one lane thread, a one-second deadline per
 * observation. While the first zone's read hangs, polls of three more zones queue; a NOTIFY for the
 * last of them moves it to the front, so it is read (and fails) second, before the two polls.
 */
class NotifyFirstInLaneTest {

  private static final String SIGNER = "a-hanging";

  @TempDir Path dir;

  @Test
  void aNotifyIsReadBeforeThePollsQueuedAheadOfIt() throws Exception {
    try (EmbeddedKafka kafka = CollectorFixtures.broker(dir.resolve("kafka"));
        BlackHoleServer blackHole = new BlackHoleServer();
        TopicProbe probe = new TopicProbe(kafka.bootstrapServers())) {
      Map<String, Object> p =
          new HashMap<>(
              CollectorFixtures.rfc2136(
                  SIGNER,
                  blackHole.address(),
                  SIGNER + "-ddns",
                  "hmac-sha256",
                  "c2VjcmV0LW5vdC11c2Vk",
                  "PT10M"));
      p.put("multisigner.collector.max-concurrency-per-signer", 1);
      p.put("multisigner.collector.observation-timeout", "1s");
      p.put("multisigner.collector.poll-interval", "1h");
      try (ApplicationContext collector = CollectorFixtures.collector(kafka, p)) {
        ObservationScheduler scheduler = collector.getBean(ObservationScheduler.class);
        List<String> zones = List.of("q1.test.", "q2.test.", "q3.test.", "q4.test.");
        assertThat(
                scheduler.request(zones.get(0), SIGNER, ObservationSource.DNS_QUERY, Duration.ZERO))
            .isEqualTo(Admission.QUEUED);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> blackHole.accepted() > 0);
        for (String z : zones.subList(1, 4)) {
          assertThat(scheduler.request(z, SIGNER, ObservationSource.DNS_QUERY, Duration.ZERO))
              .isEqualTo(Admission.QUEUED);
        }

        // the last poll's observation already waits: the NOTIFY adds none, it moves that one up
        assertThat(scheduler.request("q4.test.", SIGNER, ObservationSource.NOTIFY, Duration.ZERO))
            .isEqualTo(Admission.COALESCED);

        Map<String, Instant> readAt = new HashMap<>();
        for (String z : zones) {
          List<SignerObservation> seen =
              observationsUntil(probe, z, l -> !failed(l, SIGNER).isEmpty());
          assertThat(failed(seen, SIGNER)).as("one failed read of %s", z).hasSize(1);
          readAt.put(
              z,
              seen.stream()
                  .filter(o -> o.getSignerId().equals(SIGNER))
                  .findFirst()
                  .orElseThrow()
                  .getEnvelope()
                  .getOccurredAt());
        }
        assertThat(readAt.get("q4.test."))
            .as("the notified zone is read right after the one that held the lane")
            .isAfter(readAt.get("q1.test."))
            .isBefore(readAt.get("q2.test."))
            .isBefore(readAt.get("q3.test."));
        assertThat(readAt.get("q2.test."))
            .as("polls keep their order")
            .isBefore(readAt.get("q3.test."));
        for (String z : zones) {
          assertThat(scheduler.busy(z, SIGNER)).as("%s: each read once, nothing left", z).isFalse();
        }
      }
    }
  }
}
