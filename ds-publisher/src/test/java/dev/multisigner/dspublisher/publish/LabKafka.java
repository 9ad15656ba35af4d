package dev.multisigner.dspublisher.publish;

import dev.multisigner.dspublisher.parent.ParentConfig;
import dev.multisigner.dspublisher.parent.Parents;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import dev.multisigner.support.signers.SignerRegistry;
import dev.multisigner.support.zones.ZoneDirectory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The broker side of the ds-publisher's lab tests: an embedded broker with every catalog topic, the
 * event log the ds-publisher appends to, the publication and watcher wired to a parent, and a probe
 * that reads the DS events back.
 */
final class LabKafka implements AutoCloseable {

  private final EmbeddedKafka kafka;
  private final KafkaProducer<String, byte[]> producer;
  private final TopicProbe probe;

  private LabKafka(EmbeddedKafka kafka) {
    this.kafka = kafka;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
    this.probe = new TopicProbe(kafka.bootstrapServers());
  }

  static LabKafka start(Path dir) {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
    kafka.createTopics(TopicCatalog.all(), 1);
    return new LabKafka(kafka);
  }

  /**
   * A DsPublication for {@code config} whose child serves no KSK (every DS change is refused): 5
   * reads 100 ms apart per verify server.
   */
  DsPublication publication(ParentConfig config) {
    return publication(config, zone -> List.of());
  }

  /** A DsPublication for {@code config} whose child's KSKs come from {@code ksks}. */
  DsPublication publication(ParentConfig config, ChildKsks ksks) {
    return publication(config, ksks, zone -> Map.of());
  }

  /**
   * A DsPublication for {@code config} whose child's KSKs come from {@code ksks} and its signers'
   * CDS from {@code cds} (waited for up to 3 s before a NOTIFY(CDS)).
   */
  DsPublication publication(ParentConfig config, ChildKsks ksks, SignerCds cds) {
    return new DsPublication(
        new Parents(List.of(config)),
        new EventLog(producer),
        envelopes(),
        Clock.systemUTC(),
        ksks,
        new CdsNotification(
            cds,
            Clock.systemUTC(),
            Duration.ofSeconds(3),
            Duration.ofMillis(100),
            Duration.ofSeconds(30)),
        5,
        Duration.ofMillis(100),
        2,
        64);
  }

  /**
   * The child's KSKs as the lab's Knot signers serve them, read through their RFC 2136 adapters,
   * with {@code zone} enrolled on them.
   */
  ChildKsks childOf(DnsLab lab, String zone) {
    ZoneDirectory directory = new ZoneDirectory(kafka.bootstrapServers());
    directory.apply(zone, enroll(zone, lab.signers().stream().map(s -> s.id()).toList()));
    return new SignerChildKsks(directory, new SignerRegistry(LabChild.signerConfig(lab)));
  }

  /**
   * A ParentWatcher for {@code config} that knows {@code zone} as enrolled on two signers and reads
   * it on every pass.
   */
  ParentWatcher watcher(ParentConfig config, String zone) {
    return watcher(config, zone, Duration.ZERO, Duration.ZERO);
  }

  /** The same, reading a settled zone every {@code settledInterval}. */
  ParentWatcher watcher(
      ParentConfig config, String zone, Duration settledInterval, Duration busyFor) {
    ZoneDirectory directory = new ZoneDirectory(kafka.bootstrapServers());
    directory.apply(zone, enroll(zone));
    return new ParentWatcher(
        directory,
        new Parents(List.of(config)),
        new EventLog(producer),
        envelopes(),
        Clock.systemUTC(),
        4,
        settledInterval,
        busyFor);
  }

  /** Every DS event of the zone on the topic now. */
  List<DsEvent> dsEvents(String zone) {
    return probe.readAll(TopicCatalog.DS_EVENTS, zone, Duration.ofSeconds(30));
  }

  private static Envelopes envelopes() {
    return new Envelopes("ds-publisher", Clock.systemUTC());
  }

  private static ZoneIntent enroll(String zone) {
    return enroll(zone, List.of("knot-a", "pdns-b"));
  }

  /** An EnrollZone of {@code zone} on {@code signers} (kind knot), algorithm 13. */
  static ZoneIntent enroll(String zone, List<String> signers) {
    return new ZoneIntent(
        new Envelope("e-1", zone, Instant.now(), "test", null, null),
        new EnrollZone(
            signers.stream()
                .map(id -> new SignerSpec(id, "knot", 13, List.of(id + "." + zone)))
                .toList(),
            GroupPolicy.newBuilder().setAlgorithm(13).build()));
  }

  @Override
  public void close() {
    probe.close();
    producer.close();
    kafka.close();
  }
}
