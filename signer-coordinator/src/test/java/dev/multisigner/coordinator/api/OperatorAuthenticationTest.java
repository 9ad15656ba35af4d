package dev.multisigner.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.coordinator.CoordinatorApplication;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator API with a bearer token read from a file: no token or a wrong one is 401 without
 * echoing either; the right one passes the filter; /health stays open for probes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorAuthenticationTest {

  private static final String TOKEN = "op-token-4f1c9e2b7d";

  @TempDir static Path dir;
  private EmbeddedServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    Path tokenFile = dir.resolve("api-token");
    Files.writeString(tokenFile, TOKEN + "\n");
    Map<String, Object> p = new HashMap<>();
    p.put("kafka.bootstrap.servers", "127.0.0.1:9"); // no broker: the API answers regardless
    p.put("micronaut.server.port", -1);
    p.put("micronaut.server.host", "127.0.0.1");
    p.put("multisigner.coordinator.state-dir", dir.resolve("streams").toString());
    p.put("multisigner.api.token", "file:" + tokenFile);
    server =
        ApplicationContext.builder()
            .mainClass(CoordinatorApplication.class)
            .environments(CoordinatorApplication.ENVIRONMENT)
            .properties(p)
            .banner(false)
            .start()
            .getBean(EmbeddedServer.class)
            .start();
  }

  @AfterAll
  void stop() {
    server.getApplicationContext().close();
  }

  @Test
  void withoutTheTokenTheApiIsUnauthorizedAndNamesNoToken() throws Exception {
    HttpResponse<String> none = get("/zones", null);
    HttpResponse<String> wrong = get("/zones/example.test.", "Bearer not-the-token");
    HttpResponse<String> post = post("/zones", "Bearer not-the-token");

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(none.body()).contains("needs an Authorization: Bearer token");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain(TOKEN).doesNotContain("not-the-token");
    assertThat(post.statusCode()).isEqualTo(401);
  }

  @Test
  void theRightTokenPassesAndHealthStaysOpen() throws Exception {
    HttpResponse<String> zones = get("/zones", "Bearer " + TOKEN);
    HttpResponse<String> health = get("/health", null);

    // Past the filter: the store is not queryable without a broker, which is a 503, not a 401.
    assertThat(zones.statusCode()).isEqualTo(503);
    assertThat(health.statusCode()).isNotEqualTo(401);
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).GET();
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String authorization) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create(server.getURL() + path);
  }
}
