package dev.multisigner.providers.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.http.JsonHttp;
import java.util.Base64;
import java.util.Optional;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/** Cloudflare JSON (DNS records, ZSK listing, DNSSEC settings) to and from dnsjava DNSKEYs. */
final class CloudflareConverter {

  /** Cloudflare's documented TTL range for records that are not automatic (1). */
  static final long MIN_TTL = 60;

  private CloudflareConverter() {}

  /** A DNS record of type DNSKEY: {@code data {flags, protocol, algorithm, public_key}}. */
  static DNSKEYRecord fromDnsRecord(JsonNode rec, Name apex) {
    JsonNode d = rec.path("data");
    return dnskey(
        apex,
        d.path("flags").asInt(),
        d.path("protocol").asInt(3),
        d.path("algorithm").asInt(),
        d.path("public_key").asText());
  }

  /** The create body for a DNSKEY record at the apex. */
  static ObjectNode toDnsRecord(DNSKEYRecord key, ZoneName zone, long ttl) {
    ObjectNode body = JsonHttp.JSON.createObjectNode();
    body.put("type", "DNSKEY");
    body.put("name", CloudflareClient.bare(zone));
    body.put("ttl", Math.max(MIN_TTL, ttl));
    ObjectNode data = body.putObject("data");
    data.put("flags", key.getFlags());
    data.put("protocol", key.getProtocol());
    data.put("algorithm", key.getAlgorithm());
    data.put("public_key", Base64.getEncoder().encodeToString(key.getKey()));
    return body;
  }

  /**
   * One entry of {@code GET /dnssec/zsk}: {@code DNSKEY {Flags, Protocol, Algorithm, PublicKey}}.
   */
  static Optional<DNSKEYRecord> fromZsk(JsonNode entry, Name apex) {
    JsonNode k = entry.path("DNSKEY");
    if (k.path("PublicKey").asText("").isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        dnskey(
            apex,
            k.path("Flags").asInt(),
            k.path("Protocol").asInt(3),
            k.path("Algorithm").asInt(),
            k.path("PublicKey").asText()));
  }

  /**
   * The KSK from {@code GET /dnssec}: {@code flags}, {@code algorithm} (a string), {@code
   * public_key}.
   */
  static Optional<DNSKEYRecord> kskFromDnssec(JsonNode dnssec, Name apex) {
    if (dnssec.path("public_key").asText("").isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        dnskey(
            apex,
            dnssec.path("flags").asInt(257),
            3,
            Integer.parseInt(dnssec.path("algorithm").asText("13").trim()),
            dnssec.path("public_key").asText()));
  }

  private static DNSKEYRecord dnskey(
      Name apex, int flags, int protocol, int algorithm, String base64) {
    return new DNSKEYRecord(
        apex,
        DClass.IN,
        0,
        flags,
        protocol,
        algorithm,
        Base64.getDecoder().decode(base64.replaceAll("\\s", "")));
  }
}
