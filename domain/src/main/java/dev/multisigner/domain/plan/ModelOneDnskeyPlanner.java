package dev.multisigner.domain.plan;

import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerId;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * RFC 8901 §2.1.1 (model 1): one KSK, held by one member (the KSK holder), signs every member's
 * DNSKEY RRset; every member's RRset holds that KSK and the ZSKs of every member.
 *
 * <ul>
 *   <li>The holder serves and signs its own RRset: it imports every other member's ZSK, as in model
 *       2, with the same waits ({@link ModelTwoDnskeyPlanner}).
 *   <li>Every other member serves an RRset made for it: the holder's KSKs (a retired KSK leaves at
 *       once: it signs no zone data; a retired CSK stays for the signature wait, like a ZSK), the
 *       holder's ZSKs, every other member's ZSKs, and its own ZSKs as its latest key signing
 *       request names them (one dropped from the request stays for the signature wait, RFC 7583
 *       §3.3.1).
 * </ul>
 */
final class ModelOneDnskeyPlanner {

  private ModelOneDnskeyPlanner() {}

  static Set<KeyData> foreignKeysOf(
      GroupPolicy policy, List<Member> members, List<KeyRecord> keys, Member target, Instant now) {
    Set<KeyData> out = ModelTwoDnskeyPlanner.zoneSigningKeysOf(policy, members, keys, target, now);
    SignerId holder = policy.kskHolder();
    if (target.id().equals(holder)) {
      return out;
    }
    for (KeyRecord k : keys) {
      if (k.owner().equals(holder) && k.role().needsDs() && !k.retired()) {
        out.add(k.data());
      }
    }
    return out;
  }

  /** The member's own ZSKs its signed RRset must hold (members other than the holder). */
  static Set<KeyData> ownKeysOf(
      GroupPolicy policy, List<KeyRecord> keys, Member target, Instant now) {
    Set<KeyData> out = new TreeSet<>();
    for (KeyRecord k : keys) {
      if (k.owner().equals(target.id())
          && k.role().signsZoneData()
          && (!k.retired() || now.isBefore(k.goneSince().plus(policy.signatureWait())))) {
        out.add(k.data());
      }
    }
    return out;
  }
}
