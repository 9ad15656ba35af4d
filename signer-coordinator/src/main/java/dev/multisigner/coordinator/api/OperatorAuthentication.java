package dev.multisigner.coordinator.api;

import dev.multisigner.providers.Hosts;
import dev.multisigner.providers.Secret;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator API is closed by default. Every path of the coordinator's HTTP server passes here
 * (not only {@code /zones}, so {@code //zones}, {@code /zones;a} or an encoded variant that the
 * router might still map to the API is refused too); only {@code /health}, {@code /prometheus}, the
 * OpenAPI document and the status page's static files stay open, for probes, scrapers and readers
 * (the page reads the API with the token the operator types in).
 *
 * <ul>
 *   <li>With {@code multisigner.api.token} (a {@code file:/path} or {@code env:NAME}; a literal is
 *       accepted from a config file) each request needs exactly {@code Authorization: Bearer
 *       <token>}, compared in constant time, never logged or echoed.
 *   <li>Without a token every API request is refused (401), unless the operator opted out with
 *       {@code multisigner.api.allow-unauthenticated-loopback: true}, which is accepted only when
 *       the server binds to a loopback address (the service refuses to start otherwise) and then
 *       admits only loopback peers that name a loopback host.
 *   <li>Cross-origin requests are refused (403): a browser page cannot drive the API, not even with
 *       a CORS "simple request" (a form POST), because (besides Micronaut's own guard, which
 *       forbids a non-local origin on a loopback server) a request with an {@code Origin} not in
 *       {@code multisigner.api.allowed-origins} or with {@code Sec-Fetch-Site: cross-site} is
 *       refused and a POST must carry {@code Content-Type: application/json} (415 otherwise), which
 *       a browser sends cross-origin only after a CORS preflight this server never grants.
 * </ul>
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Context // its settings are checked at start, not at the first request
@Requires(env = "signer-coordinator")
public class OperatorAuthentication {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorAuthentication.class);
  private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

  private final byte[] expected;
  private final boolean loopbackOnly;
  private final List<String> allowedOrigins;

  public OperatorAuthentication(
      @Value("${multisigner.api.token:}") String token,
      @Value("${multisigner.api.allow-unauthenticated-loopback:false}") boolean openOnLoopback,
      @Value("${multisigner.api.allowed-origins:}") List<String> allowedOrigins,
      @Value("${micronaut.server.host:}") String host) {
    this.allowedOrigins =
        allowedOrigins == null
            ? List.of()
            : allowedOrigins.stream().filter(o -> !o.isBlank()).toList();
    if (token != null && !token.isBlank()) {
      Secret secret = Secret.fromConfig(token);
      this.expected = ("Bearer " + secret.reveal()).getBytes(StandardCharsets.UTF_8);
      this.loopbackOnly = false;
      LOG.info("event=operator_api_authenticated token_from=\"{}\"", secret.origin());
    } else if (openOnLoopback) {
      if (!Hosts.loopback(host)) {
        throw new IllegalStateException(
            "multisigner.api.allow-unauthenticated-loopback is accepted only when the server binds"
                + " to loopback (micronaut.server.host is '"
                + host
                + "'): set multisigner.api.token (file:/path or env:NAME) instead");
      }
      this.expected = null;
      this.loopbackOnly = true;
      LOG.warn(
          "event=operator_api_open_on_loopback host={} reason=\"no token: any local process can"
              + " enroll, resume and retire zones\"",
          host);
    } else {
      this.expected = null;
      this.loopbackOnly = false;
      LOG.warn(
          "event=operator_api_closed reason=\"multisigner.api.token is not set: every /zones"
              + " request is refused\"");
    }
  }

  @RequestFilter
  @Nullable
  public HttpResponse<ApiError> authenticate(HttpRequest<?> request) {
    String path = request.getPath();
    if (open(path)) {
      return null;
    }
    String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
    if ((origin != null && !allowedOrigins.contains(origin))
        || "cross-site".equalsIgnoreCase(request.getHeaders().get("Sec-Fetch-Site"))) {
      return refuse(
          request,
          HttpStatus.FORBIDDEN,
          "cross-origin requests to the operator API are refused (origin "
              + (origin == null ? "cross-site" : origin)
              + " is not in multisigner.api.allowed-origins)");
    }
    if (request.getMethod() == HttpMethod.POST
        && !request
            .getContentType()
            .map(t -> MediaType.APPLICATION_JSON.equals(t.getName()))
            .orElse(false)) {
      return refuse(
          request,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "a POST to the operator API needs Content-Type: application/json");
    }
    if (expected != null) {
      String given = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
      if (given != null
          && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
        return null;
      }
      return refuse(
          request,
          HttpStatus.UNAUTHORIZED,
          given == null
              ? "the operator API needs an Authorization: Bearer token"
              : "the Authorization header is not 'Bearer ' and this deployment's operator token");
    }
    if (loopbackOnly && fromLoopback(request)) {
      return null;
    }
    return refuse(
        request,
        HttpStatus.UNAUTHORIZED,
        loopbackOnly
            ? "the operator API without a token answers loopback clients naming a loopback host"
                + " only"
            : "the operator API is closed: no multisigner.api.token is configured");
  }

  /**
   * The status page's three static files: they hold no data; every read they make needs the token.
   */
  private static final java.util.Set<String> STATUS_PAGE =
      java.util.Set.of("/status/index.html", "/status/status.css", "/status/status.js");

  /**
   * Probes, scrapers, the OpenAPI document and the status page's static files, by exact path (no
   * variant of them is open).
   */
  static boolean open(String path) {
    if (path.contains("//")
        || path.contains(";")
        || path.contains("%")
        || path.contains("..")
        || path.contains("\\")) {
      return false;
    }
    return path.equals("/health")
        || path.startsWith("/health/")
        || path.equals("/prometheus")
        || path.startsWith("/swagger/")
        || STATUS_PAGE.contains(path);
  }

  private static boolean fromLoopback(HttpRequest<?> request) {
    InetSocketAddress peer = request.getRemoteAddress();
    String host = request.getHeaders().get(HttpHeaders.HOST);
    String hostName = host == null ? "" : host.toLowerCase(Locale.ROOT).replaceFirst(":\\d+$", "");
    // a loopback peer naming another host is a browser after DNS rebinding
    return peer != null
        && peer.getAddress() != null
        && peer.getAddress().isLoopbackAddress()
        && LOOPBACK_HOSTS.contains(hostName);
  }

  private static HttpResponse<ApiError> refuse(
      HttpRequest<?> request, HttpStatus status, String message) {
    LOG.warn(
        "event=request_refused method={} path={} remote={} status={} reason=\"{}\"",
        request.getMethod(),
        request.getPath(),
        request.getRemoteAddress(),
        status.getCode(),
        message);
    MutableHttpResponse<ApiError> r =
        HttpResponse.<ApiError>status(status)
            .body(new ApiError(status.getCode(), status.getReason(), message));
    if (status == HttpStatus.UNAUTHORIZED) {
      r.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"multisigner\"");
    }
    return r;
  }
}
