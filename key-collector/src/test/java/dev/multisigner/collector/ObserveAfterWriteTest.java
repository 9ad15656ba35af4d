package dev.multisigner.collector;

import static dev.multisigner.collector.CollectorFixtures.observationsUntil;
import static dev.multisigner.collector.CollectorFixtures.observed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandFailed;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import dev.multisigner.schemas.topics.TopicCatalog;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer's "applied" result makes the collector observe that zone at that signer at once, against
 * a real Knot 3.2 on the embedded broker. Polls are an hour apart and NOTIFY is off, so every
 * observation here comes from a result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObserveAfterWriteTest {

  private static final String ZONE = "example.test.";
  private static final String OTHER = "other.test.";
  private static final String KNOT = "knot-a";

  @TempDir static Path dir;
  private DnsLab lab;
  private EmbeddedKafka kafka;
  private ApplicationContext collector;
  private TopicProbe probe;

  @BeforeAll
  void start() {
    lab = DnsLab.builder().zone(ZONE).knotSigner(KNOT).start();
    kafka = CollectorFixtures.broker(dir.resolve("kafka"));
    Map<String, Object> p = new HashMap<>(CollectorFixtures.knot(KNOT, lab.knot(KNOT)));
    p.put("multisigner.collector.poll-interval", "1h");
    p.put("multisigner.collector.poll-initial-delay", "1h");
    p.put("multisigner.collector.notify.enabled", false);
    p.put("multisigner.collector.observe-after-write", true);
    collector = CollectorFixtures.collector(kafka, p);
    probe = new TopicProbe(kafka.bootstrapServers());
    CollectorFixtures.enroll(probe, ZONE, List.of(KNOT));
    CollectorFixtures.enroll(probe, OTHER, List.of(KNOT));
    CollectorFixtures.awaitManaged(collector, ZONE);
    CollectorFixtures.awaitManaged(collector, OTHER);
  }

  @AfterAll
  void stop() throws Exception {
    if (probe != null) {
      probe.close();
    }
    if (collector != null) {
      collector.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void anAppliedCommandIsFollowedByAnObservationOfThatSignerWithoutWaitingForAPoll() {
    probe.send(
        TopicCatalog.SIGNER_RESULTS,
        ZONE,
        result(ZONE, KNOT, new SignerCommandApplied("+ key", null, true, null)));
    List<SignerKeysObserved> seen =
        observed(observationsUntil(probe, ZONE, l -> !observed(l, KNOT).isEmpty()), KNOT);
    assertThat(seen).isNotEmpty();
    assertThat(seen.get(0).getSource()).isEqualTo(ObservationSource.REQUEST);
    assertThat(seen.get(0).getDnskeys()).isNotEmpty();
  }

  @Test
  void aFailedCommandOneThatChangedNothingAnotherSignerOrAZoneNotManagedCausesNoObservation()
      throws Exception {
    probe.send(
        TopicCatalog.SIGNER_RESULTS,
        OTHER,
        result(OTHER, KNOT, new SignerCommandFailed("refused", true)));
    // the decider counts the observation it holds as taken after a command that changed nothing
    probe.send(
        TopicCatalog.SIGNER_RESULTS,
        OTHER,
        result(OTHER, KNOT, new SignerCommandApplied("no change", null, false, null)));
    probe.send(
        TopicCatalog.SIGNER_RESULTS,
        OTHER,
        result(OTHER, "pdns-z", new SignerCommandApplied("+ key", null, true, null)));
    probe.send(
        TopicCatalog.SIGNER_RESULTS,
        "unmanaged.test.",
        result("unmanaged.test.", KNOT, new SignerCommandApplied("+ key", null, true, null)));
    // the reader is at the topic's end: an applied result for ZONE sent after these is observed,
    // so the four above were read (same reader, earlier offsets of their partitions) by then
    probe.send(
        TopicCatalog.SIGNER_RESULTS,
        ZONE,
        result(ZONE, KNOT, new SignerCommandApplied("+ k", null, true, null)));
    observationsUntil(probe, ZONE, l -> !observed(l, KNOT).isEmpty());
    Thread.sleep(3000);
    assertThat(probe.readAll(TopicCatalog.SIGNER_OBSERVATIONS, OTHER, Duration.ofSeconds(3)))
        .isEmpty();
    assertThat(
            probe.readAll(
                TopicCatalog.SIGNER_OBSERVATIONS, "unmanaged.test.", Duration.ofSeconds(3)))
        .isEmpty();
  }

  private static SignerCommandResult result(String zone, String signer, Object outcome) {
    return new SignerCommandResult(
        new Envelope(UUID.randomUUID().toString(), zone, Instant.now(), "writer-test", null, null),
        zone + "#1",
        signer,
        outcome);
  }
}
