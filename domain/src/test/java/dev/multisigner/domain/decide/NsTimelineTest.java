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
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Signers that manage their apex NS RRset get the group's NS set with the delegation
 * (draft-ietf-dnsop-dnssec-automation "Signer joins" steps 9-10, "Signer leaves" step 1); a leave
 * waits until every such signer was seen without the leaver, after it reported the change applied.
 */
class NsTimelineTest {

  private static final List<String> NS_A = List.of(ns(A));
  private static final List<String> NS_AB = List.of(ns(A), ns(B));

  @Test
  void publishesTheUnionNsAtEverySignerWithTheDelegationAndWaitsForItOnLeave() {
    Timeline t = crossPublished();

    // Step 10, the joiner first: it must serve the new set before another signer names it.
    assertThat(t.at(135, new WakeUp(ZONE)))
        .containsExactly(
            "ns #6 at pdns-b: ns1.knot-a.example.,ns1.pdns-b.example.",
            "NS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#6 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.]",
            "wake +145s");
    t.at(136, new SignerCommandApplied(ZONE, "example.test.#6"));
    assertThat(t.at(137, seen(B, 137, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, B_KSK), NS_AB)))
        .containsExactly(
            "ns #7 at knot-a: ns1.knot-a.example.,ns1.pdns-b.example.",
            "NS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#7 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.]",
            "wake +147s");
    t.at(138, new SignerCommandApplied(ZONE, "example.test.#7"));
    // Step 11 once every signer serves it: the parent.
    assertThat(t.at(139, seen(A, 139, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK, B_KSK), NS_AB)))
        .containsExactly(
            "ns #8: ns1.knot-a.example.,ns1.pdns-b.example.",
            "NS_CHANGE_REQUESTED: request=example.test.#8 NS [ns1.knot-a.example.,"
                + " ns1.pdns-b.example.]",
            "wake +149s");
    t.at(140, new ParentNsObserved(ZONE, NS_AB));
    assertThat(t.state().member(B).orElseThrow().phase().name()).isEqualTo("ACTIVE");

    // pdns-b leaves: the NS set without it goes to both signers, then to the parent.
    assertThat(t.at(300, new RemoveSigner(ZONE, B)))
        .containsExactly(
            "SIGNER_LEAVE_STARTED: signer=pdns-b leaving: NS first, then DS, then keys",
            "ns #9 at knot-a: ns1.knot-a.example.",
            "NS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#9 publish NS"
                + " [ns1.knot-a.example.]",
            "ns #10 at pdns-b: ns1.knot-a.example.",
            "NS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#10 publish NS"
                + " [ns1.knot-a.example.]",
            "wake +310s");
    t.at(306, new SignerCommandApplied(ZONE, "example.test.#9"));
    t.at(306, new SignerCommandApplied(ZONE, "example.test.#10"));
    t.at(307, seen(A, 307, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK, B_KSK), NS_A));
    assertThat(t.at(307, seen(B, 307, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, B_KSK), NS_A)))
        .containsExactly(
            "ns #11: ns1.knot-a.example.",
            "NS_CHANGE_REQUESTED: request=example.test.#11 NS [ns1.knot-a.example.]",
            "wake +317s");
    // NS-Wait-Time counts from the later of the parent's change and the signers' observations.
    assertThat(t.at(310, new ParentNsObserved(ZONE, NS_A)))
        .containsExactly(
            "PARENT_NS_CHANGED: parent NS now [ns1.knot-a.example.]",
            "WAIT_STARTED: signer=pdns-b NS-Wait-Time until 2026-11-29T20:07:15Z",
            "wake +435s");
  }

  /**
   * Found end to end (SignerJoinAndLeaveE2eTest, a loaded machine): the collector saw a signer's
   * new NS set after the writer applied it but before the writer's report reached the decider, and
   * it sends nothing more while nothing changes. The report says when the writer applied it;
   * counting from when the decider heard of it instead stalled the delegation for good.
   */
  @Test
  void anNsChangeObservedBeforeItsReportArrivesIsSettledByTheReport() {
    Timeline t = crossPublished();
    assertThat(t.at(135, new WakeUp(ZONE)))
        .contains(
            "NS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#6 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.]");
    // The observation first, then the report: the joiner serves the set, the other signer is next.
    assertThat(t.at(136, seen(B, 136, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, B_KSK), NS_AB)))
        .noneMatch(line -> line.startsWith("NS_PUBLICATION_REQUESTED"));
    assertThat(
            t.at(137, new SignerCommandApplied(ZONE, "example.test.#6", at(135).plusMillis(500))))
        .contains(
            "NS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#7 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.]");
    // The same for the last signer: its report, after its observation, lets the parent change.
    t.at(139, seen(A, 139, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK, B_KSK), NS_AB));
    assertThat(t.at(140, new SignerCommandApplied(ZONE, "example.test.#7", at(138))))
        .contains(
            "NS_CHANGE_REQUESTED: request=example.test.#8 NS [ns1.knot-a.example.,"
                + " ns1.pdns-b.example.]");
  }

  /**
   * The observation showing a command's effect came before the time its report gives (a writer's
   * clock ahead of the collector's), and the collector sends no other while nothing changes. The
   * command is asked again a retry interval after its application; the repeat finds its effect in
   * place and is settled by the observation held, so the delegation moves on instead of waiting for
   * good.
   */
  @Test
  void anAppliedCommandWithNoObservationAfterItIsAskedAgainAfterTheRetryInterval() {
    Timeline t = crossPublished();
    t.at(135, new WakeUp(ZONE));
    t.at(136, seen(B, 136, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, B_KSK), NS_AB));
    // the report's time is after the observation's: it does not count as taken after it
    assertThat(t.at(137, new SignerCommandApplied(ZONE, "example.test.#6", at(137))))
        .noneMatch(line -> line.startsWith("NS_PUBLICATION_REQUESTED"))
        .contains("wake +147s");
    assertThat(t.at(146, new WakeUp(ZONE)))
        .noneMatch(line -> line.startsWith("NS_PUBLICATION_REQUESTED"));
    assertThat(t.at(147, new WakeUp(ZONE)))
        .contains(
            "NS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#7 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.] (retry)");
    assertThat(t.at(148, new SignerCommandApplied(ZONE, "example.test.#7", at(148), false)))
        .contains(
            "NS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#8 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.]");
  }

  /**
   * Found by the soak (scenario 2 of seed 1): the report of an NS command came late, the decider
   * retried it, the collector saw the first application land, and the retry changed nothing. The
   * retry's report must settle it with the observation already held: the collector sends no other
   * while nothing changes, and without this the delegation never moved.
   */
  @Test
  void aRetryThatChangesNothingIsSettledByTheObservationOfTheFirstApplication() {
    Timeline t = crossPublished();
    t.at(135, new WakeUp(ZONE));
    // #6 lands at pdns-b (observed), its report is late: the decider asks again
    t.at(136, seen(B, 136, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, B_KSK), NS_AB));
    assertThat(t.at(160, new WakeUp(ZONE)))
        .contains(
            "NS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#7 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.] (retry)");
    // the late report of #6 is for a command no longer in flight; the retry changes nothing
    t.at(161, new SignerCommandApplied(ZONE, "example.test.#6", at(135).plusMillis(500)));
    assertThat(t.at(162, new SignerCommandApplied(ZONE, "example.test.#7", at(161), false)))
        .contains(
            "NS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#8 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.]");
  }

  /**
   * Found by the soak on shared signers at load 40 (a join's NS publication at PowerDNS repeated
   * "no change" every 5 s for minutes, and a ZSK import came too late for Knot's pre-publication):
   * the writer took longer than the retry interval, so every report was for a command whose retry
   * had already replaced it as the one pending, and nothing ever settled. A retry now waits as long
   * as its change has waited so far, so a slow writer's report lands while its command is pending.
   */
  @Test
  void aWriterSlowerThanTheRetryIntervalStillSettlesTheChange() {
    Timeline t = crossPublished();
    assertThat(t.at(135, new WakeUp(ZONE)))
        .contains(
            "NS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#6 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.]");
    assertThat(t.at(145, new WakeUp(ZONE)))
        .contains(
            "NS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#7 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.] (retry)");
    // #6 lands after 12 s, reported once #7 has replaced it; the collector sees it
    t.at(148, new SignerCommandApplied(ZONE, "example.test.#6", at(147)));
    t.at(149, seen(B, 149, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, B_KSK), NS_AB));
    assertThat(t.at(155, new WakeUp(ZONE)))
        .contains(
            "NS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#8 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.] (retry)");
    t.at(161, new SignerCommandApplied(ZONE, "example.test.#7", at(160), false));
    // the next retry waits as long as the change has (20 s), not the interval (10 s)
    assertThat(t.at(165, new WakeUp(ZONE)))
        .noneMatch(line -> line.startsWith("NS_PUBLICATION_REQUESTED"));
    assertThat(t.at(168, new SignerCommandApplied(ZONE, "example.test.#8", at(167), false)))
        .contains(
            "NS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#9 publish NS"
                + " [ns1.knot-a.example., ns1.pdns-b.example.]");
  }

  /** knot-a and pdns-b enrolled, each serving the other's ZSK, the parent's DS covering both. */
  private static Timeline crossPublished() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(managing(A), managing(B))));
    t.at(1, new ParentNsObserved(ZONE, NS_A));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK)));
    t.at(2, seen(A, 2, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK, B_KSK), NS_A));
    t.at(2, seen(B, 2, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, B_KSK), NS_A));
    t.at(10, new ParentDsObserved(ZONE, dsSet(A_KSK, B_KSK)));
    return t;
  }

  private static SignerSpec managing(SignerId id) {
    Capabilities caps =
        Capabilities.builder()
            .can(Capability.IMPORT_FOREIGN_DNSKEY)
            .can(Capability.PUBLISH_CDS_CDNSKEY)
            .can(Capability.MANAGE_NS)
            .build();
    return new SignerSpec(id, caps, ECDSAP256, List.of(ns(id)));
  }

  private static SignerKeysObserved seen(
      SignerId s, long at, List<KeyData> keys, List<KeyData> cds, List<String> ns) {
    return observedWithNs(s, at, keys, cds, ns, List.of());
  }
}
