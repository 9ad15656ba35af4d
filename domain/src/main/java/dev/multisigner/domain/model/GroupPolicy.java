package dev.multisigner.domain.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a signer group works for one zone: the model, the algorithm every signer uses, the TTLs and
 * propagation delays the waits are computed from (RFC 7583 §3.3, draft-ietf-dnsop-dnssec-automation
 * "Terminology"), and the registry's policy for CDS/CDNSKEY (digest types, maximum CDS records).
 *
 * <p>In model 1 (RFC 8901 §2.1.1) {@code kskHolder} names the one member that holds the group's KSK
 * and signs every member's DNSKEY RRset with it; in model 2 it is null. {@code channels} says how
 * the parent takes DS and NS changes (with CSYNC scanning, the signers publish CSYNC, RFC 7477).
 */
public record GroupPolicy(
    SignerModel model,
    int algorithm,
    Duration dnskeyTtl,
    Duration maxZoneTtl,
    Duration dsTtl,
    Duration nsTtl,
    Duration propagationDelay,
    Duration parentPropagationDelay,
    List<Integer> cdsDigestTypes,
    int maxCdsRecords,
    boolean publishCdnskey,
    Duration retryInterval,
    Duration unreachableLimit,
    SignerId kskHolder,
    ParentChannels channels) {

  /** SHA-256 (RFC 4509), the default CDS/DS digest. */
  public static final int SHA256 = 2;

  public GroupPolicy {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(channels, "channels");
    cdsDigestTypes = List.copyOf(cdsDigestTypes);
    if (cdsDigestTypes.isEmpty()) {
      throw new IllegalArgumentException("a group needs at least one CDS digest type");
    }
  }

  /**
   * A policy without a KSK holder (model 2, or a model 1 policy still to be refused) whose parent
   * takes DS and NS changes from the ds-publisher ({@link ParentChannels#DIRECT}).
   */
  public GroupPolicy(
      SignerModel model,
      int algorithm,
      Duration dnskeyTtl,
      Duration maxZoneTtl,
      Duration dsTtl,
      Duration nsTtl,
      Duration propagationDelay,
      Duration parentPropagationDelay,
      List<Integer> cdsDigestTypes,
      int maxCdsRecords,
      boolean publishCdnskey,
      Duration retryInterval,
      Duration unreachableLimit) {
    this(
        model,
        algorithm,
        dnskeyTtl,
        maxZoneTtl,
        dsTtl,
        nsTtl,
        propagationDelay,
        parentPropagationDelay,
        cdsDigestTypes,
        maxCdsRecords,
        publishCdnskey,
        retryInterval,
        unreachableLimit,
        null,
        ParentChannels.DIRECT);
  }

  /** Model 1 with the same lab TTLs as {@link #modelTwo}: {@code holder} signs every RRset. */
  public static GroupPolicy modelOne(int algorithm, SignerId holder) {
    return modelTwo(algorithm).withModel(SignerModel.MODEL_1, holder);
  }

  /** This policy for another model and KSK holder. */
  public GroupPolicy withModel(SignerModel m, SignerId holder) {
    return copy(m, algorithm, holder, channels);
  }

  /** This policy with another algorithm (the end of an algorithm rollover). */
  public GroupPolicy withAlgorithm(int a) {
    return copy(model, a, kskHolder, channels);
  }

  /** This policy with other parent channels. */
  public GroupPolicy withChannels(ParentChannels c) {
    return copy(model, algorithm, kskHolder, c);
  }

  /**
   * This policy with its DNSKEY, DS and NS TTLs raised to at least the given ones (what is served),
   * the largest zone TTL to at least the DNSKEY TTL; unchanged when none is longer.
   */
  public GroupPolicy withTtlsAtLeast(Duration dnskey, Duration ds, Duration ns) {
    Duration dk = longer(dnskeyTtl, dnskey);
    Duration d = longer(dsTtl, ds);
    Duration n = longer(nsTtl, ns);
    Duration z = longer(maxZoneTtl, dk);
    if (dk.equals(dnskeyTtl) && d.equals(dsTtl) && n.equals(nsTtl) && z.equals(maxZoneTtl)) {
      return this;
    }
    return copy(model, algorithm, dk, z, d, n, kskHolder, channels);
  }

  private static Duration longer(Duration a, Duration b) {
    return b.compareTo(a) > 0 ? b : a;
  }

  private GroupPolicy copy(SignerModel m, int a, SignerId holder, ParentChannels c) {
    return copy(m, a, dnskeyTtl, maxZoneTtl, dsTtl, nsTtl, holder, c);
  }

  private GroupPolicy copy(
      SignerModel m,
      int a,
      Duration dk,
      Duration z,
      Duration d,
      Duration n,
      SignerId holder,
      ParentChannels c) {
    return new GroupPolicy(
        m,
        a,
        dk,
        z,
        d,
        n,
        propagationDelay,
        parentPropagationDelay,
        cdsDigestTypes,
        maxCdsRecords,
        publishCdnskey,
        retryInterval,
        unreachableLimit,
        holder,
        c);
  }

  /** True when {@code id} holds the group's one KSK (model 1). */
  public boolean holdsKsk(SignerId id) {
    return model == SignerModel.MODEL_1 && id.equals(kskHolder);
  }

  /** Model 2, one algorithm, SHA-256 DS, at most 6 CDS records (.se policy), lab TTLs. */
  public static GroupPolicy modelTwo(int algorithm) {
    return new GroupPolicy(
        SignerModel.MODEL_2,
        algorithm,
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        Duration.ofSeconds(120),
        Duration.ofSeconds(120),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        List.of(SHA256),
        6,
        true,
        Duration.ofSeconds(10),
        Duration.ofMinutes(30));
  }

  /** DNSKEY-Wait-Time: the longest a resolver may hold a signer's old DNSKEY RRset. */
  public Duration dnskeyWait() {
    return dnskeyTtl.plus(propagationDelay);
  }

  /** The longest an RRSIG made by a retired key may stay in caches (RFC 7583 Iret, Dsgn = 0). */
  public Duration signatureWait() {
    return maxZoneTtl.plus(propagationDelay);
  }

  /** DS-Wait-Time: the longest a resolver may hold the parent's previous DS RRset. */
  public Duration dsWait() {
    return dsTtl.plus(parentPropagationDelay);
  }

  /** NS-Wait-Time: the longest a resolver may keep asking a nameserver no longer delegated to. */
  public Duration nsWait() {
    return nsTtl.plus(parentPropagationDelay);
  }
}
