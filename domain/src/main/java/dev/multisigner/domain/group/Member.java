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
 * computed from, the latest observation of what it serves, and its commands in flight.
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
    Instant failingSince,
    Pending importing,
    Pending withdrawing,
    Pending cdsPublishing) {

  public Member {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(phase, "phase");
    served = List.copyOf(served);
    cds = List.copyOf(cds);
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
        failingSince,
        importing,
        withdrawing,
        cdsPublishing);
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
        failingSince,
        importing,
        withdrawing,
        cdsPublishing);
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
        failingSince,
        importing,
        withdrawing,
        cdsPublishing);
  }

  public Member withObservation(Instant at, List<KeyData> keys, List<DsData> c) {
    return new Member(
        spec,
        phase,
        waitUntil,
        keysPublishedAt,
        leftServiceAt,
        at,
        keys,
        c,
        null,
        importing,
        withdrawing,
        cdsPublishing);
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
        t,
        importing,
        withdrawing,
        cdsPublishing);
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
        failingSince,
        p,
        withdrawing,
        cdsPublishing);
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
        failingSince,
        importing,
        p,
        cdsPublishing);
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
        failingSince,
        importing,
        withdrawing,
        p);
  }
}
