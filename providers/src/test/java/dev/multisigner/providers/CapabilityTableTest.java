package dev.multisigner.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.providers.CapabilityTable.Column;
import dev.multisigner.providers.cloudflare.CloudflareCapabilities;
import dev.multisigner.providers.inmemory.InMemoryCapabilities;
import dev.multisigner.providers.powerdns.PowerDnsCapabilities;
import dev.multisigner.providers.rfc2136.Rfc2136Capabilities;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code docs/provider-capabilities.md} is what the code declares. Regenerate with
 * {@code ./mvnw test -pl providers -Dtest=CapabilityTableTest -Dcapabilities.write=true}.
 */
class CapabilityTableTest {

  private static final Path COMMITTED = Path.of("..", "docs", "provider-capabilities.md");
  private static final Path GENERATED = Path.of("target", "capabilities.md");

  static String document() {
    String table =
        CapabilityTable.markdown(
            List.of(
                new Column(
                    "RFC 2136 + TSIG (Knot 3.2)",
                    Rfc2136Capabilities.knot(),
                    Rfc2136Capabilities.limits(),
                    Rfc2136Capabilities.ownKeyListing()),
                new Column(
                    "PowerDNS 4.7 API",
                    PowerDnsCapabilities.capabilities(),
                    PowerDnsCapabilities.limits(),
                    PowerDnsCapabilities.ownKeyListing()),
                new Column(
                    "Cloudflare API (contract-tested)",
                    CloudflareCapabilities.capabilities(),
                    CloudflareCapabilities.limits(),
                    CloudflareCapabilities.ownKeyListing()),
                new Column(
                    "in-memory (tests only)",
                    InMemoryCapabilities.capabilities(),
                    InMemoryCapabilities.limits(),
                    InMemoryCapabilities.ownKeyListing())));
    return "# Provider capabilities\n\n"
        + "Generated from the adapters' declared capabilities by `CapabilityTableTest`; the build"
        + " fails when this file and the code differ.\n"
        + "\"not yet\" means the provider could, but the adapter does not do it yet.\n\n"
        + table;
  }

  @Test
  void theCommittedTableMatchesWhatTheAdaptersDeclare() throws Exception {
    String generated = document();
    Files.createDirectories(GENERATED.getParent());
    Files.writeString(GENERATED, generated, StandardCharsets.UTF_8);
    if (Boolean.getBoolean("capabilities.write")) {
      Files.writeString(COMMITTED, generated, StandardCharsets.UTF_8);
    }

    assertThat(COMMITTED).exists();
    assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
        .as("docs/provider-capabilities.md is stale: compare with providers/target/capabilities.md")
        .isEqualTo(generated);
  }

  @Test
  void everyCapabilityHasARowAndEveryAdapterAColumn() {
    String doc = document();

    for (var cap : dev.multisigner.domain.model.Capability.values()) {
      assertThat(doc).contains("| `" + cap + "` |");
    }
    assertThat(doc.lines().filter(l -> l.startsWith("| `IMPORT_FOREIGN_DNSKEY`")).findFirst())
        .hasValueSatisfying(l -> assertThat(l.split("\\| yes").length - 1).isEqualTo(4));
  }
}
