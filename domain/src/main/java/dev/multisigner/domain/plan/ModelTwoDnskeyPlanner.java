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
 * RFC 8901 §2.1.2 (model 2): every member's DNSKEY RRset holds its own keys plus every key of every
 * other member: the ZSKs and CSKs, so an answer signed by any member validates with the DNSKEY
 * RRset cached from any other (RFC 8901 §5.2), and the KSKs too, so each member's CDS and CDNSKEY
 * RRsets, which RFC 7344 §4.1 has signed by a key the DS references (a KSK; Knot and PowerDNS sign
 * them with their KSKs), validate with the DNSKEY RRset cached from any member. A parent's scanner
 * asks every nameserver and validates each answer (RFC 9975), through a resolver that may hold
 * another member's DNSKEY RRset. RFC 8901 asks only for the ZSKs (as Cloudflare's set-up does);
 * sharing the KSKs too is what MUSIC does (it syncs every DNSKEY) and the one way to make
 * CDS/CDNSKEY validate everywhere without asking providers to sign them with a key the DS does not
 * reference, which RFC 7344 §4.1 rules out. See docs/architecture.md, "Which keys are shared".
 *
 * <ul>
 *   <li>A new key is imported as soon as its owner serves it: the owner pre-publishes a ZSK/CSK for
 *       DNSKEY TTL + propagation delay, which RFC 8901 §6 says must include the import time; a new
 *       KSK/CSK gets no DS and no CDS before every other member serves it ({@link DsPlanner}).
 *   <li>A retired key stays until no RRSIG made with it can be cached: the owner dropped it at or
 *       before the observation that showed it gone, so it stays {@code signatureWait} after that
 *       (RFC 7583 §3.3.1, Iret = Dsgn + Dprp + TTLsig, measured from the end of signing; for a KSK
 *       the RRSIGs over the owner's CDS/CDNSKEY, whose TTL the zone's maximum TTL bounds).
 *   <li>A leaving member's keys stay until {@code signatureWait} after it left service.
 * </ul>
 */
final class ModelTwoDnskeyPlanner {

  private ModelTwoDnskeyPlanner() {}

  /** Model 2: every key of every other member, KSKs included. */
  static Set<KeyData> foreignKeysOf(
      GroupPolicy policy, List<Member> members, List<KeyRecord> keys, Member target, Instant now) {
    return foreignKeys(policy, members, keys, target, now, false);
  }

  /**
   * The other members' ZSKs and CSKs only: what the KSK holder of model 1 imports (RFC 8901 §2.1.1;
   * the other members have no KSK there).
   */
  static Set<KeyData> zoneSigningKeysOf(
      GroupPolicy policy, List<Member> members, List<KeyRecord> keys, Member target, Instant now) {
    return foreignKeys(policy, members, keys, target, now, true);
  }

  private static Set<KeyData> foreignKeys(
      GroupPolicy policy,
      List<Member> members,
      List<KeyRecord> keys,
      Member target,
      Instant now,
      boolean zoneSigningOnly) {
    Set<KeyData> out = new TreeSet<>();
    Map<SignerId, Member> byId = new HashMap<>();
    for (Member m : members) {
      byId.put(m.id(), m);
    }
    for (KeyRecord k : keys) {
      if (k.owner().equals(target.id()) || zoneSigningOnly && !k.role().signsZoneData()) {
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
