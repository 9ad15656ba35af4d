package dev.multisigner.domain.codec;

import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.Pending;
import java.util.List;

/**
 * A state as bytes written before format version 7 decode: without the phase starts, observed RRSIG
 * and CDNSKEY key tags and first-asked times that version added.
 */
final class BeforeVersionSeven {

  private BeforeVersionSeven() {}

  static ZoneState of(ZoneState s) {
    return new ZoneState(
        s.zone(),
        s.status(),
        s.haltCause(),
        s.haltReason(),
        s.policy(),
        s.seq(),
        s.members().stream().map(BeforeVersionSeven::member).toList(),
        s.keys(),
        s.parentDs(),
        s.parentDsSince(),
        s.parentNs(),
        s.parentNsSince(),
        pending(s.dsRequest()),
        pending(s.nsRequest()),
        s.wakeAt(),
        s.algorithmRoll(),
        s.servedTtls());
  }

  private static Member member(Member m) {
    return m.withPhaseSince(null)
        .withObservedTags(List.of(), List.of())
        .withImporting(pending(m.importing()))
        .withWithdrawing(pending(m.withdrawing()))
        .withCdsPublishing(pending(m.cdsPublishing()))
        .withNsPublishing(pending(m.nsPublishing()))
        .withSigning(pending(m.signing()))
        .withInstalling(pending(m.installing()), m.installRrsigs())
        .withCsyncPublishing(pending(m.csyncPublishing()));
  }

  private static Pending pending(Pending p) {
    return p == null
        ? null
        : new Pending(p.id(), p.keys(), p.ds(), p.names(), p.retryAt(), p.appliedAt(), null);
  }
}
