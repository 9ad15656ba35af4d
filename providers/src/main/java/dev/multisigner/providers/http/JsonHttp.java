package dev.multisigner.providers.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Sends one JSON request and returns status and body. Headers carrying credentials are added by the
 * caller and never appear in an error built here: errors name method, path and status only.
 */
public final class JsonHttp {

  /**
   * A response: status code, parsed body ({@link MissingNode} when empty or not JSON), and the
   * {@code Retry-After} header when there was one.
   */
  public record Response(int status, JsonNode body, String rawBody, Optional<String> retryAfter) {

    public Response(int status, JsonNode body, String rawBody) {
      this(status, body, rawBody, Optional.empty());
    }
  }

  public static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The largest answer read (4 MiB: a zone's cryptokeys or DNSKEY records are a few KiB; a
   * Cloudflare page of 100 records tens of KiB): a provider, or whatever answers in its place,
   * cannot make the service buffer an unbounded body.
   */
  public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final HttpClient client;
  private final Duration timeout;
  private final SignerId provider;

  public JsonHttp(SignerId provider, Duration timeout) {
    this.provider = provider;
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  /** Sends {@code method uri} with {@code headers} and an optional JSON body. */
  public Response send(
      ZoneName zone, String method, URI uri, Map<String, String> headers, JsonNode body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Accept", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    String what = method + " " + uri.getPath();
    try {
      HttpResponse<InputStream> r =
          client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      String text;
      try (InputStream in = r.body()) {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
          throw ProviderException.of(
              Kind.MALFORMED,
              zone,
              provider,
              what + ": answer larger than " + MAX_BODY_BYTES + " bytes, not read");
        }
        text = new String(bytes, StandardCharsets.UTF_8);
      }
      return new Response(r.statusCode(), parse(text), text, r.headers().firstValue("Retry-After"));
    } catch (HttpTimeoutException e) {
      throw ProviderException.of(
          Kind.TIMEOUT, zone, provider, what + ": no answer within " + timeout, e);
    } catch (ConnectException e) {
      throw ProviderException.of(
          Kind.UNAVAILABLE, zone, provider, what + ": cannot connect to " + uri.getAuthority(), e);
    } catch (IOException e) {
      throw ProviderException.of(
          Kind.UNAVAILABLE, zone, provider, what + ": " + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProviderException.of(Kind.UNAVAILABLE, zone, provider, what + ": interrupted", e);
    }
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }
}
