package dev.multisigner.providers.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real HTTP server answering with bodies of chosen sizes: the client reads a bounded answer. */
class JsonHttpTest {

  private HttpServer server;
  private final JsonHttp http = new JsonHttp(SignerId.of("pdns-b"), Duration.ofSeconds(10));

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/small", e -> answer(e, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8)));
    server.createContext(
        "/huge",
        e -> {
          byte[] body = new byte[JsonHttp.MAX_BODY_BYTES + 1024];
          Arrays.fill(body, (byte) ' ');
          answer(e, body);
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void aBodyOverTheLimitIsRefusedNamingProviderZoneAndPath() {
    assertThatThrownBy(
            () -> http.send(ZoneName.of("example.test"), "GET", uri("/huge"), Map.of(), null))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("pdns-b")
        .hasMessageContaining("example.test.")
        .hasMessageContaining("GET /huge")
        .hasMessageContaining("larger than " + JsonHttp.MAX_BODY_BYTES);
  }

  @Test
  void aBodyUnderTheLimitIsReadAndParsed() {
    JsonHttp.Response r =
        http.send(ZoneName.of("example.test"), "GET", uri("/small"), Map.of(), null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("ok").asBoolean()).isTrue();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static void answer(com.sun.net.httpserver.HttpExchange e, byte[] body)
      throws java.io.IOException {
    e.getResponseHeaders().add("Content-Type", "application/json");
    e.sendResponseHeaders(200, body.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(body);
    } catch (java.io.IOException closedByClient) {
      // the client stops reading at its limit
    }
    e.close();
  }
}
