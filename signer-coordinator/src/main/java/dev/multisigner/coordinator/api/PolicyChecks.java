package dev.multisigner.coordinator.api;

import dev.multisigner.coordinator.mapping.ProviderTypes;
import dev.multisigner.domain.decide.Admission;
import dev.multisigner.domain.model.ZoneName;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an operator's request gets wrong by itself, refused before anything else looks at it, each
 * with a message that names the zone and the field: a negative TTL or delay, an algorithm not to
 * sign with, a digest type the decider cannot compute or must not publish, a provider type that
 * contradicts the signer's configuration. The decider's own refusals (a group that cannot work)
 * stay in {@link OperatorIntents}; these are the request's shape.
 */
final class PolicyChecks {

  /**
   * RFC 8624 §3.3 DS digests to publish: SHA-256 (MUST) and SHA-384 (MAY); SHA-1 and GOST are MUST
   * NOT, and any other number is no digest at all.
   */
  static final List<Integer> DIGEST_TYPES = List.of(2, 4);

  private PolicyChecks() {}

  /** Refuses a policy whose numbers cannot be meant; an omitted field takes its default. */
  static void policy(ZoneName zone, PolicyRequest p) {
    if (p == null) {
      return;
    }
    // RFC 2181 §8: a TTL is 0 to 2^31-1 seconds; an int cannot exceed that, it can be negative
    atLeast(zone, "policy.dnskeyTtlSeconds", p.dnskeyTtlSeconds(), 0, "a TTL");
    atLeast(zone, "policy.maxZoneTtlSeconds", p.maxZoneTtlSeconds(), 0, "a TTL");
    atLeast(zone, "policy.dsTtlSeconds", p.dsTtlSeconds(), 0, "a TTL");
    atLeast(zone, "policy.nsTtlSeconds", p.nsTtlSeconds(), 0, "a TTL");
    atLeast(zone, "policy.propagationDelaySeconds", p.propagationDelaySeconds(), 0, "a delay");
    atLeast(
        zone,
        "policy.parentPropagationDelaySeconds",
        p.parentPropagationDelaySeconds(),
        0,
        "a delay");
    atLeast(zone, "policy.maxCdsRecords", p.maxCdsRecords(), 0, "a count (0 = no limit)");
    // 0 would retry a failed command in a tight loop, or halt a zone at the first missed poll
    atLeast(zone, "policy.retryIntervalSeconds", p.retryIntervalSeconds(), 1, "an interval");
    atLeast(zone, "policy.unreachableLimitSeconds", p.unreachableLimitSeconds(), 1, "a limit");
    if (p.algorithm() != null) {
      algorithm(zone, "policy.algorithm", p.algorithm());
    }
    if (p.digestTypes() != null) {
      digestTypes(zone, p.digestTypes());
    }
  }

  /** Refuses an algorithm that is not one to sign with (RFC 8624 §3.1, the decider's list). */
  static void algorithm(ZoneName zone, String field, int algorithm) {
    if (!Admission.SIGNING_ALGORITHMS.contains(algorithm)) {
      throw ApiProblem.badRequest(
          "zone="
              + zone
              + ": "
              + field
              + ": algorithm "
              + algorithm
              + " is not one to sign with (RFC 8624 §3.1: "
              + Admission.SIGNING_ALGORITHMS
              + ")");
    }
  }

  /**
   * The configured kind of a signer, refusing a request that names another one: the type selects
   * the capabilities the decider plans with, so it must be the configuration's, not the caller's.
   * An alias with the same capabilities ({@code knot} for {@code rfc2136}) is the same kind.
   */
  static String kind(ZoneName zone, String signer, String requested, String configured) {
    if (requested == null
        || requested.isBlank()
        || requested.equals(configured)
        || (ProviderTypes.capabilities(requested).isPresent()
            && ProviderTypes.capabilities(requested)
                .equals(ProviderTypes.capabilities(configured)))) {
      return configured;
    }
    throw ApiProblem.badRequest(
        "zone="
            + zone
            + " signer="
            + signer
            + ": signers[].type: '"
            + requested
            + "' is not this signer's configured kind '"
            + configured
            + "' (omit type, or name the configured one)");
  }

  private static void digestTypes(ZoneName zone, List<Integer> types) {
    if (types.isEmpty()) {
      throw ApiProblem.badRequest(
          "zone=" + zone + ": policy.digestTypes: at least one is required (2 = SHA-256)");
    }
    Set<Integer> seen = new HashSet<>();
    for (Integer t : types) {
      if (t == null || !DIGEST_TYPES.contains(t)) {
        throw ApiProblem.badRequest(
            "zone="
                + zone
                + ": policy.digestTypes: digest type "
                + t
                + " is not one to publish (RFC 8624 §3.3: "
                + DIGEST_TYPES
                + ")");
      }
      if (!seen.add(t)) {
        throw ApiProblem.badRequest(
            "zone=" + zone + ": policy.digestTypes: digest type " + t + " is listed twice");
      }
    }
  }

  private static void atLeast(ZoneName zone, String field, Integer value, int min, String what) {
    if (value != null && value < min) {
      throw ApiProblem.badRequest(
          "zone="
              + zone
              + ": "
              + field
              + ": "
              + value
              + " is "
              + (value < 0 ? "negative" : "too small")
              + " ("
              + what
              + " in "
              + (field.endsWith("Seconds") ? "seconds, " : "")
              + min
              + " or more)");
    }
  }
}
