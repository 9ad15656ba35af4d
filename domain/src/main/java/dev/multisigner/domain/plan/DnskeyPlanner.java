package dev.multisigner.domain.plan;

import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerModel;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides which foreign keys one member's DNSKEY RRset must hold now. A policy function, so tests
 * can hand the decider a deliberately broken one and watch the simulator catch it.
 */
@FunctionalInterface
public interface DnskeyPlanner {

  /** The keys owned by other members that {@code target} must serve at {@code now}. */
  Set<KeyData> foreignKeys(
      GroupPolicy policy, List<Member> members, List<KeyRecord> keys, Member target, Instant now);

  /**
   * Model 1, a member other than the KSK holder: the whole DNSKEY RRset the holder must sign for
   * it, its own ZSKs and the foreign keys this planner wants it to serve.
   */
  default Set<KeyData> signedRrset(
      GroupPolicy policy, List<Member> members, List<KeyRecord> keys, Member target, Instant now) {
    Set<KeyData> out = new TreeSet<>(ModelOneDnskeyPlanner.ownKeysOf(policy, keys, target, now));
    out.addAll(foreignKeys(policy, members, keys, target, now));
    return out;
  }

  /**
   * The planner of the policy's model: RFC 8901 §2.1.2 model 2 (every key everywhere, KSKs too) or
   * §2.1.1 model 1 (the holder's KSK and every ZSK everywhere).
   */
  static DnskeyPlanner standard() {
    return (policy, members, keys, target, now) ->
        policy.model() == SignerModel.MODEL_1
            ? ModelOneDnskeyPlanner.foreignKeysOf(policy, members, keys, target, now)
            : ModelTwoDnskeyPlanner.foreignKeysOf(policy, members, keys, target, now);
  }
}
