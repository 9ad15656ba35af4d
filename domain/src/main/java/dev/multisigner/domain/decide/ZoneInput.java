package dev.multisigner.domain.decide;

import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.RrsigData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerSpec;
import dev.multisigner.domain.model.ZoneName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything that can happen to a zone, as the decider sees it: observations of a signer, operator
 * intents, results of commands, parent-side events and time. Events are past tense, intents
 * imperative (STYLE.md).
 */
public sealed interface ZoneInput {

  ZoneName zone();

  /** A signer's served keys, as collected (snapshot). */
  record SignerKeysObserved(ZoneName zone, SignerId signer, SignerObservation observed)
      implements ZoneInput {}

  /**
   * Model 1: a member other than the KSK holder asks for its DNSKEY RRset to hold exactly these
   * ZSKs of its own (Knot's key signing request, KSR): a new ZSK enters every member's RRset before
   * the signer signs with it, one missing from the request is on its way out. Requests older than
   * one already seen are ignored.
   */
  record KeySigningRequested(
      ZoneName zone, SignerId signer, Instant requestedAt, List<KeyData> zsks)
      implements ZoneInput {
    public KeySigningRequested {
      zsks = zsks.stream().sorted().distinct().toList();
    }
  }

  /**
   * Model 1: the KSK holder signed the DNSKEY RRset a {@code SignDnskeyRrset} asked for: for which
   * signer, which keys, and the RRSIGs. An answer to an earlier request is as good as one to the
   * latest while it signs the RRset still wanted.
   */
  record DnskeyRrsetSigned(
      ZoneName zone, String commandId, SignerId signer, List<KeyData> keys, List<RrsigData> rrsigs)
      implements ZoneInput {
    public DnskeyRrsetSigned {
      keys = keys.stream().sorted().distinct().toList();
      rrsigs = List.copyOf(rrsigs);
    }
  }

  /** The collector could not read a signer's keys. */
  record ObservationFailed(ZoneName zone, SignerId signer, String reason) implements ZoneInput {}

  /** Operator: put a zone under multi-signer management with these signers. */
  record EnrollZone(ZoneName zone, GroupPolicy policy, List<SignerSpec> signers)
      implements ZoneInput {
    public EnrollZone {
      signers = List.copyOf(signers);
    }
  }

  /** Operator: a signer joins the group (draft-ietf-dnsop-dnssec-automation, add-signer). */
  record AddSigner(ZoneName zone, SignerSpec signer) implements ZoneInput {}

  /** Operator: a signer leaves the group (draft-ietf-dnsop-dnssec-automation, remove-signer). */
  record RemoveSigner(ZoneName zone, SignerId signer) implements ZoneInput {}

  /** Operator: ask a signer to roll one of its keys. */
  record RollKey(ZoneName zone, SignerId signer, KeyRole role) implements ZoneInput {}

  /**
   * Operator: roll the whole group to another algorithm (draft-ietf-dnsop-dnssec-automation
   * "Algorithm rollover", RFC 6781 §4.1.4 double signature). Each signer rolls its own keys; the
   * decider coordinates the DS changes and says when old-algorithm keys may go.
   */
  record RollAlgorithm(ZoneName zone, int algorithm, String operator) implements ZoneInput {}

  /** Operator: clear a halt after looking at its reason. */
  record ResumeZone(ZoneName zone, String operator, String reason) implements ZoneInput {}

  /** Operator: stop managing the zone. */
  record RetireZone(ZoneName zone, String operator) implements ZoneInput {}

  /**
   * A signer writer applied a command (it may still take a while to be observed) in a call it began
   * at {@code appliedAt} by its clock; null when unknown (then: when the decider hears of it). The
   * change took effect after that time, so an observation taken after it shows whether the change
   * took effect, including one the signer's NOTIFY set off before the writer's call returned.
   * {@code changed} is false when the writer found the command's effect already in place and
   * changed nothing (e.g. a retry of a command whose first application landed unreported).
   */
  record SignerCommandApplied(ZoneName zone, String commandId, Instant appliedAt, boolean changed)
      implements ZoneInput {

    public SignerCommandApplied(ZoneName zone, String commandId, Instant appliedAt) {
      this(zone, commandId, appliedAt, true);
    }

    public SignerCommandApplied(ZoneName zone, String commandId) {
      this(zone, commandId, null);
    }
  }

  /** A signer writer could not apply a command; retryable failures are retried later. */
  record SignerCommandFailed(ZoneName zone, String commandId, boolean retryable, String reason)
      implements ZoneInput {}

  /** The ds-publisher saw the CDS/CDNSKEY set published at the signers. */
  record CdsPublished(ZoneName zone, String requestId) implements ZoneInput {}

  /**
   * The ds-publisher saw the parent serve this DS RRset (validated), with this TTL (null when not
   * known).
   */
  record ParentDsObserved(ZoneName zone, List<DsData> ds, Duration ttl) implements ZoneInput {
    public ParentDsObserved {
      ds = ds.stream().sorted().distinct().toList();
    }

    public ParentDsObserved(ZoneName zone, List<DsData> ds) {
      this(zone, ds, null);
    }
  }

  /**
   * The ds-publisher saw the parent serve this NS RRset for the zone (the delegation), with this
   * TTL (null when not known).
   */
  record ParentNsObserved(ZoneName zone, List<String> nameservers, Duration ttl)
      implements ZoneInput {
    public ParentNsObserved {
      nameservers = nameservers.stream().sorted().distinct().toList();
    }

    public ParentNsObserved(ZoneName zone, List<String> nameservers) {
      this(zone, nameservers, null);
    }
  }

  /** The ds-publisher could not get a DS (or NS) change to the parent. */
  record DsPublicationFailed(ZoneName zone, String requestId, String reason) implements ZoneInput {}

  /** A timer the decider asked for (WakeAt) is due. Spurious wake-ups are harmless. */
  record WakeUp(ZoneName zone) implements ZoneInput {}
}
