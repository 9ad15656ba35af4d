package dev.multisigner.providers.powerdns;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.http.JsonHttp;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The PowerDNS 4.7 HTTP API calls the adapter needs: {@code GET /zones/{zone}}, {@code GET
 * /zones/{zone}/cryptokeys}, {@code PATCH /zones/{zone}}. Authenticates with {@code X-API-Key}.
 * Cryptokey answers may carry private keys (RECIPE pitfall 10): only {@code dnskey} is read, and no
 * body is ever logged.
 */
final class PowerDnsClient {

  private final SignerId provider;
  private final URI apiUrl;
  private final String serverId;
  private final Secret apiKey;
  private final JsonHttp http;

  PowerDnsClient(SignerId provider, URI apiUrl, String serverId, Secret apiKey, Duration timeout) {
    this.provider = provider;
    this.apiUrl = apiUrl;
    this.serverId = serverId;
    this.apiKey = apiKey;
    this.http = new JsonHttp(provider, timeout);
  }

  /**
   * The zone with only its apex RRsets ({@code rrset_name}, PowerDNS 4.7+; an older server ignores
   * it and answers the whole zone, which the caller filters the same): the records a write checks
   * and merges, without listing a large zone's every record before each write.
   */
  JsonNode apexRrsets(ZoneName zone) {
    return call(
            zone,
            "GET",
            "?rrset_name=" + URLEncoder.encode(zone.value(), StandardCharsets.UTF_8),
            null)
        .body();
  }

  JsonNode cryptokeys(ZoneName zone) {
    return call(zone, "GET", "/cryptokeys", null).body();
  }

  void patchRrsets(ZoneName zone, JsonNode body) {
    call(zone, "PATCH", "", body);
  }

  private JsonHttp.Response call(ZoneName zone, String method, String suffix, JsonNode body) {
    String base = apiUrl.toString().replaceAll("/+$", "");
    URI uri =
        URI.create(
            base
                + "/servers/"
                + URLEncoder.encode(serverId, StandardCharsets.UTF_8)
                + "/zones/"
                + URLEncoder.encode(zone.value(), StandardCharsets.UTF_8)
                + suffix);
    JsonHttp.Response r = http.send(zone, method, uri, Map.of("X-API-Key", apiKey.reveal()), body);
    if (r.status() >= 200 && r.status() < 300) {
      return r;
    }
    throw failure(zone, method + " " + uri.getPath(), r);
  }

  /** Maps a PowerDNS answer to a typed error; the API's own {@code error} text is kept. */
  ProviderException failure(ZoneName zone, String what, JsonHttp.Response r) {
    String detail = apiKey.scrub(r.body().path("error").asText(""));
    String cause = what + " answered HTTP " + r.status() + (detail.isEmpty() ? "" : ": " + detail);
    int s = r.status();
    Kind kind;
    if (s == 401 || s == 403) {
      kind = Kind.AUTH_FAILED;
      cause += " (API key from " + apiKey.origin() + " rejected)";
    } else if (s == 404 || (s == 422 && detail.toLowerCase().contains("could not find domain"))) {
      kind = Kind.UNKNOWN_ZONE;
    } else if (s == 400 || s == 422) {
      kind = Kind.MALFORMED;
    } else if (s == 429) {
      kind = Kind.RATE_LIMITED;
    } else if (s == 409) {
      kind = Kind.CONCURRENT_CHANGE;
    } else {
      kind = Kind.UNAVAILABLE;
    }
    return ProviderException.of(kind, zone, provider, cause);
  }

  @Override
  public String toString() {
    return "PowerDnsClient[" + apiUrl + " server=" + serverId + " apiKey=" + apiKey + "]";
  }
}
