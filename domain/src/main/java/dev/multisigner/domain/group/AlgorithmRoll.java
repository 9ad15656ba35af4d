package dev.multisigner.domain.group;

import dev.multisigner.domain.model.SignerId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A group-wide algorithm rollover in progress (draft-ietf-dnsop-dnssec-automation "Algorithm
 * rollover", RFC 6781 §4.1.4 conservative "double signature", RFC 7583 §3.4), model 2. Every signer
 * rolls its own keys; the decider only observes and decides when the DS set may change.
 *
 * <pre>
 *   RollAlgorithm
 *        |
 *        v
 *   PUBLISHING -- every member serves a KSK/CSK and zone-signing key of the new algorithm, signs
 *        |        its DNSKEY RRset and zone data with both algorithms, and serves every other
 *        |        member's new ZSKs (observed at t) -->
 *   PUBLISH_WAIT -- t + max(DNSKEY-Wait-Time, signature wait) -->
 *   NEW_DS -- parent DS holds the new algorithm's DS (observed at t) -->
 *   NEW_DS_WAIT -- t + DS-Wait-Time -->
 *   OLD_DS_REMOVAL -- parent DS without the old algorithm (observed at t) -->
 *   OLD_DS_WAIT -- t + DS-Wait-Time -->
 *   OLD_KEYS -- no member serves an old-algorithm key any more --> (done: policy uses {@code to})
 * </pre>
 *
 * <p>{@code doubleSigned} names the members observed signing their DNSKEY RRset and zone data with
 * both algorithms; {@code waitUntil} is the end of the current wait (null outside the waits).
 */
public record AlgorithmRoll(
    int from,
    int to,
    String operator,
    Phase phase,
    Instant startedAt,
    Instant waitUntil,
    List<SignerId> doubleSigned) {

  public AlgorithmRoll {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(startedAt, "startedAt");
    doubleSigned = doubleSigned.stream().distinct().sorted().toList();
  }

  /** The steps of the rollover, in order. */
  public enum Phase {
    PUBLISHING,
    PUBLISH_WAIT,
    NEW_DS,
    NEW_DS_WAIT,
    OLD_DS_REMOVAL,
    OLD_DS_WAIT,
    OLD_KEYS;

    /** True from the step where the parent's DS set may reference the new algorithm. */
    public boolean newDsAllowed() {
      return ordinal() >= NEW_DS.ordinal();
    }

    /** True from the step where the parent's DS set must no longer reference the old algorithm. */
    public boolean oldDsRemoved() {
      return ordinal() >= OLD_DS_REMOVAL.ordinal();
    }
  }

  public AlgorithmRoll withPhase(Phase p, Instant until) {
    return new AlgorithmRoll(from, to, operator, p, startedAt, until, doubleSigned);
  }

  public AlgorithmRoll withDoubleSigned(List<SignerId> ids) {
    return new AlgorithmRoll(from, to, operator, phase, startedAt, waitUntil, ids);
  }

  /** True when keys of this algorithm belong to the group while the roll runs. */
  public boolean uses(int algorithm) {
    return algorithm == from || algorithm == to;
  }
}
