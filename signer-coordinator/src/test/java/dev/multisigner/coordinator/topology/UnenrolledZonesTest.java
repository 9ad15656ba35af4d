package dev.multisigner.coordinator.topology;

import static dev.multisigner.coordinator.topology.CoordinatorTopologyTest.enroll;
import static dev.multisigner.coordinator.topology.CoordinatorTopologyTest.key;
import static dev.multisigner.coordinator.topology.CoordinatorTopologyTest.observed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.schemas.avro.DsData;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.ParentDsObserved;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.avro.SignerObservation;
import dev.multisigner.schemas.topics.Topic;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 2, the coordinator's half: observations, signer results and parent events for zones
 * that were never enrolled leave nothing behind in the coordinator, neither in its stores (zone
 * state, timers, audit-chain heads) nor on the audit log, however many random zones they name,
 * valid records and ones the mapping rejects alike.
 */
class UnenrolledZonesTest {

  private static final String ZONE = "example.test.";
  private static final Instant T0 = Instant.parse("2026-11-29T20:00:00Z");

  @TempDir Path stateDir;
  private TopologyTestDriver driver;

  @BeforeEach
  void start() {
    driver = CoordinatorTopologyTest.driver(stateDir);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void tenThousandRecordsForRandomZonesLeaveTheStoresAndTheAuditLogAsTheyWere() {
    TestInputTopic<String, byte[]> intents = input(TopicCatalog.ZONE_INTENTS);
    TestInputTopic<String, byte[]> observations = input(TopicCatalog.SIGNER_OBSERVATIONS);
    TestInputTopic<String, byte[]> results = input(TopicCatalog.SIGNER_RESULTS);
    TestInputTopic<String, byte[]> dsEvents = input(TopicCatalog.DS_EVENTS);
    TestOutputTopic<String, byte[]> zoneEvents =
        driver.createOutputTopic(
            TopicCatalog.ZONE_EVENTS.name(),
            Serdes.String().deserializer(),
            Serdes.ByteArray().deserializer());
    intents.pipeInput(ZONE, encode(TopicCatalog.ZONE_INTENTS, enroll("rfc2136", "powerdns")));
    List<String> stateBefore = keys(CoordinatorTopology.STATE_STORE);
    List<String> auditBefore = keys(CoordinatorTopology.AUDIT_STORE);
    List<String> timersBefore = keys(CoordinatorTopology.TIMER_STORE);
    zoneEvents.readRecordsToList();

    for (int i = 0; i < 10_000; i++) {
      String zone = UUID.randomUUID() + ".test.";
      switch (i % 4) {
        case 0 ->
            observations.pipeInput(
                zone,
                encode(
                    TopicCatalog.SIGNER_OBSERVATIONS,
                    withZone(observed("knot-a", List.of(key("k" + i, 257))), zone)));
        case 1 ->
            // a signer id the mapping rejects (before: an InputRejected audit event and a chain
            // head for the zone)
            observations.pipeInput(
                zone,
                encode(
                    TopicCatalog.SIGNER_OBSERVATIONS,
                    withZone(observed("Not A Signer!", List.of(key("k" + i, 257))), zone)));
        case 2 ->
            results.pipeInput(
                zone,
                encode(
                    TopicCatalog.SIGNER_RESULTS,
                    new SignerCommandResult(
                        envelope(zone),
                        zone + "#1",
                        "knot-a",
                        new SignerCommandApplied("done", null, true, null))));
        default ->
            // an unsolicited DS set that did not validate: rejected by the mapping
            dsEvents.pipeInput(
                zone,
                encode(
                    TopicCatalog.DS_EVENTS,
                    new DsEvent(
                        envelope(zone),
                        null,
                        new ParentDsObserved(
                            List.of(new DsData(i, 13, 2, ByteBuffer.wrap(new byte[32]))),
                            false,
                            false,
                            3600))));
      }
    }

    assertThat(keys(CoordinatorTopology.STATE_STORE)).isEqualTo(stateBefore);
    assertThat(keys(CoordinatorTopology.AUDIT_STORE)).isEqualTo(auditBefore);
    assertThat(keys(CoordinatorTopology.TIMER_STORE)).isEqualTo(timersBefore);
    assertThat(zoneEvents.readKeyValuesToList()).allMatch(kv -> kv.key.equals(ZONE));
  }

  private List<String> keys(String store) {
    List<String> out = new ArrayList<>();
    try (KeyValueIterator<String, Object> it =
        driver.<String, Object>getKeyValueStore(store).all()) {
      while (it.hasNext()) {
        KeyValue<String, Object> kv = it.next();
        out.add(kv.key);
      }
    }
    return out;
  }

  private static SignerObservation withZone(SignerObservation o, String zone) {
    o.setEnvelope(envelope(zone));
    return o;
  }

  private static Envelope envelope(String zone) {
    return new Envelope(UUID.randomUUID().toString(), zone, T0, "test", null, null);
  }

  private TestInputTopic<String, byte[]> input(Topic<?> topic) {
    return driver.createInputTopic(
        topic.name(),
        Serdes.String().serializer(),
        Serdes.ByteArray().serializer(),
        T0,
        Duration.ZERO);
  }

  private static <V extends SpecificRecord> byte[] encode(Topic<V> topic, V value) {
    return topic.valueSerde().encode(value);
  }
}
