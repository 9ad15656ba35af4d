package dev.multisigner.providers.powerdns;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.Support;
import dev.multisigner.providers.ProviderLimits;
import dev.multisigner.providers.ProviderLimits.UpdateGranularity;
import java.time.Duration;
import java.util.Optional;

/** What the PowerDNS 4.7 adapter declares (lab RECIPE §4.5, §4.10). */
public final class PowerDnsCapabilities {

  private PowerDnsCapabilities() {}

  public static Capabilities capabilities() {
    return Capabilities.builder()
        .can(Capability.READ_KEYS_DNS)
        .notYet(
            Capability.READ_KEYS_API,
            "the API shows the records table and cryptokeys but no RRSIGs; keys are read over DNS")
        .can(Capability.IMPORT_FOREIGN_DNSKEY)
        .can(Capability.PUBLISH_CDS_CDNSKEY)
        .cannot(
            Capability.ACCEPT_SIGNED_DNSKEY_RRSET,
            "4.7 signs the DNSKEY RRset live with its own KSK; a pre-signed RRset needs 5.x")
        .can(Capability.MANAGE_NS)
        .can(Capability.PUBLISH_CSYNC)
        // a primary zone with ALSO-NOTIFY notifies on serial changes (lab: setNotifyTarget); key
        // changes through cryptokeys move no serial and send none
        .can(Capability.SENDS_NOTIFY)
        .build();
  }

  /** The cryptokeys endpoint lists every key PowerDNS holds for the zone. */
  public static Support ownKeyListing() {
    return Support.can();
  }

  /**
   * One PATCH replaces whole RRsets; 4.7 has no conditional PATCH, so the adapter compares the
   * records table with the plan's basis just before writing (a small window remains).
   */
  public static ProviderLimits limits() {
    return new ProviderLimits(
        Optional.empty(), UpdateGranularity.RRSET_REPLACE, false, Duration.ofSeconds(3));
  }
}
