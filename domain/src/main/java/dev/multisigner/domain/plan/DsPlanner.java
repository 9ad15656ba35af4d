package dev.multisigner.domain.plan;

import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.ZoneName;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The group's DS set and, identical at every signer, its CDS/CDNSKEY set (RFC 8901 §2.1.2: the DS
 * RRset references every member's KSK; RFC 9975: CDS/CDNSKEY identical at every nameserver).
 *
 * <p>A member's KSKs/CSKs are covered from the moment its keys are cross-published (draft "Signer
 * joins" step 4) until DNSKEY-Wait-Time after it left service; a retired KSK stays covered until
 * DNSKEY-Wait-Time after its owner stopped serving it, so no cached DNSKEY RRset signed only by it
 * loses its DS (RFC 7583 §3.3.2, draft "KSK rollover" step 5).
 *
 * <p>In model 1 (RFC 8901 §2.1.1) only the KSK holder has keys with a DS, and every member's DNSKEY
 * RRset is signed with them; a retired KSK of the holder also stays covered while any member still
 * serves an RRset holding it (one signed before the new KSK was published may still say so).
 */
public final class DsPlanner {

  private DsPlanner() {}

  /** True when the parent's NS set names at least one of the member's nameservers. */
  public static boolean delegated(Member m, List<String> parentNs) {
    return parentNs != null && m.spec().nameservers().stream().anyMatch(parentNs::contains);
  }

  /** The KSKs/CSKs the parent's DS set must reference now. */
  public static List<KeyData> dsKeys(
      GroupPolicy policy,
      List<Member> members,
      List<KeyRecord> keys,
      List<String> parentNs,
      Instant now) {
    TreeSet<KeyData> out = new TreeSet<>();
    for (Member m : members) {
      if (!covered(policy, m, parentNs, now)) {
        continue;
      }
      for (KeyRecord k : keys) {
        if (k.owner().equals(m.id())
            && k.role().needsDs()
            && (!k.retired()
                || now.isBefore(k.goneSince().plus(policy.dnskeyWait()))
                || policy.model() == SignerModel.MODEL_1 && servedByAnyone(members, k.data()))) {
          out.add(k.data());
        }
      }
    }
    return List.copyOf(out);
  }

  private static boolean servedByAnyone(List<Member> members, KeyData key) {
    return members.stream().anyMatch(m -> m.phase().inService() && m.served().contains(key));
  }

  /** The member whose KSKs/CSKs sign {@code m}'s DNSKEY RRset: the KSK holder in model 1. */
  public static SignerId dnskeySigner(GroupPolicy policy, Member m) {
    return policy.model() == SignerModel.MODEL_1 ? policy.kskHolder() : m.id();
  }

  private static boolean covered(GroupPolicy policy, Member m, List<String> parentNs, Instant now) {
    if (m.phase() == MemberPhase.LEAVING_DS) {
      return now.isBefore(m.leftServiceAt().plus(policy.dnskeyWait()));
    }
    return m.phase().coveredByDs() || delegated(m, parentNs);
  }

  /** The DS (and CDS) records for these keys, one per digest type of the registry's policy. */
  public static List<DsData> ds(ZoneName zone, GroupPolicy policy, List<KeyData> keys) {
    TreeSet<DsData> out = new TreeSet<>();
    for (KeyData k : keys) {
      for (int digest : policy.cdsDigestTypes()) {
        out.add(DsData.of(zone, k, digest));
      }
    }
    return List.copyOf(out);
  }

  /** True when some DS in the set references the key. */
  public static boolean references(ZoneName zone, List<DsData> ds, KeyData key) {
    return ds != null && ds.stream().anyMatch(d -> d.references(zone, key));
  }

  /** True when the set has more records than the registry accepts as CDS (the first refusal). */
  public static boolean overCdsLimit(GroupPolicy policy, List<DsData> desired) {
    return desired.size() > policy.maxCdsRecords();
  }

  /**
   * Refuses a DS set that would leave a serving member without a DS for any of its KSKs/CSKs
   * (invariant 3), or that exceeds the registry's maximum number of CDS records.
   */
  public static Optional<String> refusal(
      ZoneName zone,
      GroupPolicy policy,
      List<Member> members,
      List<KeyRecord> keys,
      List<String> parentNs,
      List<DsData> desired) {
    if (overCdsLimit(policy, desired)) {
      return Optional.of(
          "the CDS/DS set would have "
              + desired.size()
              + " records, the registry accepts at most "
              + policy.maxCdsRecords());
    }
    for (Member m : members) {
      if (!m.observed() || !(m.phase() == MemberPhase.ACTIVE || delegated(m, parentNs))) {
        continue;
      }
      boolean covered =
          keys.stream()
              .anyMatch(
                  k ->
                      k.owner().equals(dnskeySigner(policy, m))
                          && k.role().needsDs()
                          && !k.retired()
                          && references(zone, desired, k.data()));
      if (!covered && m.phase().inService()) {
        return Optional.of(
            "signer "
                + m.id()
                + " serves the zone but no KSK/CSK "
                + (policy.model() == SignerModel.MODEL_1
                    ? "of the KSK holder " + policy.kskHolder()
                    : "of it")
                + " would have a DS");
      }
    }
    return Optional.empty();
  }
}
