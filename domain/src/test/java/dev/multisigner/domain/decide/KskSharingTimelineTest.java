package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.JoinTimelines.observedA;
import static dev.multisigner.domain.decide.JoinTimelines.observedB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.EnrollZone;
import dev.multisigner.domain.decide.ZoneInput.ParentDsObserved;
import dev.multisigner.domain.decide.ZoneInput.ParentNsObserved;
import dev.multisigner.domain.decide.ZoneInput.RollKey;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, the standard planner in model 2: every signer's DNSKEY RRset carries every signer's KSK
 * too, so CDS/CDNSKEY, which a signer signs with its KSK alone (RFC 7344 §4.1), validate with the
 * DNSKEY RRset cached from any signer (RFC 9975: a parent's scanner asks every nameserver). A
 * joiner's KSK is everywhere before a CDS names it; a rolled-in KSK is imported before its CDS and
 * DS appear (and DNSKEY-Wait-Time before, for RRsets cached before the import); a retired KSK
 * leaves the other signers only after the signature wait.
 */
class KskSharingTimelineTest {

  @Test
  void aJoinSharesBothKsksBeforeTheCdsNamesTheJoiner() {
    Timeline t = Timeline.standard();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), signer(B))));
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A))));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK)));

    assertThat(t.at(2, observedA(2, List.of(A_KSK, A_ZSK), List.of(A_KSK))))
        .contains(
            "import #1 into pdns-b: a.ksk,a.zsk",
            "KEY_IMPORT_REQUESTED: signer=pdns-b command=example.test.#1 import [ZSK of knot-a "
                + A_ZSK.keyTag()
                + ", KSK of knot-a "
                + A_KSK.keyTag()
                + "]");
    assertThat(t.at(3, observedB(3, List.of(B_KSK, B_ZSK, A_KSK, A_ZSK), List.of(A_KSK))))
        .contains("import #3 into knot-a: b.ksk,b.zsk");
    // knot-a serves pdns-b's ZSK but not its KSK yet: pdns-b's CDS would not validate with
    // knot-a's DNSKEY RRset, so pdns-b is not cross-published and no CDS names its KSK.
    List<String> zskOnly = t.at(5, observedA(5, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK)));
    assertThat(zskOnly)
        .noneMatch(l -> l.startsWith("SIGNER_KEYS_PUBLISHED"))
        .noneMatch(l -> l.startsWith("cds "))
        .noneMatch(l -> l.startsWith("ds "));

    assertThat(t.at(6, observedA(6, List.of(A_KSK, A_ZSK, B_KSK, B_ZSK), List.of(A_KSK))))
        .contains(
            "SIGNER_KEYS_PUBLISHED: signer=pdns-b keys cross-published at every member (observed"
                + " 2026-11-29T20:00:06Z)",
            "cds #5 at knot-a: a.ksk,b.ksk",
            "cds #6 at pdns-b: a.ksk,b.ksk",
            "ds #7: a.ksk,b.ksk");
  }

  @Test
  void aRolledInKskReachesTheOtherSignerBeforeItsCdsAndTheOldOneLeavesAfterTheSignatureWait() {
    Timeline t = JoinTimelines.twoSignersJoinedSharingKsks();
    assertThat(t.state().members()).allMatch(m -> m.phase().name().equals("ACTIVE"));

    t.at(200, new RollKey(ZONE, A, KeyRole.KSK));
    // Imported at once; no CDS or DS for it while pdns-b, which serves the old KSK, lacks it.
    assertThat(t.at(201, observedA(201, List.of(A_KSK, A_KSK2, A_ZSK, B_KSK, B_ZSK), ab())))
        .containsExactly(
            "KEY_OBSERVED: signer=knot-a new KSK " + A_KSK2.keyTag(),
            "import #9 into pdns-b: a.ksk2",
            "KEY_IMPORT_REQUESTED: signer=pdns-b command=example.test.#9 import [KSK of knot-a "
                + A_KSK2.keyTag()
                + "]",
            "wake +211s");
    // pdns-b serves it now; its RRsets cached before the import may live DNSKEY-Wait-Time (62 s).
    assertThat(t.at(202, observedB(202, List.of(B_KSK, B_ZSK, A_KSK, A_KSK2, A_ZSK), ab())))
        .containsExactly("wake +263s");
    assertThat(t.at(262, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(263, new WakeUp(ZONE)))
        .containsExactly(
            "cds #10 at knot-a: a.ksk,a.ksk2,b.ksk",
            "CDS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#10 publish CDS/CDNSKEY "
                + dsTags(A_KSK, A_KSK2, B_KSK),
            "cds #11 at pdns-b: a.ksk,a.ksk2,b.ksk",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#11 publish CDS/CDNSKEY "
                + dsTags(A_KSK, A_KSK2, B_KSK),
            "ds #12: a.ksk,a.ksk2,b.ksk",
            "DS_CHANGE_REQUESTED: request=example.test.#12 DS add ["
                + A_KSK2.keyTag()
                + "/2] remove []",
            "wake +273s");
    List<KeyData> cds = List.of(A_KSK, A_KSK2, B_KSK);
    t.at(265, new ParentDsObserved(ZONE, dsSet(A_KSK, A_KSK2, B_KSK)));
    t.at(266, observedA(266, List.of(A_KSK, A_KSK2, A_ZSK, B_KSK, B_ZSK), cds));
    t.at(266, observedB(266, List.of(B_KSK, B_ZSK, A_KSK, A_KSK2, A_ZSK), cds));

    // knot-a stops signing with the old KSK and drops it; its CDS RRSIGs made with it may be cached
    // for the signature wait (max zone TTL + propagation, 62 s), so pdns-b keeps serving it.
    assertThat(t.at(400, observedA(400, List.of(A_KSK2, A_ZSK, B_KSK, B_ZSK), cds)))
        .containsExactly(
            "KEY_RETIREMENT_OBSERVED: signer=knot-a no longer serves its KSK " + A_KSK.keyTag(),
            "wake +462s");
    assertThat(t.at(461, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(462, new WakeUp(ZONE)))
        .contains(
            "withdraw #13 from pdns-b: a.ksk",
            "KEY_WITHDRAWAL_REQUESTED: signer=pdns-b command=example.test.#13 withdraw [KSK of"
                + " knot-a "
                + A_KSK.keyTag()
                + "]");
  }

  private static List<KeyData> ab() {
    return List.of(A_KSK, B_KSK);
  }
}
