package dev.multisigner.lab.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The lab's PowerDNS keystore through its HTTP API ({@code /cryptokeys}): what the provider's own
 * operator does to roll its keys (add a key published but inactive, activate it, deactivate and
 * delete the old one). Multisigner never calls this: it only sees the result in the served DNSKEY
 * RRset, as it would at a real provider.
 */
public final class PdnsKeystore {

  private static final Logger LOG = LoggerFactory.getLogger(PdnsKeystore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A key in PowerDNS's keystore: its API id, type (ksk, zsk, csk), state and key tag. */
  public record CryptoKey(int id, String keyType, boolean active, boolean published, int keyTag) {}

  private final PdnsSigner signer;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public PdnsKeystore(PdnsSigner signer) {
    this.signer = signer;
  }

  /** Every key of the zone. */
  public List<CryptoKey> keys() {
    JsonNode list = send("GET", "", null, 200);
    List<CryptoKey> keys = new ArrayList<>();
    for (JsonNode k : list) {
      keys.add(toKey(k));
    }
    return keys;
  }

  /** Generates a new ECDSA P-256 key of {@code keyType} (ksk, zsk or csk). */
  public CryptoKey add(String keyType, boolean active, boolean published) {
    CryptoKey key =
        toKey(
            send(
                "POST",
                "",
                Map.of(
                    "keytype",
                    keyType,
                    "active",
                    active,
                    "published",
                    published,
                    "algorithm",
                    "ECDSAP256SHA256"),
                201));
    LOG.info(
        "event=pdns_key_added signer={} zone={} type={} tag={} active={} published={}",
        signer.id(),
        signer.zone(),
        keyType,
        key.keyTag(),
        active,
        published);
    return key;
  }

  /** Sets whether the key signs ({@code active}) and whether it is in the DNSKEY RRset. */
  public void set(CryptoKey key, boolean active, boolean published) {
    send("PUT", "/" + key.id(), Map.of("active", active, "published", published), 204);
    LOG.info(
        "event=pdns_key_changed signer={} zone={} tag={} active={} published={}",
        signer.id(),
        signer.zone(),
        key.keyTag(),
        active,
        published);
  }

  /** Deletes the key from the keystore (it leaves the DNSKEY RRset). */
  public void delete(CryptoKey key) {
    send("DELETE", "/" + key.id(), null, 204);
    LOG.info(
        "event=pdns_key_deleted signer={} zone={} tag={}",
        signer.id(),
        signer.zone(),
        key.keyTag());
  }

  private CryptoKey toKey(JsonNode k) {
    String dnskey = k.path("dnskey").asText();
    int tag;
    try {
      tag =
          ((DNSKEYRecord)
                  Record.fromString(
                      signer.zone(), Type.DNSKEY, DClass.IN, 0, dnskey, signer.zone()))
              .getFootprint();
    } catch (IOException | RuntimeException e) {
      throw new LabException(
          "PowerDNS " + signer.id() + " listed an unparsable DNSKEY for " + signer.zone(), e);
    }
    return new CryptoKey(
        k.path("id").asInt(),
        k.path("keytype").asText(),
        k.path("active").asBoolean(),
        k.path("published").asBoolean(true),
        tag);
  }

  private JsonNode send(String method, String path, Object body, int expected) {
    URI uri =
        URI.create(
            signer.apiUrl()
                + "/servers/"
                + signer.serverId()
                + "/zones/"
                + signer.zone()
                + "/cryptokeys"
                + path);
    try {
      HttpRequest.BodyPublisher publisher =
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .header("X-API-Key", signer.apiKey())
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(5))
              .method(method, publisher)
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new LabException(
            "PowerDNS "
                + signer.id()
                + " zone "
                + signer.zone()
                + ": "
                + method
                + " cryptokeys"
                + path
                + " answered HTTP "
                + response.statusCode()
                + ": "
                + response.body());
      }
      return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
    } catch (TextParseException e) {
      throw new LabException("bad zone name " + signer.zone(), e);
    } catch (IOException e) {
      throw new LabException(
          "PowerDNS " + signer.id() + " API unreachable for " + signer.zone() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted talking to PowerDNS " + signer.id(), e);
    }
  }
}
