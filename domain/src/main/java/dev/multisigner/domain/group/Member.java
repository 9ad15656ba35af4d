package dev.multisigner.domain.group;

import dev.multisigner.domain.model.CsyncData;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.RrsigData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerSpec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One signer in a zone's group: its spec, its phase ({@link MemberPhase}), the times its waits are
 * computed from, the latest observation of what it serves (DNSKEY RRset, CDS, NS), and its commands
 * in flight. In model 1 a member other than the KSK holder also has a signature request at the
 * holder and an installation of the signed DNSKEY RRset in flight, and the time of its latest key
 * signing request (its own ZSKs). When the parent scans CSYNC (RFC 7477), the member's observed
 * CSYNC RRset and its CSYNC command in flight. Since format version 7: when it entered its phase,
 * and, as last observed, the key tags of the RRSIGs over its DNSKEY RRset and of its CDNSKEY
 * records (for the operator's view; the decider reads them from the observation itself).
 */
public record Member(
    SignerSpec spec,
    MemberPhase phase,
    Instant waitUntil,
    Instant keysPublishedAt,
    Instant leftServiceAt,
    Instant observedAt,
    List<KeyData> served,
    List<DsData> cds,
    List<String> nameservers,
    Instant failingSince,
    Pending importing,
    Pending withdrawing,
    Pending cdsPublishing,
    Pending nsPublishing,
    Pending signing,
    Pending installing,
    List<RrsigData> installRrsigs,
    Instant keysRequestedAt,
    List<CsyncData> csync,
    Pending csyncPublishing,
    Instant phaseSince,
    List<Integer> dnskeySigners,
    List<Integer> cdnskeyTags) {

  public Member {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(phase, "phase");
    served = List.copyOf(served);
    cds = List.copyOf(cds);
    nameservers = List.copyOf(nameservers);
    installRrsigs = List.copyOf(installRrsigs);
    csync = List.copyOf(csync);
    dnskeySigners = List.copyOf(dnskeySigners);
    cdnskeyTags = List.copyOf(cdnskeyTags);
  }

  public static Member joining(SignerSpec spec) {
    return new Member(
        spec,
        MemberPhase.JOINING,
        null,
        null,
        null,
        null,
        List.of(),
        List.of(),
        List.of(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        List.of(),
        null,
        List.of(),
        null,
        null,
        List.of(),
        List.of());
  }

  public SignerId id() {
    return spec.id();
  }

  public boolean observed() {
    return observedAt != null;
  }

  /** This member with another spec (same id): the end of an algorithm rollover. */
  public Member withSpec(SignerSpec s) {
    if (!s.id().equals(spec.id())) {
      throw new IllegalArgumentException("a member keeps its id");
    }
    Copy c = new Copy(this);
    c.spec = s;
    return c.build();
  }

  public Member withPhase(MemberPhase p, Instant wait) {
    Copy c = new Copy(this);
    c.phase = p;
    c.waitUntil = wait;
    return c.build();
  }

  public Member withKeysPublishedAt(Instant t) {
    Copy c = new Copy(this);
    c.keysPublishedAt = t;
    return c.build();
  }

  public Member withLeftServiceAt(Instant t) {
    Copy c = new Copy(this);
    c.leftServiceAt = t;
    return c.build();
  }

  /** A fresh observation; a signer that answered is no longer failing. */
  public Member withObservation(Instant at, List<KeyData> keys, List<DsData> ds, List<String> ns) {
    Copy c = new Copy(this);
    c.observedAt = at;
    c.served = keys;
    c.cds = ds;
    c.nameservers = ns;
    c.failingSince = null;
    return c.build();
  }

  /** A fresh observation that also read the CSYNC RRset. */
  public Member withObservation(
      Instant at, List<KeyData> keys, List<DsData> ds, List<String> ns, List<CsyncData> cs) {
    Copy c = new Copy(withObservation(at, keys, ds, ns));
    c.csync = cs;
    return c.build();
  }

  /** This member entered its phase at {@code t}. */
  public Member withPhaseSince(Instant t) {
    Copy c = new Copy(this);
    c.phaseSince = t;
    return c.build();
  }

  /** The key tags of the RRSIGs over its DNSKEY RRset and of its CDNSKEY RRset, as observed. */
  public Member withObservedTags(List<Integer> dnskeySigners, List<Integer> cdnskeyTags) {
    Copy c = new Copy(this);
    c.dnskeySigners = dnskeySigners;
    c.cdnskeyTags = cdnskeyTags;
    return c.build();
  }

  public Member withCsyncPublishing(Pending p) {
    Copy c = new Copy(this);
    c.csyncPublishing = p;
    return c.build();
  }

  public Member withFailingSince(Instant t) {
    Copy c = new Copy(this);
    c.failingSince = t;
    return c.build();
  }

  public Member withImporting(Pending p) {
    Copy c = new Copy(this);
    c.importing = p;
    return c.build();
  }

  public Member withWithdrawing(Pending p) {
    Copy c = new Copy(this);
    c.withdrawing = p;
    return c.build();
  }

  public Member withCdsPublishing(Pending p) {
    Copy c = new Copy(this);
    c.cdsPublishing = p;
    return c.build();
  }

  public Member withNsPublishing(Pending p) {
    Copy c = new Copy(this);
    c.nsPublishing = p;
    return c.build();
  }

  public Member withSigning(Pending p) {
    Copy c = new Copy(this);
    c.signing = p;
    return c.build();
  }

  public Member withInstalling(Pending p) {
    return withInstalling(p, p == null ? List.of() : installRrsigs);
  }

  /** The installation in flight and the holder's signatures it carries (kept for a retry). */
  public Member withInstalling(Pending p, List<RrsigData> rrsigs) {
    Copy c = new Copy(this);
    c.installing = p;
    c.installRrsigs = p == null ? List.of() : rrsigs;
    return c.build();
  }

  /**
   * Model 1: no installation in flight; {@code rrsigs} are the holder's signatures over the RRset
   * the member serves, kept to re-sign before they expire.
   */
  public Member withInstalled(List<RrsigData> rrsigs) {
    Copy c = new Copy(this);
    c.installing = null;
    c.installRrsigs = rrsigs;
    return c.build();
  }

  /**
   * Model 1: when the holder's signatures over the RRset this member serves should be renewed, a
   * third of their span (earliest inception to latest expiration) before the latest expires, so a
   * failed or slow signature leaves time to try again; null when none are known.
   */
  public Instant resignAt() {
    if (installRrsigs.isEmpty()) {
      return null;
    }
    Instant from = installRrsigs.stream().map(RrsigData::inception).min(Instant::compareTo).get();
    Instant until = installRrsigs.stream().map(RrsigData::expiration).max(Instant::compareTo).get();
    return until.minus(java.time.Duration.between(from, until).dividedBy(3));
  }

  public Member withKeysRequestedAt(Instant t) {
    Copy c = new Copy(this);
    c.keysRequestedAt = t;
    return c.build();
  }

  /** A mutable copy for the withers, so each names only the fields it changes. */
  private static final class Copy {
    private SignerSpec spec;
    private MemberPhase phase;
    private Instant waitUntil;
    private Instant keysPublishedAt;
    private Instant leftServiceAt;
    private Instant observedAt;
    private List<KeyData> served;
    private List<DsData> cds;
    private List<String> nameservers;
    private Instant failingSince;
    private Pending importing;
    private Pending withdrawing;
    private Pending cdsPublishing;
    private Pending nsPublishing;
    private Pending signing;
    private Pending installing;
    private List<RrsigData> installRrsigs;
    private Instant keysRequestedAt;
    private List<CsyncData> csync;
    private Pending csyncPublishing;
    private Instant phaseSince;
    private List<Integer> dnskeySigners;
    private List<Integer> cdnskeyTags;

    private Copy(Member m) {
      spec = m.spec;
      phase = m.phase;
      waitUntil = m.waitUntil;
      keysPublishedAt = m.keysPublishedAt;
      leftServiceAt = m.leftServiceAt;
      observedAt = m.observedAt;
      served = m.served;
      cds = m.cds;
      nameservers = m.nameservers;
      failingSince = m.failingSince;
      importing = m.importing;
      withdrawing = m.withdrawing;
      cdsPublishing = m.cdsPublishing;
      nsPublishing = m.nsPublishing;
      signing = m.signing;
      installing = m.installing;
      installRrsigs = m.installRrsigs;
      keysRequestedAt = m.keysRequestedAt;
      csync = m.csync;
      csyncPublishing = m.csyncPublishing;
      phaseSince = m.phaseSince;
      dnskeySigners = m.dnskeySigners;
      cdnskeyTags = m.cdnskeyTags;
    }

    private Member build() {
      return new Member(
          spec,
          phase,
          waitUntil,
          keysPublishedAt,
          leftServiceAt,
          observedAt,
          served,
          cds,
          nameservers,
          failingSince,
          importing,
          withdrawing,
          cdsPublishing,
          nsPublishing,
          signing,
          installing,
          installRrsigs,
          keysRequestedAt,
          csync,
          csyncPublishing,
          phaseSince,
          dnskeySigners,
          cdnskeyTags);
    }
  }
}
