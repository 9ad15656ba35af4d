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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator API with a bearer token read from a file: no token, a wrong one, another shape of
 * the header or a path variant is 401 without echoing either; cross-origin requests and form posts
 * are refused; the right token passes the filter; /health stays open for probes.
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
    server = coordinator(p);
  }

  /** The coordinator's context with {@code properties}, its HTTP server started. */
  static EmbeddedServer coordinator(Map<String, Object> properties) {
    return ApplicationContext.builder()
        .mainClass(CoordinatorApplication.class)
        .environments(CoordinatorApplication.ENVIRONMENT)
        .properties(properties)
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
  void aLowerCaseSchemeOrAnyOtherShapeOfTheHeaderIsUnauthorized() throws Exception {
    assertThat(get("/zones", "bearer " + TOKEN).statusCode()).isEqualTo(401);
    assertThat(get("/zones", "bearer x").statusCode()).isEqualTo(401);
    assertThat(get("/zones", "Bearer  " + TOKEN).statusCode()).isEqualTo(401);
    assertThat(get("/zones", "Bearer " + TOKEN + "x").statusCode()).isEqualTo(401);
    assertThat(get("/zones", "Basic " + TOKEN).statusCode()).isEqualTo(401);
    assertThat(get("/zones", TOKEN).statusCode()).isEqualTo(401);
  }

  @Test
  void everyPathVariantThatCouldReachTheApiIsUnauthorized() throws Exception {
    for (String path :
        List.of(
            "//zones",
            "/zones;a",
            "/zones/",
            "/%7Aones",
            "/zones%2Fexample.test.",
            "/Zones",
            "/health/../zones",
            "/health;/../zones",
            "/zones/example.test./resume",
            "/status/../zones",
            "/status/index.html/../../zones")) {
      HttpResponse<String> r = get(path, null);
      assertThat(r.statusCode()).as("GET %s", path).isEqualTo(401);
      HttpResponse<String> w = post(path, null);
      assertThat(w.statusCode()).as("POST %s", path).isEqualTo(401);
    }
  }

  @Test
  void crossOriginRequestsAndFormPostsAreRefusedEvenWithTheToken() throws Exception {
    String resume = "/zones/example.test./resume";
    HttpResponse<String> withOrigin =
        send(resume, "application/json", "Origin", "http://evil.example");
    // a CORS "simple request": no preflight, so it must be refused by its content type
    HttpResponse<String> formPost = send(resume, "text/plain");
    HttpResponse<String> noBody = send(resume, null);
    HttpResponse<String> crossSite =
        send("/zones", "application/json", "Sec-Fetch-Site", "cross-site");

    // on loopback Micronaut's own drive-by-localhost guard answers first; elsewhere ours does
    assertThat(withOrigin.statusCode()).isEqualTo(403);
    assertThat(withOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(formPost.statusCode()).isEqualTo(415);
    assertThat(noBody.statusCode()).isEqualTo(415);
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(crossSite.body()).contains("cross-origin requests to the operator API are refused");
  }

  @Test
  void theRightTokenPassesAndHealthStaysOpen() throws Exception {
    HttpResponse<String> zones = get("/zones", "Bearer " + TOKEN);
    HttpResponse<String> health = get("/health", null);

    // Past the filter: the store is not queryable without a broker, which is a 503, not a 401.
    assertThat(zones.statusCode()).isEqualTo(503);
    assertThat(health.statusCode()).isNotEqualTo(401);
  }

  @Test
  void theStatusPagesStaticFilesLoadWithoutTheTokenButItsReadsNeedIt() throws Exception {
    HttpResponse<String> page = get("/status/index.html", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<html");
    assertThat(get("/status/status.js", null).statusCode()).isEqualTo(200);
    assertThat(get("/status/other.html", null).statusCode()).isEqualTo(401);
    assertThat(get("/zones", null).statusCode()).isEqualTo(401);
  }

  /** A POST with the right token, a content type (none when null) and extra headers. */
  private HttpResponse<String> send(String path, String contentType, String... headers)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(uri(path))
            .header("Authorization", "Bearer " + TOKEN)
            .POST(
                contentType == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString("{}"));
    if (contentType != null) {
      r.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).GET();
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String authorization) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create(server.getURL() + path);
  }
}
