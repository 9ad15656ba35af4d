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
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;
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

  /**
   * A key in PowerDNS's keystore: its API id, type (ksk, zsk, csk), state, key tag and DNSSEC
   * algorithm number. PowerDNS 4.7 reports a KSK (flags 257) as {@code csk} while its algorithm has
   * no ZSK in the zone, e.g. between the two POSTs of {@link #startAlgorithmRoll}.
   */
  public record CryptoKey(
      int id, String keyType, boolean active, boolean published, int keyTag, int algorithm) {

    /** True for a key with the SEP flag (DNSKEY flags 257): a KSK or CSK. */
    public boolean sep() {
      return !"zsk".equals(keyType);
    }
  }

  private final PdnsSigner signer;
  private final Name zone;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public PdnsKeystore(PdnsSigner signer) {
    this(signer, signer.zone());
  }

  /** The keystore of one of the signer's zones (a {@link MultiZoneLab} signer has many). */
  public PdnsKeystore(PdnsSigner signer, Name zone) {
    this.signer = signer;
    this.zone = zone;
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
    return add(keyType, active, published, DNSSEC.Algorithm.ECDSAP256SHA256);
  }

  /**
   * Generates a new key of {@code keyType} (ksk, zsk or csk) and DNSSEC {@code algorithm}: 13 ECDSA
   * P-256, 14 ECDSA P-384, 15 Ed25519 or 16 Ed448 (this PowerDNS 4.7 build has all four). An active
   * key signs every RRset of the zone whether or not it is published in the DNSKEY RRset.
   */
  public CryptoKey add(String keyType, boolean active, boolean published, int algorithm) {
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
                    algorithmName(algorithm)),
                201));
    LOG.info(
        "event=pdns_key_added signer={} zone={} type={} tag={} algorithm={} active={}"
            + " published={}",
        signer.id(),
        zone,
        keyType,
        key.keyTag(),
        algorithm,
        active,
        published);
    return key;
  }

  private static String algorithmName(int algorithm) {
    if (algorithm < DNSSEC.Algorithm.ECDSAP256SHA256 || algorithm > DNSSEC.Algorithm.ED448) {
      throw new IllegalArgumentException(
          "the lab generates ECDSA or EdDSA keys (13-16) only, not algorithm " + algorithm);
    }
    return DNSSEC.Algorithm.string(algorithm);
  }

  /**
   * The provider operator's first step of an algorithm rollover (RFC 6781 §4.1.4): adds a KSK and a
   * ZSK of {@code algorithm} (one CSK for a {@link KeyScheme#CSK} signer), active and published, so
   * that PowerDNS at once serves both algorithms' DNSKEYs and signs every RRset (DNSKEY included)
   * with every active key of every algorithm, and publishes CDS/CDNSKEY for both KSKs. No cache
   * delays this in the lab (all caches are off).
   *
   * @return the new keys, KSK (or CSK) first
   */
  public List<CryptoKey> startAlgorithmRoll(int algorithm) {
    return startAlgorithmRoll(algorithm, true);
  }

  /**
   * As {@link #startAlgorithmRoll(int)}; with {@code publish} false the new keys sign but stay out
   * of the DNSKEY RRset (and CDS/CDNSKEY) until {@link #publishAlgorithm(int)}: RFC 6781's
   * conservative order, new signatures first, new DNSKEYs after the zone's largest TTL.
   */
  public List<CryptoKey> startAlgorithmRoll(int algorithm, boolean publish) {
    algorithmName(algorithm);
    if (keys().stream().anyMatch(k -> k.algorithm() == algorithm)) {
      throw new LabException(
          "PowerDNS " + signer.id() + " already has keys of algorithm " + algorithm);
    }
    List<CryptoKey> added = new ArrayList<>();
    if (signer.keyScheme() == KeyScheme.CSK) {
      added.add(add("csk", true, publish, algorithm));
    } else {
      added.add(add("ksk", true, publish, algorithm));
      added.add(add("zsk", true, publish, algorithm));
    }
    // the POST answers report the KSK as csk while no ZSK of its algorithm existed
    return keys().stream()
        .filter(k -> added.stream().anyMatch(a -> a.id() == k.id()))
        .sorted(java.util.Comparator.comparing(k -> !k.sep()))
        .toList();
  }

  /** Publishes every key of {@code algorithm} in the DNSKEY RRset; whether each signs is kept. */
  public void publishAlgorithm(int algorithm) {
    for (CryptoKey k : keysOf(algorithm)) {
      set(k, k.active(), true);
    }
  }

  /**
   * Takes every key of {@code algorithm} out of the DNSKEY RRset (and CDS/CDNSKEY) while they still
   * sign: RFC 6781 §4.1.4's step after the old DS has left, before {@link #removeAlgorithm(int)}
   * (which should follow at least one DNSKEY TTL later).
   */
  public void unpublishAlgorithm(int algorithm) {
    for (CryptoKey k : keysOf(algorithm)) {
      set(k, k.active(), false);
    }
  }

  /**
   * Ends the algorithm rollover at this signer: every key of the old {@code algorithm} is
   * deactivated and unpublished, then deleted; PowerDNS serves and signs with the other algorithm's
   * keys only from then on.
   *
   * @throws LabException if no key of another algorithm would be left to sign the zone
   */
  public void removeAlgorithm(int algorithm) {
    List<CryptoKey> all = keys();
    if (all.stream().noneMatch(k -> k.algorithm() != algorithm && k.active())) {
      throw new LabException(
          "PowerDNS "
              + signer.id()
              + " has no active key besides algorithm "
              + algorithm
              + ": the zone would be unsigned");
    }
    for (CryptoKey k : all) {
      if (k.algorithm() == algorithm) {
        set(k, false, false);
        delete(k);
      }
    }
  }

  private List<CryptoKey> keysOf(int algorithm) {
    List<CryptoKey> keys = keys().stream().filter(k -> k.algorithm() == algorithm).toList();
    if (keys.isEmpty()) {
      throw new LabException("PowerDNS " + signer.id() + " has no key of algorithm " + algorithm);
    }
    return keys;
  }

  /** Sets whether the key signs ({@code active}) and whether it is in the DNSKEY RRset. */
  public void set(CryptoKey key, boolean active, boolean published) {
    send("PUT", "/" + key.id(), Map.of("active", active, "published", published), 204);
    LOG.info(
        "event=pdns_key_changed signer={} zone={} tag={} active={} published={}",
        signer.id(),
        zone,
        key.keyTag(),
        active,
        published);
  }

  /** Deletes the key from the keystore (it leaves the DNSKEY RRset). */
  public void delete(CryptoKey key) {
    send("DELETE", "/" + key.id(), null, 204);
    LOG.info("event=pdns_key_deleted signer={} zone={} tag={}", signer.id(), zone, key.keyTag());
  }

  private CryptoKey toKey(JsonNode k) {
    String dnskey = k.path("dnskey").asText();
    DNSKEYRecord parsed;
    try {
      parsed = (DNSKEYRecord) Record.fromString(zone, Type.DNSKEY, DClass.IN, 0, dnskey, zone);
    } catch (IOException | RuntimeException e) {
      throw new LabException(
          "PowerDNS " + signer.id() + " listed an unparsable DNSKEY for " + zone, e);
    }
    return new CryptoKey(
        k.path("id").asInt(),
        k.path("keytype").asText(),
        k.path("active").asBoolean(),
        k.path("published").asBoolean(true),
        parsed.getFootprint(),
        parsed.getAlgorithm());
  }

  /**
   * Sends {@code request}, trying again when PowerDNS did not accept the connection in time (on a
   * loaded machine its webserver can take seconds to accept): the request was never sent then, so
   * trying again cannot apply it twice. Any other failure is final.
   */
  private HttpResponse<String> sendConnecting(HttpRequest request)
      throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (java.net.http.HttpConnectTimeoutException | java.net.ConnectException e) {
        if (attempt == CONNECT_ATTEMPTS) {
          throw e;
        }
        Thread.sleep(1000L * attempt);
      }
    }
  }

  private static final int CONNECT_ATTEMPTS = 4;

  private JsonNode send(String method, String path, Object body, int expected) {
    URI uri =
        URI.create(
            signer.apiUrl()
                + "/servers/"
                + signer.serverId()
                + "/zones/"
                + zone
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
      HttpResponse<String> response = sendConnecting(request);
      if (response.statusCode() != expected) {
        throw new LabException(
            "PowerDNS "
                + signer.id()
                + " zone "
                + zone
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
      throw new LabException("bad zone name " + zone, e);
    } catch (IOException e) {
      throw new LabException(
          "PowerDNS " + signer.id() + " API unreachable for " + zone + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted talking to PowerDNS " + signer.id(), e);
    }
  }
}
