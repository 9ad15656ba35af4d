package dev.multisigner.collector;

import static dev.multisigner.collector.CollectorFixtures.observed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.collector.observe.ObservationService;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import dev.multisigner.schemas.topics.TopicCatalog;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /observations} over real HTTP, on the embedded broker and a real Knot (issue 12 item
 * 2): closed without a configured token, 401 without the right one, no caller-chosen address, and
 * nothing read, published or kept for a zone that is not under management.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObserveEndpointTest {

  private static final String ZONE = "example.test.";
  private static final String KNOT = "knot-a";
  private static final String TOKEN = "observe-token-8d2f61a9";

  @TempDir static Path dir;
  private DnsLab lab;
  private EmbeddedKafka kafka;
  private EmbeddedServer open;
  private EmbeddedServer closed;
  private TopicProbe probe;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    lab = DnsLab.builder().zone(ZONE).knotSigner(KNOT).start();
    kafka = CollectorFixtures.broker(dir.resolve("kafka"));
    Path tokenFile = dir.resolve("observe-token");
    Files.writeString(tokenFile, TOKEN + "\n");
    Map<String, Object> p = new HashMap<>(CollectorFixtures.knot(KNOT, lab.knot(KNOT)));
    // no polls during the test: what is published comes from the requests
    p.put("multisigner.collector.poll-interval", "1h");
    p.put("multisigner.collector.poll-initial-delay", "1h");
    Map<String, Object> withToken = new HashMap<>(p);
    withToken.put("multisigner.collector.observe.token", "file:" + tokenFile);
    open = server(withToken);
    closed = server(p);
    probe = new TopicProbe(kafka.bootstrapServers());
    CollectorFixtures.enroll(probe, ZONE, List.of(KNOT));
    CollectorFixtures.awaitManaged(open.getApplicationContext(), ZONE);
    CollectorFixtures.awaitManaged(closed.getApplicationContext(), ZONE);
  }

  private EmbeddedServer server(Map<String, Object> properties) {
    Map<String, Object> p = new HashMap<>(properties);
    p.put("micronaut.server.port", -1);
    p.put("micronaut.server.host", "127.0.0.1");
    ApplicationContext c = CollectorFixtures.collector(kafka, p);
    return c.getBean(EmbeddedServer.class).start();
  }

  @AfterAll
  void stop() {
    if (probe != null) {
      probe.close();
    }
    for (EmbeddedServer s : new EmbeddedServer[] {open, closed}) {
      if (s != null) {
        s.getApplicationContext().close();
      }
    }
    if (kafka != null) {
      kafka.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void forgedOrUnauthenticatedPostsWriteNothingToTheObservationsTopic() throws Exception {
    long before = observationRecords();
    String good = body(ZONE, KNOT, null);
    assertThat(post(closed, good, "Bearer " + TOKEN).statusCode()).isEqualTo(403);
    assertThat(post(open, good, null).statusCode()).isEqualTo(401);
    assertThat(post(open, good, "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(post(open, good, "bearer " + TOKEN).statusCode()).isEqualTo(401);
    HttpResponse<String> ssrf =
        post(open, body(ZONE, KNOT, "169.254.169.254:53"), "Bearer " + TOKEN);
    assertThat(ssrf.statusCode()).isEqualTo(400);
    assertThat(ssrf.body()).contains("zone=" + ZONE).contains("server is not accepted");
    assertThat(post(open, body(ZONE, "not-a-signer", null), "Bearer " + TOKEN).statusCode())
        .isEqualTo(404);
    HttpResponse<String> unmanaged = post(open, body("other.test", KNOT, null), "Bearer " + TOKEN);
    assertThat(unmanaged.statusCode()).isEqualTo(404);
    assertThat(unmanaged.body()).contains("zone=other.test.").doesNotContain(TOKEN);
    assertThat(observationRecords()).isEqualTo(before);
  }

  @Test
  void manyPostsForZonesNotUnderManagementLeaveTheCollectorsStateFlat() throws Exception {
    ObservationService service = open.getApplicationContext().getBean(ObservationService.class);
    long records = observationRecords();
    int pairs = service.pairsHeld();
    for (int i = 0; i < 10_000; i++) {
      HttpResponse<String> r =
          post(open, body(UUID.randomUUID() + ".test", KNOT, null), "Bearer " + TOKEN);
      assertThat(r.statusCode()).isEqualTo(404);
    }
    assertThat(service.pairsHeld()).isEqualTo(pairs);
    assertThat(observationRecords()).isEqualTo(records);
  }

  @Test
  void anAuthenticatedPostObservesTheConfiguredSignerOfAManagedZone() throws Exception {
    HttpResponse<String> ok = post(open, body(ZONE, KNOT, null), "Bearer " + TOKEN);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("\"zone\":\"" + ZONE + "\"");

    KnotSigner knot = lab.knot(KNOT);
    List<SignerKeysObserved> seen =
        observed(
            CollectorFixtures.observationsUntil(
                probe,
                ZONE,
                l ->
                    observed(l, KNOT).stream()
                        .anyMatch(o -> o.getSource() == ObservationSource.REQUEST)),
            KNOT);
    SignerKeysObserved keys =
        seen.stream()
            .filter(o -> o.getSource() == ObservationSource.REQUEST)
            .findFirst()
            .orElseThrow();
    assertThat(keys.getDnskeys())
        .extracting(Dnskey::getKeyTag)
        .containsExactlyInAnyOrderElementsOf(
            knot.keymgrList().stream().map(k -> k.keyTag()).toList());
  }

  private long observationRecords() {
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          c.partitionsFor(TopicCatalog.Names.SIGNER_OBSERVATIONS, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      return c.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static String body(String zone, String signer, String server) {
    return "{\"zone\":\""
        + zone
        + "\",\"signer\":\""
        + signer
        + "\""
        + (server == null ? "" : ",\"server\":\"" + server + "\"")
        + "}";
  }

  private HttpResponse<String> post(EmbeddedServer server, String json, String authorization)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.getURL() + "/observations"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
