package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.EnrollZone;
import dev.multisigner.domain.decide.ZoneInput.ParentDsObserved;
import dev.multisigner.domain.decide.ZoneInput.ParentNsObserved;
import dev.multisigner.domain.decide.ZoneInput.RemoveSigner;
import dev.multisigner.domain.decide.ZoneInput.SignerCommandApplied;
import dev.multisigner.domain.decide.ZoneInput.SignerKeysObserved;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.CsyncData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.ParentChannel;
import dev.multisigner.domain.model.ParentChannels;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A parent that learns NS changes only from CSYNC (RFC 7477): draft-ietf-dnsop-dnssec-automation
 * "Signer joins" steps 10-13 and "Signer leaves" steps 1-4. The identical CSYNC goes to every
 * signer only once every signer serves the new apex NS set; the ds-publisher is only asked to
 * watch; once the parent has the set, CSYNC is withdrawn everywhere; and no signer's NS changes
 * while any signer may still serve CSYNC, so a scanner that asks any one nameserver copies the set
 * the group wants.
 */
class CsyncTimelineTest {

  private static final List<String> NS_A = List.of(ns(A));
  private static final List<String> NS_AB = List.of(ns(A), ns(B));
  private static final List<CsyncData> CSYNC = List.of(CsyncData.NS_SYNC);
  private static final GroupPolicy CSYNC_PARENT =
      POLICY.withChannels(
          new ParentChannels(Set.of(ParentChannel.DNS_UPDATE), Set.of(ParentChannel.CSYNC_SCAN)));

  @Test
  void joinPublishesCsyncOnlyOnceEverySignerServesTheNewNsAndWithdrawsItWhenTheParentHasIt() {
    Timeline t = joined();

    // pdns-b leaves: CSYNC of the join is gone, so the NS without it goes to both signers (step 1).
    assertThat(t.at(300, new RemoveSigner(ZONE, B)))
        .containsExactly(
            "SIGNER_LEAVE_STARTED: signer=pdns-b leaving: NS first, then DS, then keys",
            "ns #13 at knot-a: ns1.knot-a.example.",
            "NS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#13 publish NS"
                + " [ns1.knot-a.example.]",
            "ns #14 at pdns-b: ns1.knot-a.example.",
            "NS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#14 publish NS"
                + " [ns1.knot-a.example.]",
            "wake +310s");
    t.at(301, new SignerCommandApplied(ZONE, "example.test.#13"));
    t.at(301, new SignerCommandApplied(ZONE, "example.test.#14"));
    t.at(302, seen(A, 302, NS_A, List.of()));
    // Step 2: the leaver serves the new set too (a parent checking every delegated server asks it).
    assertThat(t.at(302, seen(B, 302, NS_A, List.of())))
        .containsExactly(
            "csync #15 at knot-a: CSYNC 0 1 [1, 2, 28]",
            "CSYNC_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#15 publish CSYNC"
                + " for NS [csync]",
            "csync #16 at pdns-b: CSYNC 0 1 [1, 2, 28]",
            "CSYNC_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#16 publish CSYNC"
                + " for NS [csync]",
            "wake +312s");
    t.at(303, new SignerCommandApplied(ZONE, "example.test.#15"));
    t.at(303, new SignerCommandApplied(ZONE, "example.test.#16"));
    t.at(304, seen(A, 304, NS_A, CSYNC));
    assertThat(t.at(304, seen(B, 304, NS_A, CSYNC)))
        .containsExactly(
            "ns #17: ns1.knot-a.example. via [CSYNC_SCAN]",
            "NS_CHANGE_REQUESTED: request=example.test.#17 NS [ns1.knot-a.example.]",
            "wake +314s");
    // Step 3 (the parent's scanner acted), then 4 (CSYNC withdrawn) and 5 (NS-Wait-Time).
    assertThat(t.at(340, new ParentNsObserved(ZONE, NS_A)))
        .containsExactly(
            "PARENT_NS_CHANGED: parent NS now [ns1.knot-a.example.]",
            "WAIT_STARTED: signer=pdns-b NS-Wait-Time until 2026-11-29T20:07:45Z",
            "no csync #18 at knot-a",
            "CSYNC_WITHDRAWAL_REQUESTED: signer=knot-a command=example.test.#18 withdraw CSYNC"
                + " [no csync]",
            "no csync #19 at pdns-b",
            "CSYNC_WITHDRAWAL_REQUESTED: signer=pdns-b command=example.test.#19 withdraw CSYNC"
                + " [no csync]",
            "wake +350s");
  }

  @Test
  void noSignerChangesItsNsWhileAnotherMayStillServeCsync() {
    Timeline t = new Timeline();
    enrollAndCrossPublish(t);
    t.at(135, new WakeUp(ZONE));
    t.at(136, new SignerCommandApplied(ZONE, "example.test.#6"));
    t.at(137, seen(B, 137, NS_AB, List.of()));
    t.at(138, new SignerCommandApplied(ZONE, "example.test.#7"));
    t.at(139, seen(A, 139, NS_AB, List.of()));
    t.at(140, new SignerCommandApplied(ZONE, "example.test.#8"));
    t.at(140, new SignerCommandApplied(ZONE, "example.test.#9"));
    t.at(141, seen(A, 141, NS_AB, CSYNC));
    // The operator removes pdns-b while pdns-b's CSYNC has not been observed (it may be served).
    assertThat(t.at(142, new RemoveSigner(ZONE, B)))
        .containsExactly(
            "SIGNER_LEAVE_STARTED: signer=pdns-b leaving: NS first, then DS, then keys",
            "no csync #10 at knot-a",
            "CSYNC_WITHDRAWAL_REQUESTED: signer=knot-a command=example.test.#10 withdraw CSYNC"
                + " [no csync]",
            "no csync #11 at pdns-b",
            "CSYNC_WITHDRAWAL_REQUESTED: signer=pdns-b command=example.test.#11 withdraw CSYNC"
                + " [no csync]",
            "wake +152s");
    t.at(143, new SignerCommandApplied(ZONE, "example.test.#10"));
    t.at(143, new SignerCommandApplied(ZONE, "example.test.#11"));
    // knot-a is seen without CSYNC, pdns-b not yet: still no NS change anywhere.
    assertThat(t.at(144, seen(A, 144, NS_AB, List.of()))).isEmpty();
    assertThat(t.at(145, seen(B, 145, NS_AB, List.of())))
        .containsExactly(
            "ns #12 at knot-a: ns1.knot-a.example.",
            "NS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#12 publish NS"
                + " [ns1.knot-a.example.]",
            "ns #13 at pdns-b: ns1.knot-a.example.",
            "NS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#13 publish NS"
                + " [ns1.knot-a.example.]",
            "wake +155s");
  }

  @Test
  void aSignerThatCannotPublishCsyncIsRefusedWhenTheParentOnlyScansCsync() {
    Timeline t = new Timeline();
    Capabilities noCsync =
        Capabilities.builder()
            .can(Capability.IMPORT_FOREIGN_DNSKEY)
            .can(Capability.PUBLISH_CDS_CDNSKEY)
            .can(Capability.MANAGE_NS)
            .cannot(Capability.PUBLISH_CSYNC, "the provider's API has no CSYNC type")
            .build();
    SignerSpec b = new SignerSpec(B, noCsync, ECDSAP256, List.of(ns(B)));

    assertThat(t.at(0, new EnrollZone(ZONE, CSYNC_PARENT, List.of(managing(A), b))))
        .containsExactly(
            "REQUEST_REJECTED: enrollment refused: signer pdns-b cannot publish CSYNC (RFC 7477),"
                + " and the parent takes NS changes only from CSYNC: the provider's API has no"
                + " CSYNC type");
  }

  /** knot-a and pdns-b enrolled, keys cross-published, DS at the parent, NS only knot-a. */
  private static void enrollAndCrossPublish(Timeline t) {
    t.at(0, new EnrollZone(ZONE, CSYNC_PARENT, List.of(managing(A), managing(B))));
    t.at(1, new ParentNsObserved(ZONE, NS_A));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK)));
    t.at(2, seen(A, 2, NS_A, List.of()));
    t.at(2, seen(B, 2, NS_A, List.of()));
    t.at(10, new ParentDsObserved(ZONE, dsSet(A_KSK, B_KSK)));
  }

  /** The join of pdns-b done through CSYNC (steps 10-13), asserted step by step. */
  private static Timeline joined() {
    Timeline t = new Timeline();
    enrollAndCrossPublish(t);
    // Step 10, the joiner first; no CSYNC yet (the signers' NS sets differ).
    assertThat(t.at(135, new WakeUp(ZONE)))
        .containsExactly(
            "ns #6 at pdns-b: ns1.knot-a.example.,ns1.pdns-b.example.",
            "NS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#6 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.]",
            "wake +145s");
    t.at(136, new SignerCommandApplied(ZONE, "example.test.#6"));
    assertThat(t.at(137, seen(B, 137, NS_AB, List.of())))
        .containsExactly(
            "ns #7 at knot-a: ns1.knot-a.example.,ns1.pdns-b.example.",
            "NS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#7 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.]",
            "wake +147s");
    t.at(138, new SignerCommandApplied(ZONE, "example.test.#7"));
    // Step 11: every signer serves the new set, the parent's differs: CSYNC at every signer.
    assertThat(t.at(139, seen(A, 139, NS_AB, List.of())))
        .containsExactly(
            "csync #8 at knot-a: CSYNC 0 1 [1, 2, 28]",
            "CSYNC_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#8 publish CSYNC"
                + " for NS [csync]",
            "csync #9 at pdns-b: CSYNC 0 1 [1, 2, 28]",
            "CSYNC_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#9 publish CSYNC"
                + " for NS [csync]",
            "wake +149s");
    t.at(140, new SignerCommandApplied(ZONE, "example.test.#8"));
    t.at(140, new SignerCommandApplied(ZONE, "example.test.#9"));
    assertThat(t.at(141, seen(A, 141, NS_AB, CSYNC))).isEmpty();
    // Served everywhere: the ds-publisher is asked only to watch (the parent's scanner acts).
    assertThat(t.at(142, seen(B, 142, NS_AB, CSYNC)))
        .containsExactly(
            "ns #10: ns1.knot-a.example.,ns1.pdns-b.example. via [CSYNC_SCAN]",
            "NS_CHANGE_REQUESTED: request=example.test.#10 NS [ns1.knot-a.example.,"
                + " ns1.pdns-b.example.]",
            "wake +152s");
    // Step 12 (the parent's scanner copied the set), step 13 (CSYNC withdrawn everywhere).
    assertThat(t.at(170, new ParentNsObserved(ZONE, NS_AB)))
        .containsExactly(
            "PARENT_NS_CHANGED: parent NS now [ns1.knot-a.example., ns1.pdns-b.example.]",
            "SIGNER_JOINED: signer=pdns-b joined: parent NS names it",
            "no csync #11 at knot-a",
            "CSYNC_WITHDRAWAL_REQUESTED: signer=knot-a command=example.test.#11 withdraw CSYNC"
                + " [no csync]",
            "no csync #12 at pdns-b",
            "CSYNC_WITHDRAWAL_REQUESTED: signer=pdns-b command=example.test.#12 withdraw CSYNC"
                + " [no csync]",
            "wake +180s");
    t.at(171, new SignerCommandApplied(ZONE, "example.test.#11"));
    t.at(171, new SignerCommandApplied(ZONE, "example.test.#12"));
    t.at(172, seen(A, 172, NS_AB, List.of()));
    t.at(172, seen(B, 172, NS_AB, List.of()));
    assertThat(t.state().members())
        .allMatch(m -> m.csync().isEmpty() && m.csyncPublishing() == null);
    return t;
  }

  private static SignerSpec managing(SignerId id) {
    Capabilities caps =
        Capabilities.builder()
            .can(Capability.IMPORT_FOREIGN_DNSKEY)
            .can(Capability.PUBLISH_CDS_CDNSKEY)
            .can(Capability.MANAGE_NS)
            .can(Capability.PUBLISH_CSYNC)
            .build();
    return new SignerSpec(id, caps, ECDSAP256, List.of(ns(id)));
  }

  private static SignerKeysObserved seen(
      SignerId s, long at, List<String> ns, List<CsyncData> csync) {
    List<KeyData> keys = s.equals(A) ? List.of(A_KSK, A_ZSK, B_ZSK) : List.of(B_KSK, B_ZSK, A_ZSK);
    return observedWithNs(s, at, keys, List.of(A_KSK, B_KSK), ns, csync);
  }
}
