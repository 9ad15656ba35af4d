package dev.multisigner.providers;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a provider allows, as data: its request rate limit, the granularity of one write, and
 * whether a write can be made conditional on what was read (so a concurrent change is detected by
 * the provider itself rather than by a re-read just before writing).
 */
public record ProviderLimits(
    Optional<RateLimit> rateLimit,
    UpdateGranularity granularity,
    boolean atomicConditionalWrite,
    Duration suggestedTimeout) {

  public ProviderLimits {
    Objects.requireNonNull(rateLimit, "rateLimit");
    Objects.requireNonNull(granularity, "granularity");
    Objects.requireNonNull(suggestedTimeout, "suggestedTimeout");
  }

  /** At most {@code requests} per {@code per}. */
  public record RateLimit(int requests, Duration per) {
    @Override
    public String toString() {
      return requests + " requests / " + per.toSeconds() + " s";
    }
  }

  /** How much one write call changes. */
  public enum UpdateGranularity {
    /** Any number of single records added and removed in one atomic message (RFC 2136). */
    RECORDS_ATOMIC("any records, one atomic message"),
    /** Whole RRsets replaced in one request (PowerDNS PATCH with REPLACE). */
    RRSET_REPLACE("whole RRsets, one request"),
    /** One record per request, not atomic across records (Cloudflare DNS records API). */
    SINGLE_RECORD("one record per request"),
    /** Applied in process at once (tests only). */
    IN_MEMORY("in memory");

    private final String description;

    UpdateGranularity(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }
}
