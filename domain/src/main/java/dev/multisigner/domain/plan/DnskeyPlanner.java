package dev.multisigner.domain.plan;

import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Decides which foreign keys one member's DNSKEY RRset must hold now. A policy function, so tests
 * can hand the decider a deliberately broken one and watch the simulator catch it.
 */
@FunctionalInterface
public interface DnskeyPlanner {

  /** The keys owned by other members that {@code target} must serve at {@code now}. */
  Set<KeyData> foreignKeys(
      GroupPolicy policy, List<Member> members, List<KeyRecord> keys, Member target, Instant now);

  /** The planner of RFC 8901 model 2 (every ZSK and CSK everywhere). */
  static DnskeyPlanner standard() {
    return ModelTwoDnskeyPlanner::foreignKeysOf;
  }
}
