package dev.multisigner.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.domain.model.SignerId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderFactoryTest {

  private static final String TSIG = "FhNnYBhRZTz0IS8Mbyq0zTh+5TFUHDbtQ4fWjdyZDtI=";

  @Test
  void buildsEachAdapterKindWithSecretsFromFilesOrValues(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("knot-a.tsig");
    Files.writeString(secret, TSIG + "\n");

    DnsProvider knot =
        ProviderFactory.create(
            SignerId.of("knot-a"),
            Map.of(
                "kind", "rfc2136",
                "server", "127.0.0.1:5320",
                "tsig-name", "knot-a-ddns",
                "tsig-secret", "file:" + secret));
    DnsProvider pdns =
        ProviderFactory.create(
            SignerId.of("pdns-b"),
            Map.of(
                "kind", "powerdns",
                "api-url", "http://127.0.0.1:8081/api/v1",
                "api-key", "lab-api-key",
                "dns", "127.0.0.1:5330",
                "timeout", "PT2S"));
    DnsProvider cf =
        ProviderFactory.create(
            SignerId.of("cloudflare-c"),
            Map.of("kind", "cloudflare", "api-token", "tok3n-value", "nameserver", "[::1]:53"));

    assertThat(knot.kind()).isEqualTo("rfc2136");
    assertThat(pdns.kind()).isEqualTo("powerdns");
    assertThat(cf.kind()).isEqualTo("cloudflare");
    assertThat(knot.toString()).doesNotContain(TSIG).contains("knot-a-ddns");
    assertThat(pdns.toString()).doesNotContain("lab-api-key");
    assertThat(cf.toString()).doesNotContain("tok3n-value");
  }

  @Test
  void namesTheSignerAndTheKeyButNeverTheValue() {
    assertThatThrownBy(
            () ->
                ProviderFactory.create(
                    SignerId.of("knot-a"),
                    Map.of("kind", "rfc2136", "server", "127.0.0.1:5320", "tsig-secret", TSIG)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("provider knot-a")
        .hasMessageContaining("'tsig-name'")
        .hasMessageNotContaining(TSIG);
    assertThatThrownBy(
            () ->
                ProviderFactory.create(
                    SignerId.of("knot-a"),
                    Map.of(
                        "kind", "rfc2136",
                        "server", "127.0.0.1:5320",
                        "tsig-name", "k",
                        "tsig-secret", "file:/nonexistent/" + TSIG)))
        .hasMessageContaining("'tsig-secret'")
        .hasMessageNotContaining(TSIG);
    assertThatThrownBy(() -> ProviderFactory.create(SignerId.of("x"), Map.of("kind", "route53")))
        .hasMessageContaining("unknown adapter kind");
  }

  @Test
  void refusesAPlainHttpApiOutsideLoopback() {
    for (String url :
        java.util.List.of(
            "http://192.0.2.10:8081/api/v1",
            "http://pdns.example.net/api/v1",
            "ftp://127.0.0.1/")) {
      assertThatThrownBy(() -> ProviderFactory.create(SignerId.of("pdns-b"), powerdns(url)))
          .as(url)
          .hasMessageContaining("provider pdns-b")
          .hasMessageContaining("'api-url'")
          .hasMessageContaining("over https")
          .hasMessageNotContaining("lab-api-key");
    }
    assertThatThrownBy(
            () ->
                ProviderFactory.create(
                    SignerId.of("cf"),
                    Map.of(
                        "kind", "cloudflare",
                        "api-base", "http://api.cloudflare.com/client/v4",
                        "api-token", "t",
                        "nameserver", "[::1]:53")))
        .hasMessageContaining("'api-base'");
    assertThat(ProviderFactory.create(SignerId.of("a"), powerdns("https://192.0.2.10/api/v1")))
        .isNotNull();
    assertThat(ProviderFactory.create(SignerId.of("b"), powerdns("http://localhost:8081/api/v1")))
        .isNotNull();
    assertThat(ProviderFactory.create(SignerId.of("c"), powerdns("http://[::1]:8081/api/v1")))
        .isNotNull();
  }

  private static Map<String, String> powerdns(String url) {
    return Map.of(
        "kind", "powerdns", "api-url", url, "api-key", "lab-api-key", "dns", "127.0.0.1:53");
  }
}
