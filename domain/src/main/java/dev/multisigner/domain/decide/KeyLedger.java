package dev.multisigner.domain.decide;

import dev.multisigner.domain.decide.ZoneInput.KeySigningRequested;
import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.plan.DsPlanner;
import dev.multisigner.domain.plan.GroupCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which signer owns which key, and since when a key is gone: the group's key records ({@link
 * KeyRecord}), kept from observations (model 2 and the KSK holder of model 1: what a signer serves
 * and signs with) and key signing requests (model 1: what a member asks the holder to publish).
 *
 * <p>This is all a ZSK, KSK or CSK roll a provider starts on its own needs: a new key in a signer's
 * observed RRset becomes its key at once (unless the signer lists its own keys and this is not one
 * of them: see {@link KeyAccounting}) (and the DNSKEY and DS/CDS sync spread it), a key it no
 * longer serves is retired at that observation and withdrawn elsewhere once its waits have passed
 * (RFC 7583 §3.3); no state machine of its own.
 */
final class KeyLedger {

  private KeyLedger() {}

  /**
   * A retired key is remembered for {@link #KEY_MEMORY} after its owner dropped it (or left), not
   * just for its waits: an import of it still in flight at some signer writer may land late, and a
   * forgotten key would then pass for that signer's own. Remembered, it is withdrawn again.
   */
  static final Duration KEY_MEMORY = Duration.ofDays(1);

  /** Records what a member's observation says about keys; halts on a key that cannot belong. */
  static void observed(Draft w, Member m, SignerObservation obs) {
    if (w.signedByHolder(m)) {
      observedSignedMember(w, m, obs);
    } else {
      observedOwnSigner(w, m, obs);
    }
    GroupCheck.keyTagCollision(w.keys).ifPresent(r -> w.halt(HaltCause.KEY_TAG_COLLISION, r));
  }

  /** The keys of {@code m} among those it serves. */
  static List<KeyData> ownKeys(Draft w, Member m, SignerObservation obs) {
    List<KeyData> own = new ArrayList<>();
    for (KeyData d : obs.dnskeys()) {
      KeyRecord k = w.key(d);
      if (k != null && k.owner().equals(m.id())) {
        own.add(d);
      }
    }
    return own;
  }

  /**
   * Model 1, a member other than the KSK holder: its RRset is the one the decider installed, so its
   * own ZSKs are known from its key signing requests and retire only by them. A ZSK it serves that
   * is new to the group is taken as its own; a KSK or CSK of its own would be a second KSK holder
   * (RFC 8901 §2.1.1), and the zone halts. Only signing zone data makes a key its own: the holder's
   * KSK signs its DNSKEY RRset.
   */
  private static void observedSignedMember(Draft w, Member m, SignerObservation obs) {
    Instant t = obs.observedAt();
    Member holder = w.members.get(w.policy.kskHolder());
    for (KeyData d : obs.dnskeys()) {
      KeyRecord known = w.key(d);
      if (known != null
          && !known.owner().equals(m.id())
          && !d.sep()
          && obs.zoneSignerTags().contains(d.keyTag())) {
        w.replaceKey(known, new KeyRecord(d, m.id(), KeyRole.ZSK, known.firstSeen(), null));
        w.event(
            ZoneEventKind.KEY_OBSERVED,
            "signer="
                + m.id()
                + " signs with ZSK "
                + d.keyTag()
                + ": its own key (was attributed to "
                + known.owner()
                + ")");
        continue;
      }
      if (known != null) {
        continue;
      }
      if (d.sep()) {
        if (holder != null && holder.observed()) {
          w.halt(HaltCause.UNACCOUNTABLE_KEY, secondKskHolder(w, m, "serves", d));
        }
        continue;
      }
      if (!obs.disowns(d)) {
        newKey(w, m, d, KeyRole.ZSK, t, "new ZSK");
      }
    }
  }

  private static String secondKskHolder(Draft w, Member m, String does, KeyData d) {
    return "signer "
        + m.id()
        + " "
        + does
        + " a KSK/CSK "
        + d.keyTag()
        + " of its own: in model 1 only the KSK holder "
        + w.policy.kskHolder()
        + " has one (RFC 8901 §2.1.1)";
  }

  /** A key new to the group, owned by {@code m}; one of another algorithm halts the zone. */
  private static void newKey(Draft w, Member m, KeyData d, KeyRole role, Instant t, String what) {
    w.keys.add(new KeyRecord(d, m.id(), role, t, null));
    w.event(ZoneEventKind.KEY_OBSERVED, "signer=" + m.id() + " " + what + " " + d.keyTag());
    if (!AlgorithmWindow.groupAlgorithm(w, d.algorithm())) {
      w.halt(
          HaltCause.UNACCOUNTABLE_KEY,
          "signer "
              + m.id()
              + " serves key "
              + d.keyTag()
              + " with algorithm "
              + d.algorithm()
              + ", the group uses "
              + w.policy.algorithm());
    }
  }

  /** A signer that signs its own DNSKEY RRset (model 2, and the KSK holder of model 1). */
  private static void observedOwnSigner(Draft w, Member m, SignerObservation obs) {
    Instant t = obs.observedAt();
    List<KeyData> own = new ArrayList<>();
    for (KeyData d : obs.dnskeys()) {
      KeyRecord known = w.key(d);
      if (known != null && !known.owner().equals(m.id()) && signs(obs, d)) {
        // Only the holder of the private key can sign: a key first seen (not signing) elsewhere,
        // e.g. in a group cross-imported by hand before enrollment, belongs to the signer using it.
        w.replaceKey(known, new KeyRecord(d, m.id(), known.role(), known.firstSeen(), null));
        w.event(
            ZoneEventKind.KEY_OBSERVED,
            "signer="
                + m.id()
                + " signs with "
                + known.role()
                + " "
                + d.keyTag()
                + ": its own key (was attributed to "
                + known.owner()
                + ")");
        known = w.key(d);
      }
      if (known == null && obs.disowns(d)) {
        // Listed by no one so far: not its own, perhaps a member's not yet observed
        // (KeyAccounting).
        continue;
      }
      if (known == null || known.owner().equals(m.id())) {
        own.add(d);
      }
    }
    for (KeyData d : own) {
      // Per algorithm: during an algorithm rollover a signer may pair a KSK and a ZSK in one
      // algorithm and use a CSK in the other.
      boolean hasZsk =
          own.stream()
              .anyMatch(
                  x -> !x.sep() && (!AlgorithmWindow.rolling(w) || x.algorithm() == d.algorithm()));
      KeyRole role = !d.sep() ? KeyRole.ZSK : hasZsk ? KeyRole.KSK : KeyRole.CSK;
      KeyRecord known = w.key(d);
      if (known == null) {
        newKey(w, m, d, role, t, "new " + role);
      } else {
        KeyRecord updated = known.role() == role ? known : known.withRole(role);
        w.replaceKey(known, known.retired() ? updated.withGoneSince(null) : updated);
      }
    }
    Set<KeyData> served = new HashSet<>(obs.dnskeys());
    for (KeyRecord k : List.copyOf(w.keys)) {
      if (k.owner().equals(m.id()) && !k.retired() && !served.contains(k.data())) {
        w.replaceKey(k, k.withGoneSince(t));
        w.event(
            ZoneEventKind.KEY_RETIREMENT_OBSERVED,
            "signer="
                + m.id()
                + " no longer serves its "
                + k.role()
                + " "
                + k.data().keyTag()
                + (AlgorithmWindow.oldAlgorithmHeld(w, k.data().algorithm())
                    ? " before the algorithm rollover lets old-algorithm keys go"
                        + " (RFC 6781 §4.1.4)"
                    : ""));
      }
    }
  }

  private static boolean signs(SignerObservation obs, KeyData d) {
    int tag = d.keyTag();
    return obs.zoneSignerTags().contains(tag) || obs.dnskeySignerTags().contains(tag);
  }

  /**
   * Invariant 1 is the signer's to keep (its pre-publication must cover the import, RFC 8901 §6);
   * the decider can only notice, from the signer's own observation, that it signs zone data with a
   * key a serving member does not serve yet, and say so. Only for a zone known to be secure: with
   * no DS at the parent validators do not validate it (RFC 4035 §4.3), and before the parent's DS
   * set has been observed nothing says they do. The parent watch reports a zone's NS set before its
   * DS set, so on a zone that starts insecure a signer's observation between the two would
   * otherwise be reported as unsafe (seen in the many-zones benchmark: 0-2 zones per run).
   */
  static void warnIfSigningTooEarly(Draft w, Member m, SignerObservation obs, List<KeyData> own) {
    if (!(m.phase() == MemberPhase.ACTIVE || DsPlanner.delegated(m, w.parentNs))) {
      return;
    }
    if (w.parentDs == null || w.parentDs.isEmpty()) {
      return;
    }
    for (KeyData d : own) {
      if (!obs.zoneSignerTags().contains(d.keyTag())
          || AlgorithmWindow.newAlgorithmBeforeItsDs(w, d.algorithm())) {
        continue;
      }
      for (Member t : w.members.values()) {
        boolean serving = t.phase() == MemberPhase.ACTIVE || DsPlanner.delegated(t, w.parentNs);
        if (!t.id().equals(m.id()) && serving && t.observed() && !t.served().contains(d)) {
          w.event(
              ZoneEventKind.UNSAFE_SIGNING_OBSERVED,
              "signer="
                  + m.id()
                  + " signs with "
                  + d.keyTag()
                  + " which "
                  + t.id()
                  + " does not serve yet: resolvers holding "
                  + t.id()
                  + "'s DNSKEY RRset fail to validate (RFC 8901 §6)");
        }
      }
    }
  }

  /**
   * Model 1: a member's own ZSKs are the ones its latest key signing request names. A new one is
   * recorded (and planned into every RRset at once); one no longer named retires at the request's
   * time and stays in every RRset for the signature wait (RFC 7583 §3.3.1).
   */
  static void keySigningRequested(Draft w, KeySigningRequested r) {
    Member m = w.members.get(r.signer());
    if (m == null || !w.signedByHolder(m)) {
      w.event(
          ZoneEventKind.REQUEST_REJECTED,
          "key signing request of "
              + r.signer()
              + " ignored: only a model 1 member other than the KSK holder sends one");
      return;
    }
    if (m.keysRequestedAt() != null && !r.requestedAt().isAfter(m.keysRequestedAt())) {
      return;
    }
    Optional<KeyData> sep = r.zsks().stream().filter(KeyData::sep).findFirst();
    if (sep.isPresent()) {
      w.halt(HaltCause.UNACCOUNTABLE_KEY, secondKskHolder(w, m, "asks to publish", sep.get()));
      return;
    }
    Instant t = r.requestedAt();
    for (KeyData d : r.zsks()) {
      KeyRecord known = w.key(d);
      if (known == null) {
        newKey(w, m, d, KeyRole.ZSK, t, "requests new ZSK");
      } else if (!known.owner().equals(m.id())) {
        w.event(
            ZoneEventKind.REQUEST_REJECTED,
            "signer="
                + m.id()
                + " requests key "
                + d.keyTag()
                + " which belongs to "
                + known.owner()
                + ": ignored");
      } else if (known.retired()) {
        w.replaceKey(known, known.withGoneSince(null));
      }
    }
    for (KeyRecord k : List.copyOf(w.keys)) {
      if (k.owner().equals(m.id()) && !k.retired() && !r.zsks().contains(k.data())) {
        w.replaceKey(k, k.withGoneSince(t));
        w.event(
            ZoneEventKind.KEY_RETIREMENT_OBSERVED,
            "signer=" + m.id() + " no longer requests its ZSK " + k.data().keyTag());
      }
    }
    w.members.put(m.id(), m.withKeysRequestedAt(t));
    GroupCheck.keyTagCollision(w.keys).ifPresent(x -> w.halt(HaltCause.KEY_TAG_COLLISION, x));
  }

  /**
   * A key is never spread to other signers while it cannot be told apart (its tag collides with
   * another key of the group, RFC 4034 Appendix B) or does not belong (another algorithm, RFC 8901
   * §4); the zone halts instead.
   */
  static boolean importable(Draft w, KeyData d) {
    if (!AlgorithmWindow.groupAlgorithm(w, d.algorithm())) {
      return false;
    }
    int tag = d.keyTag();
    return w.keys.stream().noneMatch(k -> k.data().keyTag() == tag && !k.data().equals(d));
  }

  /** Forgets retired keys no one serves or references, once {@link #KEY_MEMORY} has passed. */
  static void forgetKeys(Draft w) {
    GroupPolicy p = w.policy;
    List<DsData> parentDs = w.parentDs;
    w.keys.removeIf(
        k ->
            k.retired()
                && !w.now.isBefore(
                    Draft.max(
                        k.goneSince().plus(KEY_MEMORY),
                        Draft.max(
                            k.goneSince().plus(p.signatureWait()),
                            k.goneSince().plus(p.dnskeyWait()))))
                && w.members.values().stream().noneMatch(m -> m.served().contains(k.data()))
                && !DsPlanner.references(w.zone, parentDs, k.data()));
  }
}
