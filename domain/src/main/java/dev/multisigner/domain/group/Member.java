package dev.multisigner.domain.group;

import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerSpec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One signer in a zone's group: its spec, its phase ({@link MemberPhase}), the times its waits are
 * computed from, the latest observation of what it serves (DNSKEY RRset, CDS, NS), and its commands
 * in flight.
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
    Pending nsPublishing) {

  public Member {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(phase, "phase");
    served = List.copyOf(served);
    cds = List.copyOf(cds);
    nameservers = List.copyOf(nameservers);
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
        null);
  }

  public SignerId id() {
    return spec.id();
  }

  public boolean observed() {
    return observedAt != null;
  }

  public Member withPhase(MemberPhase p, Instant wait) {
    return new Member(
        spec,
        p,
        wait,
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
        nsPublishing);
  }

  public Member withKeysPublishedAt(Instant t) {
    return new Member(
        spec,
        phase,
        waitUntil,
        t,
        leftServiceAt,
        observedAt,
        served,
        cds,
        nameservers,
        failingSince,
        importing,
        withdrawing,
        cdsPublishing,
        nsPublishing);
  }

  public Member withLeftServiceAt(Instant t) {
    return new Member(
        spec,
        phase,
        waitUntil,
        keysPublishedAt,
        t,
        observedAt,
        served,
        cds,
        nameservers,
        failingSince,
        importing,
        withdrawing,
        cdsPublishing,
        nsPublishing);
  }

  public Member withObservation(Instant at, List<KeyData> keys, List<DsData> c, List<String> ns) {
    return new Member(
        spec,
        phase,
        waitUntil,
        keysPublishedAt,
        leftServiceAt,
        at,
        keys,
        c,
        ns,
        null,
        importing,
        withdrawing,
        cdsPublishing,
        nsPublishing);
  }

  public Member withFailingSince(Instant t) {
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
        t,
        importing,
        withdrawing,
        cdsPublishing,
        nsPublishing);
  }

  public Member withImporting(Pending p) {
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
        p,
        withdrawing,
        cdsPublishing,
        nsPublishing);
  }

  public Member withWithdrawing(Pending p) {
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
        p,
        cdsPublishing,
        nsPublishing);
  }

  public Member withCdsPublishing(Pending p) {
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
        p,
        nsPublishing);
  }

  public Member withNsPublishing(Pending p) {
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
        p);
  }
}
