package dev.multisigner.dspublisher.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.dspublisher.parent.DnsUpdateParent;
import dev.multisigner.dspublisher.parent.LabParentConfig;
import dev.multisigner.dspublisher.parent.Parents;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.ParentDsObserved;
import dev.multisigner.schemas.avro.ParentNsObserved;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import dev.multisigner.support.zones.ZoneDirectory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/**
 * The parent watcher against a real BIND parent that rotates the order of the DS RRset between
 * answers: a different order is not a change, so it is reported once, not on every tick.
 */
class ParentWatcherLabTest {

  private static final String ZONE = "example.test.";
  private static final Name CHILD = Name.fromConstantString(ZONE);

  @TempDir Path dir;

  @Test
  void reportsTheParentsDsAndNsOnceWhateverOrderTheParentAnswersIn() {
    try (DnsLab lab = DnsLab.builder().zone(ZONE).withParent().workDir(dir.resolve("lab")).start();
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG,
                    "all"),
                new StringSerializer(),
                new ByteArraySerializer());
        TopicProbe probe = new TopicProbe(kafka.bootstrapServers())) {
      kafka.createTopics(TopicCatalog.all(), 1);
      DnsUpdateParent parent =
          new DnsUpdateParent(LabParentConfig.of(lab.parent(), lab.parent().tsig().secret()));
      parent.replaceDs(CHILD, List.of(ds(11111, 1), ds(22222, 2), ds(33333, 3)));
      Set<List<Integer>> orders = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        orders.add(
            parent.readDs(CHILD, Instant.now()).ds().stream().map(DSRecord::getFootprint).toList());
      }
      // Without a rotating parent this test would prove nothing.
      assertThat(orders).as("the parent rotates the DS RRset").hasSizeGreaterThan(1);

      ZoneDirectory directory = new ZoneDirectory(kafka.bootstrapServers());
      directory.apply(ZONE, enroll());
      ParentWatcher watcher =
          new ParentWatcher(
              directory,
              new Parents(List.of(LabParentConfig.of(lab.parent(), lab.parent().tsig().secret()))),
              new EventLog(producer),
              new Envelopes("ds-publisher", Clock.systemUTC()),
              Clock.systemUTC());
      for (int i = 0; i < 10; i++) {
        watcher.watch();
      }

      List<DsEvent> events = probe.readAll(TopicCatalog.DS_EVENTS, ZONE, Duration.ofSeconds(30));
      assertThat(events.stream().filter(e -> e.getEvent() instanceof ParentDsObserved))
          .singleElement()
          .satisfies(
              e -> {
                ParentDsObserved ds = (ParentDsObserved) e.getEvent();
                assertThat(ds.getValidated()).isTrue();
                assertThat(ds.getDs())
                    .extracting(d -> d.getKeyTag())
                    .containsExactly(11111, 22222, 33333);
              });
      assertThat(events.stream().filter(e -> e.getEvent() instanceof ParentNsObserved)).hasSize(1);
    }
  }

  private static ZoneIntent enroll() {
    return new ZoneIntent(
        new Envelope("e-1", ZONE, Instant.now(), "test", null, null),
        new EnrollZone(
            List.of(
                new SignerSpec("knot-a", "knot", 13, List.of("ns1." + ZONE)),
                new SignerSpec("pdns-b", "powerdns", 13, List.of("ns2." + ZONE))),
            GroupPolicy.newBuilder().setAlgorithm(13).build()));
  }

  private static DSRecord ds(int tag, int fill) {
    byte[] digest = new byte[32];
    java.util.Arrays.fill(digest, (byte) fill);
    return new DSRecord(CHILD, DClass.IN, 60, tag, 13, 2, digest);
  }
}
