package dev.multisigner.domain.decide;

import dev.multisigner.domain.decide.Output.InstallSignedDnskeyRrset;
import dev.multisigner.domain.decide.Output.SignDnskeyRrset;
import dev.multisigner.domain.decide.ZoneInput.DnskeyRrsetSigned;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.Pending;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.RrsigData;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Model 1 (RFC 8901 §2.1.1), a member other than the KSK holder: it gets its whole DNSKEY RRset,
 * signed by the holder. The process asks the holder to sign the RRset the planner wants for the
 * member ({@code SignDnskeyRrset}), installs the holder's answer there ({@code
 * InstallSignedDnskeyRrset}) and is done when an observation shows the member serving it. Such a
 * member's own ZSKs come from its key signing requests ({@link KeyLedger#keySigningRequested}), so
 * a new ZSK is in every RRset, re-signed by the holder, before its owner signs with it.
 *
 * <pre>
 *   RRset wanted != served --> SIGNING (SignDnskeyRrset to the holder)
 *   SIGNING -- DnskeyRrsetSigned --> INSTALLING (InstallSignedDnskeyRrset)
 *   INSTALLING -- observed serving it --> done      (failure or silence: ask the holder again)
 * </pre>
 */
final class ModelOneSigningProcess {

  private ModelOneSigningProcess() {}

  /** What the process waits for, for the operator's view of a member. */
  static String describe(Member m) {
    if (m.installing() != null) {
      return "model 1: installing the DNSKEY RRset the KSK holder signed ("
          + m.installing().id()
          + ")";
    }
    if (m.signing() != null) {
      return "model 1: waiting for the KSK holder to sign its DNSKEY RRset ("
          + m.signing().id()
          + ")";
    }
    return "";
  }

  /**
   * The holder signed a member's RRset. Installed at once if it is still the RRset wanted
   * (whichever request it answers: a slow holder's answer to an earlier request for the same RRset
   * counts) and every signature is by a KSK of the holder in it; an answer for an RRset no longer
   * wanted is dropped, a duplicate of one being installed is ignored.
   */
  static void signed(Draft w, DnskeyRrsetSigned r) {
    Member m = w.members.get(r.signer());
    if (m == null || !w.signedByHolder(m) || !m.phase().inService()) {
      return;
    }
    List<KeyData> keys = r.keys();
    if (!keys.equals(wantedRrset(w, m))) {
      return;
    }
    Pending inst = m.installing();
    if (inst != null && inst.keys().equals(keys) && w.now.isBefore(inst.retryAt())) {
      return;
    }
    Set<Integer> holderTags =
        w.keys.stream()
            .filter(
                k ->
                    k.owner().equals(w.policy.kskHolder())
                        && k.role().needsDs()
                        && keys.contains(k.data()))
            .map(k -> k.data().keyTag())
            .collect(Collectors.toSet());
    Optional<RrsigData> foreign =
        r.rrsigs().stream()
            .filter(g -> !holderTags.contains(g.keyTag()) || g.algorithm() != w.policy.algorithm())
            .findFirst();
    if (r.rrsigs().isEmpty() || foreign.isPresent()) {
      Pending sig = m.signing();
      w.members.put(
          m.id(),
          m.withSigning(sig == null ? null : sig.retryingAt(w.now.plus(w.policy.retryInterval()))));
      w.halt(
          HaltCause.COMMAND_REJECTED,
          "the KSK holder "
              + w.policy.kskHolder()
              + " answered "
              + r.commandId()
              + " for "
              + m.id()
              + (r.rrsigs().isEmpty()
                  ? " without a signature"
                  : " with " + foreign.get() + ", not by a KSK of its in that RRset"));
      return;
    }
    String id = w.nextId();
    w.outputs.add(new InstallSignedDnskeyRrset(id, m.id(), keys, r.rrsigs()));
    w.event(
        ZoneEventKind.SIGNED_DNSKEY_RRSET_INSTALL_REQUESTED,
        "signer="
            + m.id()
            + " command="
            + id
            + " install "
            + w.tagsOf(keys)
            + " signed by "
            + r.rrsigs().stream().map(g -> String.valueOf(g.keyTag())).toList());
    w.members.put(
        m.id(),
        m.withSigning(null)
            .withInstalling(Commands.issued(w, id, keys, List.of(), List.of()), r.rrsigs()));
  }

  /** True when the RRset {@code m} serves needs new signatures now (none known: not yet). */
  private static boolean resignDue(Draft w, Member m) {
    Instant at = m.resignAt();
    return at != null && !w.now.isBefore(at);
  }

  /**
   * The DNSKEY RRset member {@code m} must serve now, in order. In a halted zone nothing is
   * removed: keys it serves that the group knows stay.
   */
  static List<KeyData> wantedRrset(Draft w, Member m) {
    Set<KeyData> want = new TreeSet<>();
    for (KeyData d : w.planner.signedRrset(w.policy, w.memberList(), w.keys, m, w.now)) {
      if (KeyLedger.importable(w, d) || m.served().contains(d)) {
        want.add(d);
      }
    }
    if (w.status == ZoneStatus.HALTED) {
      for (KeyData d : m.served()) {
        if (w.key(d) != null) {
          want.add(d);
        }
      }
    }
    return List.copyOf(new TreeSet<>(want));
  }

  /**
   * Gets the RRset wanted for {@code t} signed by the holder and installed. Done when an
   * observation shows {@code t} serving it; an installation applied is awaited until an observation
   * taken after it; one that failed, was lost or did not stick starts over with a new signature.
   */
  static void commands(Draft w, Member t) {
    List<KeyData> want = wantedRrset(w, t);
    Pending inst = t.installing();
    if (t.observed() && t.served().equals(want)) {
      // Done once an observation taken after the installation was issued shows the RRset; a
      // re-signature of the RRset it already served, only once applied and seen after that.
      boolean settled =
          inst == null
              || !inst.keys().equals(want)
              || Commands.seenAfterApplied(t, inst)
              || t.observedAt().isAfter(inst.retryAt().minus(w.policy.retryInterval()));
      if (settled && !resignDue(w, t)) {
        if (inst != null || t.signing() != null) {
          w.members.put(t.id(), t.withSigning(null).withInstalled(t.installRrsigs()));
        }
        return;
      }
    }
    if (inst != null && inst.keys().equals(want)) {
      boolean inFlight = inst.appliedAt() == null && w.now.isBefore(inst.retryAt());
      boolean awaitingObservation = inst.appliedAt() != null && !Commands.seenAfterApplied(t, inst);
      if (inFlight || awaitingObservation) {
        return;
      }
      // Failed, lost or did not stick: install the same signed RRset again while its RRSIGs last.
      if (!t.installRrsigs().isEmpty()
          && t.installRrsigs().stream().allMatch(g -> w.now.isBefore(g.expiration()))) {
        String id = w.nextId();
        w.outputs.add(new InstallSignedDnskeyRrset(id, t.id(), want, t.installRrsigs()));
        w.event(
            ZoneEventKind.SIGNED_DNSKEY_RRSET_INSTALL_REQUESTED,
            "signer=" + t.id() + " command=" + id + " install " + w.tagsOf(want) + " (retry)");
        w.members.put(
            t.id(),
            t.withInstalling(
                Commands.issued(w, id, want, List.of(), List.of()), t.installRrsigs()));
        return;
      }
    }
    Pending sig = t.signing();
    if (sig != null && sig.keys().equals(want) && w.now.isBefore(sig.retryAt())) {
      return;
    }
    // Nothing to sign before the holder's keys are known and the member named its own ZSKs.
    Member holder = w.members.get(w.policy.kskHolder());
    boolean ownKnown = w.keys.stream().anyMatch(k -> k.owner().equals(t.id()) && !k.retired());
    if (holder == null || !holder.observed() || !ownKnown) {
      return;
    }
    String id = w.nextId();
    w.outputs.add(new SignDnskeyRrset(id, holder.id(), t.id(), want));
    w.event(
        ZoneEventKind.DNSKEY_RRSET_SIGNATURE_REQUESTED,
        "signer="
            + holder.id()
            + " command="
            + id
            + " sign "
            + w.tagsOf(want)
            + " for "
            + t.id()
            + (sig != null && sig.keys().equals(want) ? " (retry)" : ""));
    w.members.put(
        t.id(),
        t.withInstalling(null).withSigning(Commands.issued(w, id, want, List.of(), List.of())));
  }
}
