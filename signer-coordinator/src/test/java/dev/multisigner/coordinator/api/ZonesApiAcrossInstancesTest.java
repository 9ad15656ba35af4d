package dev.multisigner.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multisigner.coordinator.topology.CoordinatorStreams;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.schemas.topics.TopicCatalog;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinator instances of one Streams application on the real broker, each with its own
 * operator API: every zone is answered by either, whichever runs its partition (the other forwards
 * with the API token); the list merges both; an owner that does not answer or a partition on the
 * move is a 503 with Retry-After, never a 404; once one instance is gone the other answers all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZonesApiAcrossInstancesTest {

  private static final String TOKEN = "across-instances-test-token";
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final List<String> ZONES =
      IntStream.rangeClosed(1, 12).mapToObj(i -> "z" + i + ".across.test.").toList();

  @TempDir static Path dir;
  private EmbeddedKafka kafka;
  private EmbeddedServer a;
  private EmbeddedServer b;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  void start() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    kafka.createTopics(TopicCatalog.all(), 6);
    a = coordinator("a");
    b = coordinator("b");
    await().atMost(PATIENCE).until(() -> running(a) && running(b) && status(a, "/zones") == 200);
    for (String zone : ZONES) {
      // either instance takes the enrollment: its "already enrolled?" check reads the owner
      HttpResponse<String> r =
          send(
              ZONES.indexOf(zone) % 2 == 0 ? a : b,
              HttpRequest.newBuilder()
                  .POST(HttpRequest.BodyPublishers.ofString(enrollment(zone)))
                  .header("Content-Type", "application/json"),
              "/zones");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }
  }

  @AfterAll
  void stop() {
    for (EmbeddedServer s : new EmbeddedServer[] {a, b}) {
      if (s != null && s.getApplicationContext().isRunning()) {
        s.getApplicationContext().close();
      }
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  @Order(1)
  void everyZoneIsAnsweredByEitherInstanceAndTheListMergesBoth() throws Exception {
    await()
        .atMost(PATIENCE)
        .until(() -> ZONES.stream().allMatch(z -> status(a, "/zones/" + z) == 200));
    List<String> ownedByB = ownedBy(b);
    assertThat(ownedByB).as("the group splits the zones").isNotEmpty().hasSizeLessThan(12);
    for (String zone : ZONES) {
      for (EmbeddedServer s : List.of(a, b)) {
        HttpResponse<String> r = get(s, "/zones/" + zone);
        assertThat(r.statusCode()).as("%s from %s: %s", zone, s.getURL(), r.body()).isEqualTo(200);
        assertThat(json(r).get("zone")).isEqualTo(zone);
        assertThat(get(s, "/zones/" + zone + "/audit").statusCode()).isEqualTo(200);
      }
    }
    List<String> sorted = new ArrayList<>(ZONES);
    sorted.sort(String::compareTo);
    for (EmbeddedServer s : List.of(a, b)) {
      assertThat(zoneNames(get(s, "/zones"))).as("list from %s", s.getURL()).isEqualTo(sorted);
      assertThat(zoneNames(get(s, "/zones?limit=5"))).isEqualTo(sorted.subList(0, 5));
      assertThat(zoneNames(get(s, "/zones?limit=5&after=" + sorted.get(4))))
          .isEqualTo(sorted.subList(5, 10));
      // a zone nobody runs is still a 404, answered by its owner
      HttpResponse<String> unknown = get(s, "/zones/never.across.test.");
      assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
      assertThat(unknown.body()).contains("zone=never.across.test.: not enrolled");
    }
    // an enrollment of an enrolled zone is refused whichever instance takes it
    String zoneOfB = ownedByB.get(0);
    HttpResponse<String> again =
        send(
            a,
            HttpRequest.newBuilder()
                .POST(HttpRequest.BodyPublishers.ofString(enrollment(zoneOfB)))
                .header("Content-Type", "application/json"),
            "/zones");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
  }

  @Test
  @Order(2)
  void thePeerPathAnswersOnlyForItsOwnZonesAndOnlyWithTheToken() throws Exception {
    String zoneOfB = ownedBy(b).get(0);
    HttpResponse<String> misdirected = get(a, "/internal/zones/" + zoneOfB + "/state");
    assertThat(misdirected.statusCode()).as(misdirected.body()).isEqualTo(503);
    assertThat(misdirected.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(misdirected.body()).contains("zone=" + zoneOfB).contains("does not run");
    assertThat(get(b, "/internal/zones/" + zoneOfB + "/state").statusCode()).isEqualTo(200);
    HttpResponse<String> anonymous =
        http.send(
            HttpRequest.newBuilder(URI.create(b.getURL() + "/internal/zones/" + zoneOfB + "/state"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  @Order(3)
  void anOwnerThatDoesNotAnswerIsA503ThenTheSurvivorAnswersForEveryZone() throws Exception {
    List<String> ownedByB = ownedBy(b);
    b.stop(); // its HTTP server only: its Streams still hold the partitions
    HttpResponse<String> r = get(a, "/zones/" + ownedByB.get(0));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(r.body()).contains("zone=" + ownedByB.get(0)).contains("did not answer");
    HttpResponse<String> list = get(a, "/zones");
    assertThat(list.statusCode()).as(list.body()).isEqualTo(503);

    b.getApplicationContext().close();
    await()
        .atMost(PATIENCE)
        .until(() -> ZONES.stream().allMatch(z -> status(a, "/zones/" + z) == 200));
    assertThat(ownedBy(a)).hasSize(ZONES.size());
    assertThat(zoneNames(get(a, "/zones"))).hasSize(ZONES.size());
  }

  private static String enrollment(String zone) {
    return "{\"zone\":\""
        + zone
        + "\",\"signers\":[{\"id\":\"knot-a\",\"nameservers\":[\"ns1."
        + zone
        + "\"]},{\"id\":\"pdns-b\",\"nameservers\":[\"ns2."
        + zone
        + "\"]}]}";
  }

  private EmbeddedServer coordinator(String name) {
    int port = freePort();
    Map<String, Object> p = new HashMap<>();
    p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    p.put("micronaut.server.port", port);
    p.put("micronaut.server.host", "127.0.0.1");
    p.put("multisigner.api.token", TOKEN);
    p.put("multisigner.coordinator.advertised-address", "127.0.0.1:" + port);
    p.put("multisigner.coordinator.application-id", "across-instances");
    p.put("multisigner.coordinator.state-dir", dir.resolve("streams-" + name).toString());
    p.put("multisigner.coordinator.session-timeout", "6s");
    p.put("multisigner.coordinator.forward-timeout", "2s");
    p.put("multisigner.writers.enabled", false);
    p.putAll(ZonesApiTest.unreachableSigners());
    return OperatorAuthenticationTest.coordinator(p);
  }

  /** The zones whose partition the instance runs, by the group's metadata. */
  private static List<String> ownedBy(EmbeddedServer s) {
    CoordinatorStreams streams = s.getApplicationContext().getBean(CoordinatorStreams.class);
    HostInfo self = streams.self().orElseThrow();
    return ZONES.stream().filter(z -> streams.ownerOf(z).activeHost().equals(self)).toList();
  }

  private static boolean running(EmbeddedServer s) {
    return s.getApplicationContext().getBean(CoordinatorStreams.class).state()
        == KafkaStreams.State.RUNNING;
  }

  private int status(EmbeddedServer s, String path) {
    try {
      return get(s, path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private HttpResponse<String> get(EmbeddedServer s, String path) throws Exception {
    return send(s, HttpRequest.newBuilder().GET(), path);
  }

  private HttpResponse<String> send(EmbeddedServer s, HttpRequest.Builder request, String path) {
    try {
      return http.send(
          request
              .uri(URI.create(s.getURL() + path))
              .timeout(Duration.ofSeconds(20))
              .header("Authorization", "Bearer " + TOKEN)
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> json(HttpResponse<String> r) throws IOException {
    return a.getApplicationContext().getBean(JsonMapper.class).readValue(r.body(), Map.class);
  }

  private List<String> zoneNames(HttpResponse<String> r) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<Map<String, Object>> list =
        a.getApplicationContext()
            .getBean(JsonMapper.class)
            .readValue(
                r.body(),
                io.micronaut.core.type.Argument.listOf(
                    io.micronaut.core.type.Argument.mapOf(String.class, Object.class)));
    return list.stream().map(m -> (String) m.get("zone")).toList();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
