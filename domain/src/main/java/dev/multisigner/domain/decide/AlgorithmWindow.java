package dev.multisigner.domain.decide;

import dev.multisigner.domain.group.AlgorithmRoll;
import dev.multisigner.domain.model.KeyData;

/**
 * What an algorithm rollover (see {@link AlgorithmRollProcess}) allows right now, for the other
 * processes to ask instead of reading the roll's fields. Without a rollover only the policy's
 * algorithm is the group's and nothing is held back.
 */
final class AlgorithmWindow {

  private AlgorithmWindow() {}

  /** True while an algorithm rollover runs. */
  static boolean rolling(Draft w) {
    return w.roll != null;
  }

  /**
   * The algorithms whose keys pass for the group's: the policy's, and during an algorithm rollover
   * the new one too (RFC 6781 §4.1.4: both are served and used side by side).
   */
  static boolean groupAlgorithm(Draft w, int algorithm) {
    return algorithm == w.policy.algorithm() || w.roll != null && w.roll.uses(algorithm);
  }

  /**
   * The algorithms the parent's DS set (and the CDS set) may reference now: the policy's; during a
   * rollover the old one until its DS is to leave, the new one only once every signer double-signs
   * and the waits passed (RFC 7583 §3.4.1, "conservative" approach for multi-signer).
   */
  static boolean dsAlgorithm(Draft w, int algorithm) {
    AlgorithmRoll r = w.roll;
    if (r == null) {
      return algorithm == w.policy.algorithm();
    }
    if (algorithm == r.from()) {
      return !r.phase().oldDsRemoved();
    }
    return algorithm == r.to() && r.phase().newDsAllowed();
  }

  /**
   * True while keys of this algorithm must stay: during an algorithm rollover no old-algorithm key
   * is withdrawn before the old DS has left the parent for DS-Wait-Time (RFC 6781 §4.1.4 step 8
   * before step 9).
   */
  static boolean oldAlgorithmHeld(Draft w, int algorithm) {
    return w.roll != null
        && algorithm == w.roll.from()
        && w.roll.phase() != AlgorithmRoll.Phase.OLD_KEYS;
  }

  static boolean mayWithdraw(Draft w, KeyData d) {
    return !oldAlgorithmHeld(w, d.algorithm());
  }

  /**
   * True for the new algorithm before any DS may name it: a signer's double signature then needs no
   * other signer to serve its new keys, validators use the old algorithm (RFC 6840 §5.11, RFC 6781
   * §4.1.4).
   */
  static boolean newAlgorithmBeforeItsDs(Draft w, int algorithm) {
    return w.roll != null && algorithm == w.roll.to() && !w.roll.phase().newDsAllowed();
  }
}
