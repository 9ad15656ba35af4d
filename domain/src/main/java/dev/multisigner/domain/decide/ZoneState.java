package dev.multisigner.domain.decide;

import dev.multisigner.domain.group.AlgorithmRoll;
import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.Pending;
import dev.multisigner.domain.group.ServedTtls;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the decider remembers about one zone. Immutable; {@link ZoneDecider} returns a new one
 * with every decision and {@code ZoneStateCodec} turns it into bytes for the shell's state store.
 * {@code parentDs} and {@code parentNs} are null until the parent has been observed once. {@code
 * servedTtls}: the TTLs served longer than the policy's, which the waits use ({@link ServedTtls}).
 */
public record ZoneState(
    ZoneName zone,
    ZoneStatus status,
    HaltCause haltCause,
    String haltReason,
    GroupPolicy policy,
    long seq,
    List<Member> members,
    List<KeyRecord> keys,
    List<DsData> parentDs,
    Instant parentDsSince,
    List<String> parentNs,
    Instant parentNsSince,
    Pending dsRequest,
    Pending nsRequest,
    Instant wakeAt,
    AlgorithmRoll algorithmRoll,
    ServedTtls servedTtls) {

  public ZoneState {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(haltCause, "haltCause");
    members = List.copyOf(members);
    keys = List.copyOf(keys);
    parentDs = parentDs == null ? null : List.copyOf(parentDs);
    parentNs = parentNs == null ? null : List.copyOf(parentNs);
    servedTtls = servedTtls == null ? ServedTtls.NONE : servedTtls;
  }

  /** This state with another status and halt cause, everything else (a rollover too) kept. */
  public ZoneState withStatus(ZoneStatus s, HaltCause cause, String reason) {
    return new ZoneState(
        zone,
        s,
        cause,
        reason,
        policy,
        seq,
        members,
        keys,
        parentDs,
        parentDsSince,
        parentNs,
        parentNsSince,
        dsRequest,
        nsRequest,
        wakeAt,
        algorithmRoll,
        servedTtls);
  }

  /** The state of a zone never seen. */
  public static ZoneState absent(ZoneName zone) {
    return new ZoneState(
        zone,
        ZoneStatus.ABSENT,
        HaltCause.NONE,
        null,
        null,
        0,
        List.of(),
        List.of(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        ServedTtls.NONE);
  }

  public Optional<Member> member(SignerId id) {
    return members.stream().filter(m -> m.id().equals(id)).findFirst();
  }
}
