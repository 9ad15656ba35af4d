package dev.multisigner.providers.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Cloudflare API v4 calls the adapter needs, with {@code Authorization: Bearer <token>}: {@code
 * GET /zones?name=}, {@code GET|PATCH /zones/{id}/dnssec}, {@code GET /zones/{id}/dnssec/zsk},
 * {@code GET|POST /zones/{id}/dns_records}, {@code DELETE /zones/{id}/dns_records/{record}}.
 * Answers use the v4 envelope {@code {success, errors[{code,message}], messages, result}}. The ZSK
 * listing documents a {@code SigningKey.privkey} field: it is never read or logged.
 */
final class CloudflareClient {

  /** Cloudflare's public API base. */
  static final URI PUBLIC_API = URI.create("https://api.cloudflare.com/client/v4");

  private final SignerId provider;
  private final URI apiBase;
  private final Secret token;
  private final JsonHttp http;
  private final Map<ZoneName, String> zoneIds = new ConcurrentHashMap<>();

  CloudflareClient(SignerId provider, URI apiBase, Secret token, Duration timeout) {
    this.provider = provider;
    this.apiBase = apiBase;
    this.token = token;
    this.http = new JsonHttp(provider, timeout);
  }

  /** The zone's Cloudflare id, looked up by name once. */
  String zoneId(ZoneName zone) {
    String cached = zoneIds.get(zone);
    if (cached != null) {
      return cached;
    }
    JsonNode result = call(zone, "GET", "/zones?name=" + enc(bare(zone)), null).path("result");
    if (!result.isArray() || result.isEmpty()) {
      throw ProviderException.of(
          Kind.UNKNOWN_ZONE, zone, provider, "no zone of that name in this Cloudflare account");
    }
    String id = result.get(0).path("id").asText();
    zoneIds.put(zone, id);
    return id;
  }

  JsonNode dnssec(ZoneName zone) {
    return call(zone, "GET", "/zones/" + zoneId(zone) + "/dnssec", null).path("result");
  }

  JsonNode editDnssec(ZoneName zone, JsonNode body) {
    return call(zone, "PATCH", "/zones/" + zoneId(zone) + "/dnssec", body).path("result");
  }

  JsonNode zsks(ZoneName zone) {
    return call(zone, "GET", "/zones/" + zoneId(zone) + "/dnssec/zsk", null).path("result");
  }

  /** Every DNS record of {@code type} at the apex, all pages. */
  ArrayNode records(ZoneName zone, String type) {
    ArrayNode all = JsonHttp.JSON.createArrayNode();
    for (int page = 1; ; page++) {
      JsonNode r =
          call(
              zone,
              "GET",
              "/zones/"
                  + zoneId(zone)
                  + "/dns_records?type="
                  + enc(type)
                  + "&name="
                  + enc(bare(zone))
                  + "&per_page=100&page="
                  + page,
              null);
      r.path("result").forEach(all::add);
      if (page >= r.path("result_info").path("total_pages").asInt(1)) {
        return all;
      }
    }
  }

  JsonNode createRecord(ZoneName zone, JsonNode body) {
    return call(zone, "POST", "/zones/" + zoneId(zone) + "/dns_records", body).path("result");
  }

  void deleteRecord(ZoneName zone, String recordId) {
    call(zone, "DELETE", "/zones/" + zoneId(zone) + "/dns_records/" + enc(recordId), null);
  }

  private JsonNode call(ZoneName zone, String method, String pathAndQuery, JsonNode body) {
    URI uri = URI.create(apiBase.toString().replaceAll("/+$", "") + pathAndQuery);
    JsonHttp.Response r =
        http.send(zone, method, uri, Map.of("Authorization", "Bearer " + token.reveal()), body);
    if (r.status() >= 200 && r.status() < 300 && r.body().path("success").asBoolean(false)) {
      return r.body();
    }
    throw failure(zone, method + " " + uri.getPath(), r);
  }

  /** Maps a v4 error answer to a typed error, keeping Cloudflare's codes and messages. */
  ProviderException failure(ZoneName zone, String what, JsonHttp.Response r) {
    StringBuilder errors = new StringBuilder();
    for (JsonNode e : r.body().path("errors")) {
      errors
          .append(errors.isEmpty() ? "" : "; ")
          .append(e.path("code").asInt())
          .append(" ")
          .append(e.path("message").asText());
    }
    String detail = token.scrub(errors.toString());
    String cause = what + " answered HTTP " + r.status() + (detail.isEmpty() ? "" : ": " + detail);
    int s = r.status();
    Kind kind;
    if (s == 401 || s == 403 || detail.startsWith("10000 ")) {
      kind = Kind.AUTH_FAILED;
      cause += " (API token from " + token.origin() + " rejected)";
    } else if (s == 404) {
      kind = Kind.UNKNOWN_ZONE;
    } else if (s == 429) {
      kind = Kind.RATE_LIMITED;
      cause +=
          " (rate limit: 1200 requests / 5 min"
              + r.retryAfter().map(s2 -> "; Retry-After " + s2 + " s").orElse("")
              + ")";
    } else if (s >= 500) {
      kind = Kind.UNAVAILABLE;
    } else {
      kind = Kind.MALFORMED;
    }
    return ProviderException.of(kind, zone, provider, cause);
  }

  /** Cloudflare writes names without the trailing dot. */
  static String bare(ZoneName zone) {
    return zone.value().substring(0, zone.value().length() - 1);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "CloudflareClient[" + apiBase + " token=" + token + "]";
  }
}
