package dev.multisigner.coordinator.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every adapter kind a deployment can configure is a provider type an intent may name, with the
 * capabilities its adapter declares: otherwise a configured signer could never be enrolled, or
 * enrollment would be checked against the wrong capabilities.
 */
class ProviderTypesTest {

  @Test
  void everyConfigurableAdapterKindIsAnEnrollableTypeWithItsAdaptersCapabilities() {
    Map<String, Map<String, String>> configs =
        Map.of(
            "rfc2136",
            Map.of(
                "kind", "rfc2136",
                "server", "127.0.0.1:53",
                "tsig-name", "k",
                "tsig-secret", "c2VjcmV0c2VjcmV0c2VjcmV0"),
            "powerdns",
            Map.of(
                "kind", "powerdns",
                "api-url", "http://127.0.0.1:8081/api/v1",
                "api-key", "k",
                "dns", "127.0.0.1:53"),
            "cloudflare",
            Map.of("kind", "cloudflare", "api-token", "t", "nameserver", "127.0.0.1:53"));
    configs.forEach(
        (kind, config) -> {
          DnsProvider adapter = ProviderFactory.create(SignerId.of("s-" + kind), config);
          assertThat(ProviderTypes.capabilities(kind))
              .as("provider type %s", kind)
              .contains(adapter.capabilities());
        });
  }
}
