package dev.multisigner.domain.plan;

import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerId;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * RFC 8901 §2.1.2 (model 2): every member's DNSKEY RRset holds its own keys plus the ZSKs and CSKs
 * of every other member, so an answer signed by any member validates with the DNSKEY RRset cached
 * from any other.
 *
 * <ul>
 *   <li>A new ZSK/CSK is imported as soon as its owner serves it: the owner pre-publishes it for
 *       DNSKEY TTL + propagation delay, which RFC 8901 §6 says must include the import time.
 *   <li>A retired ZSK/CSK stays until no RRSIG made with it can be cached: the owner dropped it at
 *       or before the observation that showed it gone, so it stays {@code signatureWait} after that
 *       (RFC 7583 §3.3.1, Iret = Dsgn + Dprp + TTLsig, measured from the end of signing).
 *   <li>A leaving member's ZSKs/CSKs stay until {@code signatureWait} after it left service.
 * </ul>
 */
final class ModelTwoDnskeyPlanner {

  private ModelTwoDnskeyPlanner() {}

  static Set<KeyData> foreignKeysOf(
      GroupPolicy policy, List<Member> members, List<KeyRecord> keys, Member target, Instant now) {
    Set<KeyData> out = new TreeSet<>();
    Map<SignerId, Member> byId = new HashMap<>();
    for (Member m : members) {
      byId.put(m.id(), m);
    }
    for (KeyRecord k : keys) {
      if (k.owner().equals(target.id()) || !k.role().signsZoneData()) {
        continue;
      }
      Member o = byId.get(k.owner());
      if (o == null) {
        continue;
      }
      if (o.phase() == MemberPhase.LEAVING_KEYS
          && !now.isBefore(o.leftServiceAt().plus(policy.signatureWait()))) {
        continue;
      }
      if (k.retired() && !now.isBefore(k.goneSince().plus(policy.signatureWait()))) {
        continue;
      }
      out.add(k.data());
    }
    return out;
  }
}
