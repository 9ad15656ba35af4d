package dev.multisigner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import dev.multisigner.schemas.avro.SignerObservation;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

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

      probe.send(TopicCatalog.SIGNER_OBSERVATIONS, ZONE, observed("knot-a", 257, "k"));
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

  private static SignerObservation observed(String signer, int flags, String seed) {
    byte[] key = new byte[64];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (seed.hashCode() + i * 7);
    }
    int tag = new DNSKEYRecord(Name.root, DClass.IN, 0, flags, 3, 13, key).getFootprint();
    Dnskey dnskey = new Dnskey(flags, 3, 13, ByteBuffer.wrap(key), tag);
    return new SignerObservation(
        new Envelope(UUID.randomUUID().toString(), ZONE, Instant.now(), "test", null, null),
        signer,
        SignerKeysObserved.newBuilder()
            .setDnskeys(List.of(dnskey))
            .setDnskeySignerTags(List.of(tag))
            .setZoneSignerTags(List.of(tag))
            .setNameservers(List.of("ns1." + ZONE))
            .setSource(ObservationSource.DNS_QUERY)
            .build());
  }
}
