package dev.multisigner.coordinator.mapping;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.providers.cloudflare.CloudflareCapabilities;
import dev.multisigner.providers.inmemory.InMemoryCapabilities;
import dev.multisigner.providers.modelone.KnotOfflineKskAdapter;
import dev.multisigner.providers.modelone.OwnerKskProvider;
import dev.multisigner.providers.powerdns.PowerDnsCapabilities;
import dev.multisigner.providers.rfc2136.Rfc2136Capabilities;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The provider types an intent may name, each with the capabilities its adapter declares. The
 * domain's enrollment checks read these, so a group that cannot work is refused up front.
 */
public final class ProviderTypes {

  private static final Map<String, Capabilities> TYPES =
      new TreeMap<>(
          Map.of(
              "rfc2136", Rfc2136Capabilities.knot(),
              "knot", Rfc2136Capabilities.knot(),
              "knot-offline-ksk", KnotOfflineKskAdapter.offlineKskCapabilities(),
              "owner-ksk", OwnerKskProvider.ownerCapabilities(),
              "powerdns", PowerDnsCapabilities.capabilities(),
              "cloudflare", CloudflareCapabilities.capabilities(),
              "in-memory", InMemoryCapabilities.capabilities()));

  private ProviderTypes() {}

  /** The declared capabilities of a provider type, or empty when the type is unknown. */
  public static Optional<Capabilities> capabilities(String providerType) {
    return Optional.ofNullable(TYPES.get(providerType));
  }

  /** The known type names, sorted. */
  public static String known() {
    return String.join(", ", TYPES.keySet());
  }
}
