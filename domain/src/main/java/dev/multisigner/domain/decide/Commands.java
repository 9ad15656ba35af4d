package dev.multisigner.domain.decide;

import dev.multisigner.domain.decide.ZoneInput.DsPublicationFailed;
import dev.multisigner.domain.decide.ZoneInput.SignerCommandApplied;
import dev.multisigner.domain.decide.ZoneInput.SignerCommandFailed;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.Pending;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.KeyData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Commands to signers and requests to the parent: issued once, repeated when due, settled by what
 * is observed. The one settle rule of every process: a command reported applied is done only when
 * an observation taken after that application shows its effect ({@link #seenAfterApplied}); a
 * report alone proves nothing (the signer may have been changed again since), an observation from
 * before it proves nothing either. A command neither applied nor failed is repeated after the
 * policy's retry interval; a retryable failure repeats it then, a rejection halts the zone.
 */
final class Commands {

  private Commands() {}

  /**
   * True when {@code p} was reported applied and {@code m} has been observed since: what that
   * observation shows is what the command achieved.
   */
  static boolean seenAfterApplied(Member m, Pending p) {
    return p.appliedAt() != null && m.observed() && m.observedAt().isAfter(p.appliedAt());
  }

  /**
   * When an applied command not yet seen to take effect is asked again: at its retry time once an
   * observation taken after its application is held, else a retry interval after the application at
   * the earliest.
   */
  static Instant repeatAt(Draft w, Member m, Pending p) {
    return seenAfterApplied(m, p)
        ? p.retryAt()
        : Draft.max(p.retryAt(), p.appliedAt().plus(w.policy.retryInterval()));
  }

  /**
   * Emits a command for a non-empty change unless the same change is already in flight and not yet
   * due for a retry; clears the slot when nothing is left to change.
   */
  static Member command(
      Draft w,
      Member m,
      CommandSlot slot,
      List<KeyData> keys,
      List<DsData> ds,
      List<String> names,
      Function<String, Output> make,
      ZoneEventKind kind,
      String verb) {
    if (keys.isEmpty() && ds.isEmpty() && names.isEmpty()) {
      return slot.get(m) == null ? m : slot.set(m, null);
    }
    Pending p = slot.get(m);
    boolean same =
        p != null && p.keys().equals(keys) && p.ds().equals(ds) && p.names().equals(names);
    if (same && p.appliedAt() != null) {
      // Applied: wait for an observation to show it; ask again if one taken after the application
      // still shows the old state (the change did not stick), not before the retry interval (a
      // signer the writer found already changed is observed so soon after); and if none taken
      // after it has come a retry interval after it: the collector sends nothing while nothing
      // changes as it sees it (a writer's clock ahead of the collector's, a change the signer
      // dropped before it was read), and waiting for one would hold the zone for good. The
      // repeat's writer finds the effect in place or makes it again.
      if (w.now.isBefore(repeatAt(w, m, p))) {
        return m;
      }
    } else if (same && w.now.isBefore(p.retryAt())) {
      return m;
    }
    String id = w.nextId();
    w.outputs.add(make.apply(id));
    w.event(
        kind,
        "signer="
            + m.id()
            + " command="
            + id
            + " "
            + verb
            + " "
            + (!names.isEmpty()
                ? names.toString()
                : ds.isEmpty() ? w.tagsOf(keys) : Draft.tagsOfDs(ds))
            + (same ? " (retry)" : ""));
    return slot.set(m, reissued(w, id, keys, ds, names, p));
  }

  /**
   * A new command or request in flight; when it repeats {@code earlier}'s change, it keeps that
   * change's first-asked time and its retry waits {@link #retryWait}.
   */
  static Pending reissued(
      Draft w,
      String id,
      List<KeyData> keys,
      List<DsData> ds,
      List<String> names,
      Pending earlier) {
    Pending next = issued(w, id, keys, ds, names).continuing(earlier);
    return next.retryingAt(w.now.plus(retryWait(w, next)));
  }

  /**
   * How long a retry waits before the next: as long as its change has waited so far, at least the
   * policy's interval and at most eight times it. A writer (or ds-publisher) slower than the
   * interval otherwise never reports a command before its retry replaces it as the one pending:
   * each report is for a command no longer in flight, and the change never settles (the soak's
   * stalled joins, and its late cross-imports); its queue also fills with repeats.
   */
  static Duration retryWait(Draft w, Pending retry) {
    Duration interval = w.policy.retryInterval();
    if (retry.issuedAt() == null) {
      return interval;
    }
    Duration waited = Duration.between(retry.issuedAt(), w.now);
    Duration most = interval.multipliedBy(8);
    return waited.compareTo(interval) < 0 ? interval : waited.compareTo(most) > 0 ? most : waited;
  }

  /** A new command or request in flight, due for a retry after the policy's interval. */
  static Pending issued(
      Draft w, String id, List<KeyData> keys, List<DsData> ds, List<String> names) {
    return Pending.issued(id, keys, ds, names, w.now.plus(w.policy.retryInterval()), w.now);
  }

  /**
   * A signer writer reports a command applied: its slot waits for an observation taken after the
   * writer applied it, not after the decider heard of it (an observation taken in between shows it,
   * and the collector sends no other while nothing changes). A command that changed nothing found
   * its effect in place already, with every earlier command to the signer applied before it (one
   * writer per signer, in order): the latest observation counts as taken after it, so a retry of a
   * command whose first application landed unreported (and was observed) does not wait forever for
   * an observation the collector never sends.
   */
  static void applied(Draft w, SignerCommandApplied a) {
    Instant reported =
        a.appliedAt() != null && a.appliedAt().isBefore(w.now) ? a.appliedAt() : w.now;
    w.findPending(a.commandId())
        .ifPresent(
            id -> {
              Member m = w.members.get(id);
              Instant applied =
                  !a.changed() && m.observed() && !m.observedAt().isAfter(reported)
                      ? m.observedAt().minusMillis(1)
                      : reported;
              for (CommandSlot slot : CommandSlot.values()) {
                Pending p = slot.get(m);
                if (p != null && p.id().equals(a.commandId()) && p.appliedAt() == null) {
                  m = slot.set(m, p.appliedAt(applied));
                }
              }
              w.members.put(id, m);
              w.event(
                  ZoneEventKind.COMMAND_APPLIED,
                  "signer=" + id + " command=" + a.commandId() + " applied");
            });
  }

  /** A command failed: retried after the interval, or (rejected) the zone halts. */
  static void failed(Draft w, SignerCommandFailed f) {
    for (Member m : List.copyOf(w.members.values())) {
      for (CommandSlot slot : CommandSlot.values()) {
        Pending p = slot.get(m);
        if (p != null && p.id().equals(f.commandId())) {
          Instant retry = w.now.plus(w.policy.retryInterval());
          w.members.put(m.id(), slot.set(m, p.retryingAt(retry)));
          if (f.retryable()) {
            w.event(
                ZoneEventKind.COMMAND_FAILED,
                "signer="
                    + m.id()
                    + " command="
                    + f.commandId()
                    + " failed ("
                    + f.reason()
                    + "), retry at "
                    + retry);
          } else {
            w.halt(
                HaltCause.COMMAND_REJECTED,
                "signer " + m.id() + " rejected command " + f.commandId() + ": " + f.reason());
          }
          return;
        }
      }
    }
  }

  /** A DS or NS request to the parent failed: it is repeated after the interval. */
  static void parentRequestFailed(Draft w, DsPublicationFailed f) {
    Instant retry = w.now.plus(w.policy.retryInterval());
    if (w.dsRequest != null && w.dsRequest.id().equals(f.requestId())) {
      w.dsRequest = w.dsRequest.retryingAt(retry);
    } else if (w.nsRequest != null && w.nsRequest.id().equals(f.requestId())) {
      w.nsRequest = w.nsRequest.retryingAt(retry);
    } else {
      return;
    }
    w.event(
        ZoneEventKind.DS_PUBLICATION_FAILED,
        "request=" + f.requestId() + " failed (" + f.reason() + "), retry at " + retry);
  }
}
