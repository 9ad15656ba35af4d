package dev.multisigner.domain.plan;

import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.ParentChannel;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.SignerSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses, with a specific reason, a signer group that cannot work
 * (draft-ietf-dnsop-dnssec-automation "Prerequisites"; RFC 8901 §4 and §8).
 */
public final class GroupCheck {

  private GroupCheck() {}

  /** Why this group cannot be enrolled (or grown to these signers), if it cannot. */
  public static Optional<String> refusal(GroupPolicy policy, List<SignerSpec> signers) {
    if (signers.isEmpty()) {
      return Optional.of("a group needs at least one signer");
    }
    if (policy.model() == SignerModel.MODEL_1) {
      Optional<String> holder = holderRefusal(policy, signers);
      if (holder.isPresent()) {
        return holder;
      }
    }
    Set<Object> ids = new HashSet<>();
    for (SignerSpec s : signers) {
      if (!ids.add(s.id())) {
        return Optional.of("signer " + s.id() + " is listed twice");
      }
      if (s.algorithm() != policy.algorithm()) {
        return Optional.of(
            "algorithm mismatch: signer "
                + s.id()
                + " signs with algorithm "
                + s.algorithm()
                + ", the group uses "
                + policy.algorithm()
                + " (RFC 8901 §4)");
      }
      Capability needed = needed(policy, s);
      if (signers.size() > 1 && !s.capabilities().can(needed)) {
        return Optional.of(
            "signer "
                + s.id()
                + " cannot "
                + (needed == Capability.IMPORT_FOREIGN_DNSKEY
                    ? "import foreign DNSKEYs"
                    : "accept a DNSKEY RRset signed by the KSK holder "
                        + policy.kskHolder()
                        + " (RFC 8901 §2.1.1)")
                + ": "
                + s.capabilities().support(needed).reason());
      }
      if (!s.capabilities().can(Capability.PUBLISH_CDS_CDNSKEY)) {
        return Optional.of(
            "signer "
                + s.id()
                + " cannot publish the group's CDS/CDNSKEY (RFC 9975): "
                + s.capabilities().support(Capability.PUBLISH_CDS_CDNSKEY).reason());
      }
      if (policy.channels().csync()
          && !policy.channels().ns().contains(ParentChannel.DNS_UPDATE)
          && s.capabilities().can(Capability.MANAGE_NS)
          && !s.capabilities().can(Capability.PUBLISH_CSYNC)) {
        return Optional.of(
            "signer "
                + s.id()
                + " cannot publish CSYNC (RFC 7477), and the parent takes NS changes only from"
                + " CSYNC: "
                + s.capabilities().support(Capability.PUBLISH_CSYNC).reason());
      }
    }
    int ksks = policy.model() == SignerModel.MODEL_2 ? signers.size() : 1;
    int cds = ksks * policy.cdsDigestTypes().size();
    if (cds > policy.maxCdsRecords()) {
      return Optional.of(
          "the CDS set would have "
              + cds
              + " records ("
              + ksks
              + " KSKs x "
              + policy.cdsDigestTypes().size()
              + " digest types), the registry accepts at most "
              + policy.maxCdsRecords());
    }
    return Optional.empty();
  }

  /**
   * Model 1 needs exactly one KSK holder, one of the signers (RFC 8901 §2.1.1: the zone owner or
   * one designated provider; a KSK held outside the group is not built).
   */
  private static Optional<String> holderRefusal(GroupPolicy policy, List<SignerSpec> signers) {
    if (policy.kskHolder() == null) {
      return Optional.of(
          "model 1 needs a KSK holder: the one signer whose KSK signs every signer's DNSKEY RRset"
              + " (RFC 8901 §2.1.1)");
    }
    if (signers.stream().noneMatch(s -> s.id().equals(policy.kskHolder()))) {
      return Optional.of(
          "the KSK holder " + policy.kskHolder() + " is not one of the signers " + ids(signers));
    }
    return Optional.empty();
  }

  /**
   * Model 2: every signer imports the others' ZSKs. Model 1: the KSK holder imports the others'
   * ZSKs into the RRset it signs itself; every other signer serves a DNSKEY RRset signed by the
   * holder.
   */
  private static Capability needed(GroupPolicy policy, SignerSpec s) {
    return policy.model() == SignerModel.MODEL_2 || s.id().equals(policy.kskHolder())
        ? Capability.IMPORT_FOREIGN_DNSKEY
        : Capability.ACCEPT_SIGNED_DNSKEY_RRSET;
  }

  private static List<String> ids(List<SignerSpec> signers) {
    return signers.stream().map(s -> s.id().value()).toList();
  }

  /** Two different keys of the group with one key tag (RFC 4034 Appendix B), if any. */
  public static Optional<String> keyTagCollision(List<KeyRecord> keys) {
    int[] tags = new int[keys.size()];
    for (int i = 0; i < tags.length; i++) {
      tags[i] = keys.get(i).data().keyTag();
    }
    for (int i = 0; i < keys.size(); i++) {
      for (int j = i + 1; j < keys.size(); j++) {
        KeyRecord a = keys.get(i);
        KeyRecord b = keys.get(j);
        if (tags[i] == tags[j] && !a.data().equals(b.data())) {
          return Optional.of(
              "key-tag collision: the "
                  + a.role()
                  + " of "
                  + a.owner()
                  + " and the "
                  + b.role()
                  + " of "
                  + b.owner()
                  + " both have tag "
                  + a.data().keyTag()
                  + "; roll one of them to a key with another tag, then resume");
        }
      }
    }
    return Optional.empty();
  }
}
