package dev.multisigner.providers.rfc2136;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.Support;
import dev.multisigner.providers.ProviderLimits;
import dev.multisigner.providers.ProviderLimits.UpdateGranularity;
import java.time.Duration;
import java.util.Optional;

/** What the RFC 2136 adapter declares, for Knot DNS 3.2 (the server it is proven against). */
public final class Rfc2136Capabilities {

  private Rfc2136Capabilities() {}

  /**
   * Knot 3.2 with {@code dnskey-management: incremental} (it keeps DNSKEY, CDS and CDNSKEY added by
   * UPDATE and signs them with its own keys; lab RECIPE §4.5, §4.8). Apex NS and CSYNC go through
   * the same UPDATE path (the lab's update ACL limits no record type) and Knot signs them.
   */
  public static Capabilities knot() {
    return Capabilities.builder()
        .can(Capability.READ_KEYS_DNS)
        .cannot(Capability.READ_KEYS_API, "RFC 2136 has no read API; keys are read over DNS")
        .can(Capability.IMPORT_FOREIGN_DNSKEY)
        .can(Capability.PUBLISH_CDS_CDNSKEY)
        .cannot(
            Capability.ACCEPT_SIGNED_DNSKEY_RRSET,
            "an UPDATE cannot carry a DNSKEY RRset signed elsewhere; Knot takes SKRs via keymgr")
        .can(Capability.MANAGE_NS)
        .can(Capability.PUBLISH_CSYNC)
        .can(Capability.SENDS_NOTIFY)
        .build();
  }

  /**
   * RFC 2136 has no way to ask a server which keys it holds. With the adapter's {@code keymgr}
   * command configured, Knot's key manager lists them ({@code keymgr <zone> list}); without it, own
   * keys are inferred from signatures, so a key planted at the signer passes for its own.
   */
  public static Support ownKeyListing() {
    return Support.cannot(
        "only through Knot's keymgr when the adapter's keymgr command is configured; otherwise own"
            + " keys are inferred from signatures and a key planted at the signer passes for its"
            + " own");
  }

  /**
   * One UPDATE carries every change of a plan atomically, conditional on the RRsets read. No rate
   * limit; Knot sometimes takes ~1 s for an UPDATE (RECIPE §5), hence the 3 s timeout.
   */
  public static ProviderLimits limits() {
    return new ProviderLimits(
        Optional.empty(), UpdateGranularity.RECORDS_ATOMIC, true, Duration.ofSeconds(3));
  }
}
