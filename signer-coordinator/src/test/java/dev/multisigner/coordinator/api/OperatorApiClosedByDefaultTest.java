package dev.multisigner.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.multisigner.coordinator.topology.CoordinatorStreams;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.topics.TopicCatalog;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator started without {@code multisigner.api.token} on a real broker, with signers that
 * would make an enrollment acceptable: no request of any kind reaches the intents topic, and the
 * loopback opt-out is refused for a server that binds to every interface.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorApiClosedByDefaultTest {

  private static final String ZONE = "example.test.";
  private static final String ENROLL =
      "{\"zone\":\"example.test.\",\"signers\":["
          + "{\"id\":\"knot-a\",\"nameservers\":[\"ns1.example.test.\"]},"
          + "{\"id\":\"knot-c\",\"nameservers\":[\"ns2.example.test.\"]}]}";

  @TempDir static Path dir;
  private EmbeddedKafka kafka;
  private EmbeddedServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    kafka.createTopics(TopicCatalog.all(), 3);
    server = OperatorAuthenticationTest.coordinator(properties("streams"));
    CoordinatorStreams streams = server.getApplicationContext().getBean(CoordinatorStreams.class);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> streams.state() == KafkaStreams.State.RUNNING);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.getApplicationContext().close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void withoutATokenNoWriteSucceedsAndNothingReachesTheIntentsTopic() throws Exception {
    List<HttpResponse<String>> answers =
        List.of(
            send("POST", "/zones", ENROLL),
            send("POST", "/zones/" + ZONE + "resume", "{\"reason\":\"x\"}"),
            send("POST", "/zones/" + ZONE + "signers", "{\"id\":\"knot-c\"}"),
            send(
                "POST", "/zones/" + ZONE + "rollovers", "{\"signer\":\"knot-a\",\"role\":\"ZSK\"}"),
            send("POST", "/zones/" + ZONE + "algorithm-rollover", "{\"algorithm\":15}"),
            send("DELETE", "/zones/" + ZONE + "signers/knot-a", null),
            send("DELETE", "/zones/" + ZONE, null),
            send("GET", "/zones", null));

    for (HttpResponse<String> a : answers) {
      assertThat(a.statusCode()).as("%s", a.request().uri()).isEqualTo(401);
      assertThat(a.body()).contains("no multisigner.api.token is configured");
    }
    try (TopicProbe probe = new TopicProbe(kafka.bootstrapServers())) {
      assertThat(probe.readAll(TopicCatalog.ZONE_INTENTS, ZONE, Duration.ofSeconds(30))).isEmpty();
    }
  }

  @Test
  void theServerBindsToLoopbackUnlessConfigured() throws Exception {
    assertThat(java.net.InetAddress.getByName(server.getHost()).isLoopbackAddress()).isTrue();
  }

  @Test
  void theLoopbackOptOutIsRefusedWhenTheServerBindsToEveryInterface() {
    Map<String, Object> p = properties("streams-open");
    p.put("multisigner.api.allow-unauthenticated-loopback", true);
    p.put("micronaut.server.host", "0.0.0.0");

    assertThatThrownBy(() -> OperatorAuthenticationTest.coordinator(p))
        .hasStackTraceContaining("accepted only when the server binds to loopback");
  }

  private Map<String, Object> properties(String stateDir) {
    Map<String, Object> p = new HashMap<>();
    p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    p.put("micronaut.server.port", -1);
    p.put("multisigner.coordinator.state-dir", dir.resolve(stateDir).toString());
    for (String id : List.of("knot-a", "knot-c")) {
      p.put("multisigner.signers." + id + ".kind", "rfc2136");
      p.put("multisigner.signers." + id + ".server", "127.0.0.1:9");
      p.put("multisigner.signers." + id + ".tsig-name", id + "-key");
      p.put("multisigner.signers." + id + ".tsig-secret", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0");
    }
    return p;
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.getURL() + path));
    if (body == null) {
      r.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      r.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }
}
