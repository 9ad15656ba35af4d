package dev.multisigner.providers.powerdns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.CSYNCRecord;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.http.JsonHttp;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** PowerDNS 4.7 JSON shapes, as seen in the lab (RECIPE §4.5, §4.10). */
class PowerDnsConverterTest {

  private static final Name APEX = Name.fromConstantString("example.test.");
  private static final String KNOT_ZSK =
      "256 3 13 nhdlY5ftW5tMkdTftBuSyEYzPcbv6ar2yWUJ1NRfVDQvz2BIXZrw7uV5kSHTVLvBGOTd6bdfyqYwyrm3RaY2Ig==";
  private static final String PDNS_KSK =
      "257 3 13 QdU2E3c7JDu4z10qT8tiTz3zTCwAqSlAvT5lMnTY3ZV8mS8KtGJ3VPQqGqJx02ACs4DYpEXnHi2CJ6XtYF3eMw==";

  private static JsonNode json(String s) throws Exception {
    return JsonHttp.JSON.readTree(s);
  }

  @Test
  void readsTheEnabledRecordsOfOneApexRrset() throws Exception {
    JsonNode zone =
        json(
            """
            {"name": "example.test.", "rrsets": [
              {"name": "example.test.", "type": "DNSKEY", "ttl": 10, "records": [
                {"content": "%s", "disabled": false},
                {"content": "%s", "disabled": true}]},
              {"name": "www.example.test.", "type": "DNSKEY", "ttl": 10, "records": [
                {"content": "%s", "disabled": false}]},
              {"name": "example.test.", "type": "SOA", "ttl": 60, "records": [
                {"content": "ns1.example.test. hostmaster.example.test. 1 60 30 600 10",
                 "disabled": false}]}]}
            """
                .formatted(KNOT_ZSK, PDNS_KSK, PDNS_KSK));

    List<Record> dnskeys = PowerDnsConverter.rrset(zone, APEX, Type.DNSKEY);

    assertThat(dnskeys).hasSize(1);
    assertThat(dnskeys.get(0).rdataToString()).isEqualTo(KNOT_ZSK);
    assertThat(dnskeys.get(0).getTTL()).isEqualTo(10);
    assertThat(PowerDnsConverter.rrset(zone, APEX, Type.CDS)).isEmpty();
  }

  @Test
  void ownKeysComeFromTheCryptokeysDnskeyFieldOnly() throws Exception {
    JsonNode keys =
        json(
            """
            [{"id": 1, "keytype": "ksk", "active": true, "published": true,
              "algorithm": "ECDSAP256SHA256", "bits": 256, "flags": 257,
              "dnskey": "%s", "cds": ["20253 13 2 b853e8fd"]},
             {"id": 3, "keytype": "zsk", "active": false, "published": false, "flags": 256,
              "dnskey": "%s", "privatekey": "Private-key-format: v1.2 NEVER-READ"}]
            """
                .formatted(PDNS_KSK, KNOT_ZSK));

    assertThat(PowerDnsConverter.cryptokeys(keys, APEX))
        .extracting(DNSKEYRecord::getFlags)
        .containsExactlyInAnyOrder(257, 256);
  }

  @Test
  void replacesTouchedRrsetsAndDeletesEmptiedOnes() throws Exception {
    Record zsk = PowerDnsConverter.parse(APEX, Type.DNSKEY, 10, KNOT_ZSK);

    JsonNode patch =
        PowerDnsConverter.patch(
            APEX,
            List.of(
                new PowerDnsConverter.RrsetChange(Type.DNSKEY, 10, List.of(zsk)),
                new PowerDnsConverter.RrsetChange(Type.CDS, 10, List.of())));

    // re-read: Jackson tells an int node from a long node, the wire does not
    assertThat(json(patch.toString()))
        .isEqualTo(
            json(
                """
                {"rrsets": [
                  {"name": "example.test.", "type": "DNSKEY", "ttl": 10, "changetype": "REPLACE",
                   "records": [{"content": "%s", "disabled": false}]},
                  {"name": "example.test.", "type": "CDS", "changetype": "DELETE"}]}
                """
                    .formatted(KNOT_ZSK)));
  }

  @Test
  void readsAndWritesCsyncInPowerDnsPresentationForm() throws Exception {
    JsonNode zone =
        json(
            """
            {"name": "example.test.", "rrsets": [
              {"name": "example.test.", "type": "CSYNC", "ttl": 60, "records": [
                {"content": "0 1 NS A AAAA", "disabled": false}]}]}
            """);

    List<Record> csync = PowerDnsConverter.rrset(zone, APEX, Type.CSYNC);

    assertThat(csync)
        .singleElement()
        .isInstanceOf(CSYNCRecord.class)
        .isEqualTo(
            CSYNCRecord.of(APEX, 60, 0, CSYNCRecord.Flags.IMMEDIATE, Type.A, Type.NS, Type.AAAA));
    JsonNode patch =
        PowerDnsConverter.patch(
            APEX, List.of(new PowerDnsConverter.RrsetChange(Type.CSYNC, 60, csync)));
    assertThat(patch.at("/rrsets/0/records/0/content").asText()).isEqualTo("0 1 A NS AAAA");
    assertThat(patch.at("/rrsets/0/type").asText()).isEqualTo("CSYNC");
  }

  @Test
  void httpStatusesMapToTypedErrorsWithoutTheApiKey() {
    String apiKey = "lab-api-key-do-not-show";
    PowerDnsClient client =
        new PowerDnsClient(
            SignerId.of("pdns-b"),
            URI.create("http://127.0.0.1:1/api/v1"),
            "localhost",
            Secret.of(apiKey),
            Duration.ofSeconds(1));
    ZoneName zone = ZoneName.of("example.test.");

    ProviderException auth =
        client.failure(zone, "GET /x", response(401, "{\"error\": \"Unauthorized\"}"));
    assertThat(auth.kind()).isEqualTo(Kind.AUTH_FAILED);
    assertThat(auth.getMessage()).contains("HTTP 401").doesNotContain(apiKey);
    assertThat(client.toString()).doesNotContain(apiKey);
    assertThat(
            client
                .failure(
                    zone,
                    "GET /x",
                    response(422, "{\"error\": \"Could not find domain 'example.test.'\"}"))
                .kind())
        .isEqualTo(Kind.UNKNOWN_ZONE);
    assertThat(
            client
                .failure(
                    zone, "PATCH /x", response(422, "{\"error\": \"Key 'active' not present\"}"))
                .kind())
        .isEqualTo(Kind.MALFORMED);
    ProviderException down = client.failure(zone, "GET /x", response(503, ""));
    assertThat(down.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(down.retryable()).isTrue();
  }

  private static JsonHttp.Response response(int status, String body) {
    try {
      return new JsonHttp.Response(
          status,
          body.isEmpty()
              ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
              : JsonHttp.JSON.readTree(body),
          body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
