package dev.multisigner.cli;

import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.ParentDsObserved;
import dev.multisigner.schemas.avro.ParentNsObserved;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real coordinator (Kafka Streams, operator API, status page) on the embedded broker, with the
 * collector's and the ds-publisher's reports written onto their topics by the test (as in {@link
 * LogFlowIntegrationTest}): enough to make real zone events and a real zone state, and fast.
 */
final class CoordinatorWorld implements AutoCloseable {

  final LocalStack stack;
  final TopicProbe probe;

  CoordinatorWorld(Path dir, Map<String, Object> coordinatorProperties) {
    stack =
        LocalStack.start(
            new LocalStack.Settings(
                    dir,
                    0,
                    Optional.empty(),
                    3,
                    Map.of(),
                    Map.of(),
                    EnumSet.of(Service.SIGNER_COORDINATOR))
                .withServiceProperties(Service.SIGNER_COORDINATOR, coordinatorProperties));
    probe = new TopicProbe(stack.bootstrapServers());
  }

  String coordinatorUrl() {
    return stack.url(Service.SIGNER_COORDINATOR);
  }

  /**
   * Enrolls {@code zone} on knot-a + pdns-b with the parent holding knot-a's DS, and each signer
   * observed serving the other's keys, until the coordinator asks for the new DS set.
   */
  List<ZoneEvent> enroll(String zone) {
    Dnskey aKsk = TestRecords.key(zone + "a.ksk", 257);
    Dnskey aZsk = TestRecords.key(zone + "a.zsk", 256);
    Dnskey bKsk = TestRecords.key(zone + "b.ksk", 257);
    Dnskey bZsk = TestRecords.key(zone + "b.zsk", 256);
    probe.send(TopicCatalog.ZONE_INTENTS, zone, Demo.enroll(zone));
    probe.send(
        TopicCatalog.DS_EVENTS,
        zone,
        new DsEvent(
            TestRecords.envelope(zone), null, new ParentNsObserved(List.of("ns1." + zone), 0)));
    parentDs(zone, aKsk);
    // model 2 shares every key, KSKs too (issue 16): the DS set is asked once both serve all four
    observe(zone, "knot-a", List.of(aKsk, aZsk), aKsk, aZsk);
    observe(zone, "pdns-b", List.of(bKsk, bZsk, aKsk, aZsk), bKsk, bZsk);
    observe(zone, "knot-a", List.of(aKsk, aZsk, bKsk, bZsk), aKsk, aZsk);
    return probe.readUntil(
        TopicCatalog.ZONE_EVENTS,
        zone,
        l -> l.stream().anyMatch(e -> e.getType().equals("DsChangeRequested")),
        Duration.ofSeconds(90));
  }

  /** What the collector would publish for the signer. */
  void observe(String zone, String signer, List<Dnskey> keys, Dnskey ksk, Dnskey zsk) {
    probe.send(
        TopicCatalog.SIGNER_OBSERVATIONS, zone, TestRecords.observed(zone, signer, keys, ksk, zsk));
  }

  /** What the collector would publish for a signer that also serves this NS set and CDS/CDNSKEY. */
  void observe(
      String zone,
      String signer,
      List<Dnskey> keys,
      Dnskey ksk,
      Dnskey zsk,
      List<String> nameservers,
      List<Dnskey> cdsKeys) {
    probe.send(
        TopicCatalog.SIGNER_OBSERVATIONS,
        zone,
        TestRecords.observed(zone, signer, keys, ksk, zsk, nameservers, cdsKeys));
  }

  /** What the ds-publisher would report: the parent now holds the DS of {@code ksks}. */
  void parentDs(String zone, Dnskey... ksks) {
    probe.send(
        TopicCatalog.DS_EVENTS,
        zone,
        new DsEvent(
            TestRecords.envelope(zone),
            null,
            new ParentDsObserved(
                java.util.Arrays.stream(ksks).map(k -> TestRecords.ds(zone, k)).toList(),
                true,
                true,
                0)));
  }

  @Override
  public void close() {
    probe.close();
    stack.close();
  }
}
