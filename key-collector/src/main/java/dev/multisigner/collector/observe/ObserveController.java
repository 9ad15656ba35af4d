package dev.multisigner.collector.observe;

import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.Secret;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.support.signers.SignerRegistry;
import dev.multisigner.support.zones.ZoneDirectory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /observations}: observe one configured signer for one managed zone now, through the
 * signer's configured adapter (an operator's look, e.g. after a change made by hand). Closed by
 * default: it answers only with {@code multisigner.collector.observe.token} set (a literal, {@code
 * file:/path} or {@code env:NAME}) and that bearer token given. The caller names no address (no
 * request reaches a host:port of its choosing), and a zone that is not under management or a signer
 * that is not the zone's and configured here is refused before anything is read or kept.
 */
@Controller("/observations")
@Requires(env = "key-collector")
public class ObserveController {

  private static final Logger LOG = LoggerFactory.getLogger(ObserveController.class);

  private final ObservationService service;
  private final ZoneDirectory directory;
  private final SignerRegistry registry;
  private final byte[] expected;

  public ObserveController(
      ObservationService service,
      ZoneDirectory directory,
      SignerRegistry registry,
      @Value("${multisigner.collector.observe.token:}") String token) {
    this.service = service;
    this.directory = directory;
    this.registry = registry;
    if (token == null || token.isBlank()) {
      this.expected = null;
      LOG.info(
          "event=observe_endpoint_closed reason=\"multisigner.collector.observe.token is not set\"");
    } else {
      Secret secret = Secret.fromConfig(token);
      this.expected = ("Bearer " + secret.reveal()).getBytes(StandardCharsets.UTF_8);
      LOG.info("event=observe_endpoint_authenticated token_from=\"{}\"", secret.origin());
    }
  }

  /** The request: zone and signer id; the signer's configured adapter says where to ask. */
  @Serdeable
  public record ObserveRequest(String zone, String signer, @Nullable String server) {}

  @Post
  public HttpResponse<Map<String, Object>> observe(
      @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
      @Body ObserveRequest request) {
    if (expected == null) {
      return error(
          HttpStatus.FORBIDDEN,
          "POST /observations is closed: set multisigner.collector.observe.token to open it");
    }
    if (authorization == null
        || !MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8))) {
      LOG.warn("event=observe_request_unauthenticated");
      return error(HttpStatus.UNAUTHORIZED, "POST /observations needs this deployment's token");
    }
    if (request.zone() == null || request.signer() == null) {
      return error(HttpStatus.BAD_REQUEST, "zone and signer are required");
    }
    String zone = canonical(request.zone());
    String signer = request.signer();
    if (request.server() != null) {
      return error(
          HttpStatus.BAD_REQUEST,
          "zone="
              + zone
              + " signer="
              + signer
              + ": server is not accepted; the signer's configured address is read");
    }
    Set<String> signers = directory.signers(zone).orElse(null);
    if (signers == null) {
      return error(HttpStatus.NOT_FOUND, "zone=" + zone + ": not under management");
    }
    Optional<DnsProvider> provider = registry.provider(signer);
    if (!signers.contains(signer) || provider.isEmpty()) {
      return error(
          HttpStatus.NOT_FOUND,
          "zone="
              + zone
              + " signer="
              + signer
              + ": not a signer of the zone configured in this collector");
    }
    ObservationService.Outcome outcome =
        service.observe(zone, provider.get(), ObservationSource.REQUEST);
    return HttpResponse.ok(
        Map.of(
            "zone",
            zone,
            "signer",
            signer,
            "published",
            outcome.published(),
            "changed",
            outcome.changed(),
            "dnskeys",
            outcome.dnskeys(),
            "failure",
            outcome.failure() == null ? "" : outcome.failure()));
  }

  private static HttpResponse<Map<String, Object>> error(HttpStatus status, String message) {
    return HttpResponse.<Map<String, Object>>status(status).body(Map.of("error", message));
  }

  static String canonical(String zone) {
    String z = zone.trim().toLowerCase(Locale.ROOT);
    return z.endsWith(".") ? z : z + ".";
  }
}
