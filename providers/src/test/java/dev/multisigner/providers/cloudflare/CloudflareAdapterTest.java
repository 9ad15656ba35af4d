package dev.multisigner.providers.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import dev.multisigner.providers.ProviderException.PermanentProviderException;
import dev.multisigner.providers.ProviderException.RetryableProviderException;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.TestKeys;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.http.JsonHttp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/**
 * CONTRACT TEST (no real Cloudflare): Cloudflare-specific behaviour against {@link
 * CloudflareContractServer}, and the converter against the documentation's own examples.
 */
class CloudflareAdapterTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final Name APEX = ZONE.toName();
  private static final String TOKEN = "contract-token-abcdef";

  private CloudflareContractServer server;
  private CloudflareAdapter adapter;

  @BeforeEach
  void start() throws Exception {
    server = new CloudflareContractServer(APEX, TOKEN);
    adapter =
        new CloudflareAdapter(
            SignerId.of("cloudflare-c"),
            server.apiBase(),
            Secret.of(TOKEN),
            server.nameserver(),
            Duration.ofSeconds(3));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void refusesToImportWhileMultiSignerDnssecIsOffAndSaysWhatToDo() {
    PermanentProviderException e =
        catchThrowableOfType(
            PermanentProviderException.class,
            () -> adapter.importDnskeys(ZONE, List.of(TestKeys.zsk(APEX))));

    assertThat(e.kind()).isEqualTo(Kind.REFUSED);
    assertThat(e.getMessage())
        .contains("zone=example.test.")
        .contains("provider=cloudflare-c")
        .contains("dnssec_multi_signer=false");
    assertThat(server.dnskeyRecordCount()).isZero();
  }

  @Test
  void ownKeysAreTheKskAndZskTheApiLists() {
    adapter.enableMultiSigner(ZONE);

    ZoneKeySnapshot s = adapter.read(ZONE);

    assertThat(s.ownKeys()).containsExactlyInAnyOrderElementsOf(server.ownKeys());
    assertThat(s.ownKeySource()).isEqualTo(ZoneKeySnapshot.OwnKeySource.API);
    assertThat(s.foreignDnskeys()).isEmpty();
  }

  @Test
  void aRateLimitIsRetryableAndLeavesNothingHalfDone() {
    adapter.enableMultiSigner(ZONE);
    server.rateLimitNext(1);

    ProviderException e =
        catchThrowableOfType(
            RetryableProviderException.class,
            () -> adapter.importDnskeys(ZONE, List.of(TestKeys.zsk(APEX))));

    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(e.getMessage()).contains("HTTP 429").contains("Retry-After 300 s");
    assertThat(server.dnskeyRecordCount()).isZero();
  }

  @Test
  void convertsTheDocumentedZskListingAndCreateBody() throws Exception {
    JsonNode zsk =
        JsonHttp.JSON.readTree(
            """
            {"DNSKEY": {"Algorithm": 13, "Flags": 256,
               "Hdr": {"Class": 1, "Name": "example.com.", "Rdlength": 0, "Rrtype": 48, "Ttl": 3600},
               "Protocol": 3,
               "PublicKey": "oXiGYrSTO+LSCJ3mohc8EP+CzF9KxBj8/ydXJ22pKuZP3VAC3/Md/k7xZfz470CoRyZJ6gV6vml07IC3d8xqhA=="},
             "Location": "database", "Name": "zsk_default",
             "SigningKey": {"kek": "edge_kek_default", "privkey": "U3ZlbidzIHZlcnkgc2VjcmV0IGtleQ==",
               "pubkey": "256 3 13 oXiGYrSTO+LSCJ3mohc8EP+CzF9KxBj8/ydXJ22pKuZP3VAC3/Md/k7xZfz470CoRyZJ6gV6vml07IC3d8xqhA=="},
             "Tag": "active"}
            """);

    DNSKEYRecord key = CloudflareConverter.fromZsk(zsk, APEX).orElseThrow();

    assertThat(key.rdataToString())
        .isEqualTo(
            "256 3 13 oXiGYrSTO+LSCJ3mohc8EP+CzF9KxBj8/ydXJ22pKuZP3VAC3/Md/k7xZfz470CoRyZJ6gV6vml07IC3d8xqhA==");
    JsonNode body = CloudflareConverter.toDnsRecord(key, ZONE, 10);
    // re-read: Jackson tells an int node from a long node, the wire does not
    assertThat(JsonHttp.JSON.readTree(body.toString()))
        .isEqualTo(
            JsonHttp.JSON.readTree(
                """
                {"type": "DNSKEY", "name": "example.test", "ttl": 60,
                 "data": {"flags": 256, "protocol": 3, "algorithm": 13,
                   "public_key": "oXiGYrSTO+LSCJ3mohc8EP+CzF9KxBj8/ydXJ22pKuZP3VAC3/Md/k7xZfz470CoRyZJ6gV6vml07IC3d8xqhA=="}}
                """));
    assertThat(CloudflareConverter.fromDnsRecord(body, APEX)).isEqualTo(key);
  }
}
