package dev.multisigner.providers;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Plans the changes that bring one provider from what it serves to what Multisigner wants there,
 * and applies a reviewed plan. After a successful apply, planning again from a fresh read must give
 * an empty plan: that is what the contract suite checks for every adapter.
 *
 * <p>Rules: a desired foreign DNSKEY that is not served is added; a served DNSKEY that is neither
 * the provider's own nor desired is removed (when the adapter only inferred its own keys from
 * signatures, only if it is listed as withdrawable: it could be the signer's pre-published key);
 * the provider's own keys are never touched. CDS and CDNSKEY records derived from the provider's
 * own keys are left to the provider (it publishes them by its own policy); all others follow the
 * desired set exactly.
 */
public final class ProviderPlanner {

  /**
   * The plan for {@code desired} against {@code served}. Strict: fails with {@link
   * ProviderException.Kind#UNSUPPORTED} when a change needs a capability the provider lacks.
   */
  public ProviderPlan plan(DesiredKeys desired, ZoneKeySnapshot served, Capabilities caps) {
    Name apex = served.zone().toName();
    List<PlanChange> changes = new ArrayList<>();

    Set<DNSKEYRecord> wantedKeys = atApex(desired.foreignDnskeys(), apex);
    wantedKeys.stream()
        .filter(k -> !served.dnskeys().contains(k))
        .forEach(k -> changes.add(new PlanChange(PlanChange.Action.ADD, k)));
    Set<DNSKEYRecord> withdrawable = atApex(desired.withdrawable(), apex);
    boolean ownKnown = served.ownKeySource() != ZoneKeySnapshot.OwnKeySource.SIGNATURES;
    served.dnskeys().stream()
        .filter(k -> !served.ownKeys().contains(k) && !wantedKeys.contains(k))
        .filter(k -> ownKnown || withdrawable.contains(k))
        .forEach(k -> changes.add(new PlanChange(PlanChange.Action.REMOVE, k)));

    Predicate<Record> ownDerived = r -> derivedFromOwnKey(r, served.ownKeys());
    diff(atApex(desired.cds(), apex), served.cds(), ownDerived, changes);
    diff(atApex(desired.cdnskeys(), apex), served.cdnskeys(), ownDerived, changes);

    ProviderPlan plan = new ProviderPlan(served, changes);
    requireCapabilities(plan, caps);
    return plan;
  }

  /** Applies {@code plan} if its hash is the one that was reviewed. */
  public void apply(DnsProvider provider, ProviderPlan plan, String reviewedHash) {
    if (!plan.hash().equals(reviewedHash)) {
      throw new IllegalArgumentException(
          "plan hash "
              + plan.hash()
              + " is not the reviewed hash "
              + reviewedHash
              + " (zone="
              + plan.zone()
              + " provider="
              + plan.provider()
              + ")");
    }
    apply(provider, plan);
  }

  /** Applies {@code plan} through {@code provider}; an empty plan does nothing. */
  public void apply(DnsProvider provider, ProviderPlan plan) {
    if (!provider.id().equals(plan.provider())) {
      throw new IllegalArgumentException(
          "plan for provider " + plan.provider() + " given to provider " + provider.id());
    }
    requireCapabilities(plan, provider.capabilities());
    if (!plan.isEmpty()) {
      provider.apply(plan);
    }
  }

  /** Fails when the plan needs a capability that {@code caps} does not have. */
  public static void requireCapabilities(ProviderPlan plan, Capabilities caps) {
    require(plan, caps, Capability.IMPORT_FOREIGN_DNSKEY, plan.touches(Type.DNSKEY));
    require(
        plan,
        caps,
        Capability.PUBLISH_CDS_CDNSKEY,
        plan.touches(Type.CDS) || plan.touches(Type.CDNSKEY));
    require(plan, caps, Capability.MANAGE_NS, plan.touches(Type.NS));
    require(plan, caps, Capability.PUBLISH_CSYNC, plan.touches(Type.CSYNC));
  }

  private static void require(
      ProviderPlan plan, Capabilities caps, Capability capability, boolean needed) {
    if (needed && !caps.can(capability)) {
      throw ProviderException.of(
          ProviderException.Kind.UNSUPPORTED,
          plan.zone(),
          plan.provider(),
          "the plan needs "
              + capability
              + ", which this provider does not support: "
              + caps.support(capability).reason());
    }
  }

  private static <R extends Record> void diff(
      Set<R> wanted, List<R> served, Predicate<Record> ownDerived, List<PlanChange> changes) {
    wanted.stream()
        .filter(r -> !served.contains(r))
        .forEach(r -> changes.add(new PlanChange(PlanChange.Action.ADD, r)));
    served.stream()
        .filter(r -> !wanted.contains(r) && !ownDerived.test(r))
        .forEach(r -> changes.add(new PlanChange(PlanChange.Action.REMOVE, r)));
  }

  @SuppressWarnings("unchecked")
  private static <R extends Record> Set<R> atApex(Set<R> records, Name apex) {
    return records.stream()
        .map(r -> r.getName().equals(apex) ? r : (R) r.withName(apex))
        .collect(Collectors.toSet());
  }

  /** True when a CDS/CDNSKEY record points at one of the provider's own keys. */
  public static boolean derivedFromOwnKey(Record r, Set<DNSKEYRecord> ownKeys) {
    for (DNSKEYRecord own : ownKeys) {
      if (r instanceof CDNSKEYRecord c
          && c.getFlags() == own.getFlags()
          && c.getAlgorithm() == own.getAlgorithm()
          && Arrays.equals(c.getKey(), own.getKey())) {
        return true;
      }
      if (r instanceof CDSRecord c
          && c.getFootprint() == own.getFootprint()
          && c.getAlgorithm() == own.getAlgorithm()
          && Arrays.equals(c.getDigest(), digest(own, c.getDigestID()))) {
        return true;
      }
    }
    return false;
  }

  private static byte[] digest(DNSKEYRecord key, int digestId) {
    try {
      return new DSRecord(key.getName(), DClass.IN, 0, digestId, key).getDigest();
    } catch (IllegalArgumentException e) {
      // digest type 0 (RFC 8078 §4 delete) or one dnsjava does not know: matches no key
      return new byte[0];
    }
  }
}
