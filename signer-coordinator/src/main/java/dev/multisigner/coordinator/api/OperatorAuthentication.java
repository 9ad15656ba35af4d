package dev.multisigner.coordinator.api;

import dev.multisigner.providers.Secret;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer-token authentication of the operator API ({@code /zones}). The token comes from {@code
 * multisigner.api.token} (a literal, {@code file:/path} or {@code env:NAME}); it is compared in
 * constant time and never logged or echoed. Without a token the API is open, and the service says
 * so once at start: fine on loopback in the lab, not on a network. /health and /prometheus stay
 * open for probes and scrapers.
 */
@ServerFilter(patterns = {"/zones", "/zones/**"})
@Requires(env = "signer-coordinator")
public class OperatorAuthentication {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorAuthentication.class);

  private final byte[] expected;

  public OperatorAuthentication(@Value("${multisigner.api.token:}") String token) {
    if (token == null || token.isBlank()) {
      this.expected = null;
      LOG.warn(
          "event=operator_api_open reason=\"multisigner.api.token is not set: anyone who can"
              + " reach this port can enroll, resume and retire zones\"");
    } else {
      Secret secret = Secret.fromConfig(token);
      this.expected = ("Bearer " + secret.reveal()).getBytes(StandardCharsets.UTF_8);
      LOG.info("event=operator_api_authenticated token_from=\"{}\"", secret.origin());
    }
  }

  @RequestFilter
  @Nullable
  public HttpResponse<ApiError> authenticate(HttpRequest<?> request) {
    if (expected == null) {
      return null;
    }
    String given = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
    if (given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      return null;
    }
    LOG.warn(
        "event=request_unauthenticated method={} path={} remote={}",
        request.getMethod(),
        request.getPath(),
        request.getRemoteAddress());
    return HttpResponse.<ApiError>status(HttpStatus.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"multisigner\"")
        .body(
            new ApiError(
                401,
                "Unauthorized",
                given == null
                    ? "the operator API needs an Authorization: Bearer token"
                    : "the bearer token is not this deployment's operator token"));
  }
}
