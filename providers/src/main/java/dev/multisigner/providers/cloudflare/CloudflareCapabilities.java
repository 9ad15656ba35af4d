package dev.multisigner.providers.cloudflare;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.Support;
import dev.multisigner.providers.ProviderLimits;
import dev.multisigner.providers.ProviderLimits.RateLimit;
import dev.multisigner.providers.ProviderLimits.UpdateGranularity;
import java.time.Duration;
import java.util.Optional;

/**
 * What the Cloudflare adapter declares, from Cloudflare's documentation (multi-signer DNSSEC setup,
 * DNS records API, API rate limits). Tested against a contract server only: no real Cloudflare is
 * reachable from this project's tests.
 */
public final class CloudflareCapabilities {

  private CloudflareCapabilities() {}

  public static Capabilities capabilities() {
    return Capabilities.builder()
        .can(Capability.READ_KEYS_DNS)
        .notYet(
            Capability.READ_KEYS_API,
            "the API lists own ZSKs, the KSK and DNSKEY records but no RRSIGs; keys are read over"
                + " DNS")
        .can(Capability.IMPORT_FOREIGN_DNSKEY)
        .cannot(
            Capability.PUBLISH_CDS_CDNSKEY,
            "the DNS records API has no CDS/CDNSKEY type; Cloudflare publishes them for its own"
                + " KSK only")
        .cannot(
            Capability.ACCEPT_SIGNED_DNSKEY_RRSET,
            "Cloudflare signs live; pre-signed zones only as a secondary (dnssec_presigned)")
        .cannot(
            Capability.MANAGE_NS,
            "Cloudflare always serves its own assigned nameservers at the apex; multi-provider DNS"
                + " adds apex NS records to them, so the NS set cannot be replaced")
        .cannot(Capability.PUBLISH_CSYNC, "not a record type of the DNS records API")
        .cannot(Capability.SENDS_NOTIFY, "Cloudflare as primary notifies only its secondaries")
        .build();
  }

  /** The DNSSEC endpoint names the zone's KSK and ZSK. */
  public static Support ownKeyListing() {
    return Support.can();
  }

  /** 1200 requests per 5 minutes per user (documented); one record per request, not atomic. */
  public static ProviderLimits limits() {
    return new ProviderLimits(
        Optional.of(new RateLimit(1200, Duration.ofMinutes(5))),
        UpdateGranularity.SINGLE_RECORD,
        false,
        Duration.ofSeconds(10));
  }
}
