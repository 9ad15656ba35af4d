package dev.multisigner.coordinator.api;

import dev.multisigner.coordinator.api.ZoneViews.ZoneSummary;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.Secret;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks another coordinator instance (same Streams application) for what only it holds: the state of
 * a zone whose partition it runs, or its part of the zone list. It calls the peer's {@link
 * ZoneStatesPeerController} with this deployment's operator API token; a peer that does not answer
 * within {@code multisigner.coordinator.forward-timeout}, or answers that it does not run the zone
 * (a rebalance moved it), is a 503 to retry, never a 404.
 */
@Singleton
@Requires(env = "signer-coordinator")
public class ZonePeers {

  private static final Logger LOG = LoggerFactory.getLogger(ZonePeers.class);

  private final HttpClient http;
  private final Duration timeout;
  private final String authorization;
  private final JsonMapper json;

  public ZonePeers(
      @Value("${multisigner.api.token:}") String token,
      @Value("${multisigner.coordinator.forward-timeout:5s}") Duration timeout,
      JsonMapper json) {
    this.timeout = timeout;
    this.json = json;
    this.authorization =
        token == null || token.isBlank() ? null : "Bearer " + Secret.fromConfig(token).reveal();
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** The zone's encoded state from its owner, or null when the owner has no state for it. */
  byte[] state(HostInfo owner, ZoneName zone) {
    HttpResponse<byte[]> r =
        get(owner, "/internal/zones/" + encode(zone.value()) + "/state", "zone=" + zone);
    return switch (r.statusCode()) {
      case 200 -> r.body();
      case 404 -> null;
      default -> throw refusedBy(owner, "zone=" + zone, r);
    };
  }

  /** Up to {@code limit} zones of the peer's own partitions after {@code after}, by name. */
  List<ZoneSummary> list(HostInfo peer, String after, int limit) {
    String query = "?limit=" + limit + (after == null ? "" : "&after=" + encode(after));
    HttpResponse<byte[]> r = get(peer, "/internal/zones" + query, "zone list");
    if (r.statusCode() != 200) {
      throw refusedBy(peer, "zone list", r);
    }
    try {
      return json.readValue(r.body(), Argument.listOf(ZoneSummary.class));
    } catch (IOException e) {
      throw ApiProblem.unavailable(
          "zone list: coordinator " + address(peer) + " answered unreadably (" + e + ")");
    }
  }

  private HttpResponse<byte[]> get(HostInfo peer, String path, String what) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + address(peer) + path))
            .timeout(timeout)
            .header("Accept", "application/octet-stream, application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      LOG.info(
          "event=forward_failed peer={} what=\"{}\" error=\"{}\"",
          address(peer),
          what,
          e.toString());
      throw ApiProblem.unavailable(
          what
              + ": its coordinator instance "
              + address(peer)
              + " did not answer ("
              + e.getClass().getSimpleName()
              + "); the group moves its zones to another instance after the session timeout:"
              + " retry shortly");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiProblem.unavailable(what + ": interrupted while asking " + address(peer));
    }
  }

  private static ApiProblem refusedBy(HostInfo peer, String what, HttpResponse<byte[]> r) {
    String body = new String(r.body(), StandardCharsets.UTF_8);
    return ApiProblem.unavailable(
        what
            + ": coordinator instance "
            + address(peer)
            + " answered HTTP "
            + r.statusCode()
            + " ("
            + body.substring(0, Math.min(body.length(), 300))
            + "): retry shortly");
  }

  static String address(HostInfo host) {
    return host.host() + ":" + host.port();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
