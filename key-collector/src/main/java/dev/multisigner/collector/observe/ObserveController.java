package dev.multisigner.collector.observe;

import dev.multisigner.schemas.avro.ObservationSource;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /observations}: observe one signer for one zone now, at a nameserver the request
 * names (an operator's or a test's look). Polls and NOTIFYs go through the {@link
 * ObservationScheduler} and the signers' configured adapters instead.
 */
@Controller("/observations")
@Requires(env = "key-collector")
public class ObserveController {

  private final ObservationService service;

  public ObserveController(ObservationService service) {
    this.service = service;
  }

  /** The request: zone, signer id and the signer's nameserver as host:port. */
  @Serdeable
  public record ObserveRequest(String zone, String signer, String server) {}

  @Post
  public HttpResponse<Map<String, Object>> observe(@Body ObserveRequest request) {
    if (request.zone() == null || request.signer() == null || request.server() == null) {
      return HttpResponse.badRequest(Map.of("error", "zone, signer and server are required"));
    }
    String zone = canonical(request.zone());
    InetSocketAddress server;
    try {
      server = parse(request.server());
    } catch (IllegalArgumentException e) {
      return HttpResponse.badRequest(
          Map.of("error", "zone=" + zone + " signer=" + request.signer() + ": " + e.getMessage()));
    }
    ObservationService.Outcome outcome =
        service.observe(zone, request.signer(), server, ObservationSource.REQUEST);
    return HttpResponse.ok(
        Map.of(
            "zone", zone,
            "signer", request.signer(),
            "published", outcome.published(),
            "changed", outcome.changed(),
            "dnskeys", outcome.dnskeys(),
            "failure", outcome.failure() == null ? "" : outcome.failure()));
  }

  static String canonical(String zone) {
    String z = zone.trim().toLowerCase(Locale.ROOT);
    return z.endsWith(".") ? z : z + ".";
  }

  static InetSocketAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("server must be host:port, got '" + hostPort + "'");
    }
    try {
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      return new InetSocketAddress(hostPort.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("server must be host:port, got '" + hostPort + "'");
    }
  }
}
