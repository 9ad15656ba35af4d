package dev.multisigner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.DsChangeRequested;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.DsRequest;
import dev.multisigner.schemas.avro.ParentDsObserved;
import dev.multisigner.schemas.avro.ParentNsObserved;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;

/**
 * The real embedded broker, the three services in one JVM, a real BIND parent and a real Knot
 * signer: an intent and observations go in on the topics; zone events, a DS request, the parent's
 * DS RRset and the ds-publisher's report come out, decoded with the schemas.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogFlowIntegrationTest {

  private static final String ZONE = "example.test.";

  @TempDir static Path dataDir;
  private DnsLab lab;
  private LocalStack stack;
  private TopicProbe probe;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    lab = DnsLab.builder().zone(ZONE).knotSigner("knot-a").withParent().start();
    BindParent parent = lab.parent();
    Map<String, Object> parentConfig =
        Map.of(
            "multisigner.ds-publisher.parents.lab.zone", parent.zone().toString(),
            "multisigner.ds-publisher.parents.lab.server",
                "127.0.0.1:" + parent.dnsAddress().getPort(),
            "multisigner.ds-publisher.parents.lab.tsig-key-name", parent.tsig().name(),
            "multisigner.ds-publisher.parents.lab.tsig-algorithm", parent.tsig().algorithm(),
            "multisigner.ds-publisher.parents.lab.tsig-secret", parent.tsig().secret(),
            "multisigner.ds-publisher.parents.lab.trust-anchor",
                parent.trustAnchor().get(0).rdataToString(),
            "multisigner.ds-publisher.parents.lab.ds-ttl", 60);
    // The ds-publisher reads the child's KSKs at its signers: it writes only DS sets covering one.
    Map<String, Object> dsPublisher = new java.util.HashMap<>(parentConfig);
    LabWiring.signers(lab).forEach(dsPublisher::put);
    stack =
        LocalStack.start(
            LocalStack.Settings.embedded(dataDir)
                .withServiceProperties(Service.DS_PUBLISHER, dsPublisher));
    probe = new TopicProbe(stack.bootstrapServers());
  }

  @AfterAll
  void stop() {
    if (probe != null) {
      probe.close();
    }
    if (stack != null) {
      stack.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void everyServiceAnswersHealthUpAndServesPrometheusMetrics() throws Exception {
    for (Service service : Service.values()) {
      HttpResponse<String> health = get(stack.url(service) + "/health");
      assertThat(health.statusCode()).as(service.name()).isEqualTo(200);
      assertThat(health.body()).contains("\"status\":\"UP\"").contains("capabilities");
      HttpResponse<String> metrics = get(stack.url(service) + "/prometheus");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("jvm_memory_used_bytes");
    }
    assertThat(get(stack.url(Service.SIGNER_COORDINATOR) + "/health").body())
        .contains("coordinatorStreams")
        .contains("not built yet");
  }

  @Test
  void anIntentAndObservationsBecomeZoneEventsADsRequestAndTheParentsDs() throws Exception {
    Dnskey aKsk = servedKsk(lab.knot("knot-a"));
    Dnskey aZsk = TestRecords.key("a.zsk", 256);
    Dnskey bKsk = TestRecords.key("b.ksk", 257);
    Dnskey bZsk = TestRecords.key("b.zsk", 256);
    ZoneIntent enroll = Demo.enroll(ZONE);
    probe.send(TopicCatalog.ZONE_INTENTS, ZONE, enroll);
    // The parent delegates to knot-a only: pdns-b joins (draft-ietf-dnsop-dnssec-automation).
    probe.send(
        TopicCatalog.DS_EVENTS,
        ZONE,
        new DsEvent(
            TestRecords.envelope(ZONE),
            null,
            new ParentNsObserved(List.of("ns1.example.test."), 0)));
    // ... and holds the DS of knot-a's KSK, as the ds-publisher would have observed.
    probe.send(
        TopicCatalog.DS_EVENTS,
        ZONE,
        new DsEvent(
            TestRecords.envelope(ZONE),
            null,
            new ParentDsObserved(List.of(ds(aKsk)), true, true, 0)));
    // Each signer as the collector would see it: first its own keys, then the imported ZSK.
    probe.send(
        TopicCatalog.SIGNER_OBSERVATIONS,
        ZONE,
        TestRecords.observed(ZONE, "knot-a", List.of(aKsk, aZsk), aKsk, aZsk));
    probe.send(
        TopicCatalog.SIGNER_OBSERVATIONS,
        ZONE,
        TestRecords.observed(ZONE, "pdns-b", List.of(bKsk, bZsk, aZsk), bKsk, bZsk));
    probe.send(
        TopicCatalog.SIGNER_OBSERVATIONS,
        ZONE,
        TestRecords.observed(ZONE, "knot-a", List.of(aKsk, aZsk, bZsk), aKsk, aZsk));

    List<ZoneEvent> events =
        probe.readUntil(
            TopicCatalog.ZONE_EVENTS,
            ZONE,
            l -> l.stream().anyMatch(e -> e.getType().equals("DsChangeRequested")),
            Duration.ofSeconds(60));
    assertThat(events)
        .extracting(ZoneEvent::getType)
        .startsWith("ZoneEnrolled")
        .contains("KeyObserved", "DsChangeRequested");
    assertThat(events.get(0).getEnvelope().getCausationId())
        .isEqualTo(enroll.getEnvelope().getEventId());

    List<DsRequest> requests =
        probe.readUntil(TopicCatalog.DS_REQUESTS, ZONE, l -> !l.isEmpty(), Duration.ofSeconds(30));
    DsChangeRequested change = (DsChangeRequested) requests.get(0).getRequest();
    assertThat(change.getDesiredDs())
        .extracting(d -> d.getKeyTag())
        .containsExactlyInAnyOrder(aKsk.getKeyTag(), bKsk.getKeyTag());

    List<DsEvent> reports =
        probe.readUntil(
            TopicCatalog.DS_EVENTS,
            ZONE,
            l -> l.stream().anyMatch(e -> e.getEvent() instanceof ParentDsObserved),
            Duration.ofSeconds(60));
    ParentDsObserved observed =
        reports.stream()
            .map(DsEvent::getEvent)
            .filter(ParentDsObserved.class::isInstance)
            .map(ParentDsObserved.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(observed.getMatchesRequest()).isTrue();
    assertThat(observed.getValidated()).isTrue();
    assertThat(lab.parent().ds())
        .extracting(DSRecord::getFootprint)
        .containsExactlyInAnyOrder(aKsk.getKeyTag(), bKsk.getKeyTag());
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The KSK {@code knot} serves, as the collector would report it. */
  private static Dnskey servedKsk(KnotSigner knot) throws java.io.IOException {
    org.xbill.DNS.Message m =
        AuthoritativeDns.query(
            knot.dnsAddress(), knot.zone(), org.xbill.DNS.Type.DNSKEY, Duration.ofSeconds(5));
    DNSKEYRecord k =
        AuthoritativeDns.answer(m, knot.zone(), org.xbill.DNS.Type.DNSKEY).rrs().stream()
            .map(DNSKEYRecord.class::cast)
            .filter(r -> r.getFlags() == 257)
            .findFirst()
            .orElseThrow();
    return new Dnskey(
        k.getFlags(),
        k.getProtocol(),
        k.getAlgorithm(),
        ByteBuffer.wrap(k.getKey()),
        k.getFootprint());
  }

  private static dev.multisigner.schemas.avro.DsData ds(Dnskey key) {
    return TestRecords.ds(ZONE, key);
  }
}
