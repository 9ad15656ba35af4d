package dev.multisigner.providers.inmemory;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.Support;
import dev.multisigner.providers.ProviderLimits;
import dev.multisigner.providers.ProviderLimits.UpdateGranularity;
import java.time.Duration;
import java.util.Optional;

/** What the in-memory provider declares. */
public final class InMemoryCapabilities {

  private InMemoryCapabilities() {}

  public static Capabilities capabilities() {
    return Capabilities.builder()
        .cannot(Capability.READ_KEYS_DNS, "nothing on the wire, and it signs nothing")
        .can(Capability.READ_KEYS_API)
        .can(Capability.IMPORT_FOREIGN_DNSKEY)
        .can(Capability.PUBLISH_CDS_CDNSKEY)
        .cannot(Capability.ACCEPT_SIGNED_DNSKEY_RRSET, "it signs nothing")
        .can(Capability.MANAGE_NS)
        .can(Capability.PUBLISH_CSYNC)
        .cannot(Capability.SENDS_NOTIFY, "nothing on the wire")
        .build();
  }

  /** Its own keys are given to it. */
  public static Support ownKeyListing() {
    return Support.can();
  }

  public static ProviderLimits limits() {
    return new ProviderLimits(
        Optional.empty(), UpdateGranularity.IN_MEMORY, true, Duration.ofSeconds(1));
  }
}
