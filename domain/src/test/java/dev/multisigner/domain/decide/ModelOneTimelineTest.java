package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.A;
import static dev.multisigner.domain.ZoneFixtures.A_KSK;
import static dev.multisigner.domain.ZoneFixtures.A_KSK2;
import static dev.multisigner.domain.ZoneFixtures.A_ZSK;
import static dev.multisigner.domain.ZoneFixtures.A_ZSK2;
import static dev.multisigner.domain.ZoneFixtures.B;
import static dev.multisigner.domain.ZoneFixtures.B_ZSK;
import static dev.multisigner.domain.ZoneFixtures.B_ZSK2;
import static dev.multisigner.domain.ZoneFixtures.ZONE;
import static dev.multisigner.domain.ZoneFixtures.dsSet;
import static dev.multisigner.domain.ZoneFixtures.ns;
import static dev.multisigner.domain.ZoneFixtures.signer;
import static dev.multisigner.domain.decide.ModelOneTimelines.MODEL_ONE;
import static dev.multisigner.domain.decide.ModelOneTimelines.observedA;
import static dev.multisigner.domain.decide.ModelOneTimelines.observedB;
import static dev.multisigner.domain.decide.ModelOneTimelines.requestedB;
import static dev.multisigner.domain.decide.ModelOneTimelines.signed;
import static dev.multisigner.domain.decide.ModelOneTimelines.signedElsewhere;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.EnrollZone;
import dev.multisigner.domain.decide.ZoneInput.ParentDsObserved;
import dev.multisigner.domain.decide.ZoneInput.ParentNsObserved;
import dev.multisigner.domain.decide.ZoneInput.RollKey;
import dev.multisigner.domain.decide.ZoneInput.SignerCommandApplied;
import dev.multisigner.domain.decide.ZoneInput.SignerCommandFailed;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.plan.Plan;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Model 1 (RFC 8901 §2.1.1; draft-ietf-dnsop-dnssec-automation model 1): knot-a holds the group's
 * one KSK and signs every DNSKEY RRset with it; pdns-b has only a ZSK and serves the RRset knot-a
 * signed for it (knot-a's KSK + every ZSK). The DS set references knot-a's KSK only. Waits: DNSKEY
 * 60 + 2 s, signature 60 + 2 s, DS 120 + 5 s (RFC 7583 §3.3).
 */
class ModelOneTimelineTest {

  @Test
  void joinsASignerWhoseRrsetTheKskHolderSigns() {
    Timeline t = new Timeline();

    assertThat(t.at(0, new EnrollZone(ZONE, MODEL_ONE, List.of(signer(A), signedElsewhere(B)))))
        .containsExactly(
            "ZONE_ENROLLED: enrolled MODEL_1 algorithm 13 with signers [knot-a, pdns-b]");
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A))));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK)));

    // The CDS set is the holder's KSK alone, identical everywhere (RFC 9975); pdns-b has no KSK.
    assertThat(t.at(2, observedA(2, List.of(A_KSK, A_ZSK))))
        .containsExactly(
            "KEY_OBSERVED: signer=knot-a new ZSK " + A_ZSK.keyTag(),
            "KEY_OBSERVED: signer=knot-a new KSK " + A_KSK.keyTag(),
            "cds #1 at pdns-b: a.ksk",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#1 publish CDS/CDNSKEY "
                + tags(A_KSK),
            "wake +12s");
    // Draft "Signer joins" step 3 in model 1: pdns-b's ZSK (its key signing request) goes into
    // knot-a's own RRset, and knot-a signs pdns-b's RRset: its KSK, its ZSK, pdns-b's ZSK.
    assertThat(t.at(3, requestedB(3, B_ZSK)))
        .containsExactly(
            "KEY_OBSERVED: signer=pdns-b requests new ZSK " + B_ZSK.keyTag(),
            "import #2 into knot-a: b.zsk",
            "KEY_IMPORT_REQUESTED: signer=knot-a command=example.test.#2 import [ZSK of pdns-b "
                + B_ZSK.keyTag()
                + "]",
            "sign #3 at knot-a for pdns-b: a.ksk,a.zsk,b.zsk",
            "DNSKEY_RRSET_SIGNATURE_REQUESTED: signer=knot-a command=example.test.#3 sign "
                + rrset(B_ZSK, A_ZSK, A_KSK)
                + " for pdns-b");
    assertThat(t.at(4, signed(t, 4, "#3")))
        .containsExactly(
            "install #4 at pdns-b: a.ksk,a.zsk,b.zsk signed by a.ksk",
            "SIGNED_DNSKEY_RRSET_INSTALL_REQUESTED: signer=pdns-b command=example.test.#4 install "
                + rrset(B_ZSK, A_ZSK, A_KSK)
                + " signed by ["
                + A_KSK.keyTag()
                + "]");
    assertThat(t.at(5, observedA(5, List.of(A_KSK, A_ZSK, B_ZSK)))).isEmpty();

    // Steps 6-8: the parent's DS (knot-a's KSK) already covers pdns-b's RRset; wait max(DS-Wait,
    // DNSKEY-Wait) from then, then the NS change.
    assertThat(t.at(6, observedB(6, List.of(A_KSK, A_ZSK, B_ZSK))))
        .containsExactly(
            "SIGNER_KEYS_PUBLISHED: signer=knot-a keys cross-published at every member (observed"
                + " 2026-11-29T20:00:06Z)",
            "SIGNER_KEYS_PUBLISHED: signer=pdns-b keys cross-published at every member (observed"
                + " 2026-11-29T20:00:06Z)",
            "SIGNER_JOINED: signer=knot-a joined (already delegated)",
            "WAIT_STARTED: signer=pdns-b max(DS-Wait-Time, DNSKEY-Wait-Time) until"
                + " 2026-11-29T20:02:06Z",
            "wake +126s");
    assertThat(t.at(125, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(130, new WakeUp(ZONE)))
        .containsExactly(
            "ns #5: ns1.knot-a.example.,ns1.pdns-b.example.",
            "NS_CHANGE_REQUESTED: request=example.test.#5 NS [ns1.knot-a.example.,"
                + " ns1.pdns-b.example.]",
            "wake +140s");
    assertThat(t.at(140, new ParentNsObserved(ZONE, List.of(ns(A), ns(B)))))
        .containsExactly(
            "PARENT_NS_CHANGED: parent NS now [ns1.knot-a.example., ns1.pdns-b.example.]",
            "SIGNER_JOINED: signer=pdns-b joined: parent NS names it",
            // the holder's 14-day signatures are renewed a third of their span before they expire
            "wake +806404s");
    assertThat(t.state().members()).allMatch(m -> m.phase() == MemberPhase.ACTIVE);
    assertThat(t.state().parentDs()).isEqualTo(dsSet(A_KSK));
    assertThat(ZoneDecider.plan(t.state(), ZoneFixtures_at(200)).isEmpty()).isTrue();
    assertThat(t.at(200, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(806403, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(806404, new WakeUp(ZONE)))
        .anySatisfy(line -> assertThat(line).startsWith("sign #6 at knot-a for pdns-b:"));
  }

  @Test
  void aNewZskOfASignerEntersEveryRrsetReSignedBeforeItSignsAndLeavesAfterTheSignatureWait() {
    Timeline t = ModelOneTimelines.joined();

    // pdns-b's key signing request names a new ZSK: into knot-a's RRset, and knot-a re-signs
    // pdns-b's RRset with it (draft "ZSK rollover" steps 1-2); pdns-b signs with it only after
    // its own pre-publication (DNSKEY-Wait-Time + import time, RFC 8901 §6).
    assertThat(t.at(200, requestedB(200, B_ZSK, B_ZSK2)))
        .containsExactly(
            "KEY_OBSERVED: signer=pdns-b requests new ZSK " + B_ZSK2.keyTag(),
            "import #6 into knot-a: b.zsk2",
            "KEY_IMPORT_REQUESTED: signer=knot-a command=example.test.#6 import [ZSK of pdns-b "
                + B_ZSK2.keyTag()
                + "]",
            "sign #7 at knot-a for pdns-b: a.ksk,a.zsk,b.zsk,b.zsk2",
            "DNSKEY_RRSET_SIGNATURE_REQUESTED: signer=knot-a command=example.test.#7 sign "
                + rrset(B_ZSK, A_ZSK, B_ZSK2, A_KSK)
                + " for pdns-b",
            "wake +210s");
    assertThat(t.at(201, signed(t, 201, "#7")))
        .containsExactly(
            "install #8 at pdns-b: a.ksk,a.zsk,b.zsk,b.zsk2 signed by a.ksk",
            "SIGNED_DNSKEY_RRSET_INSTALL_REQUESTED: signer=pdns-b command=example.test.#8 install "
                + rrset(B_ZSK, A_ZSK, B_ZSK2, A_KSK)
                + " signed by ["
                + A_KSK.keyTag()
                + "]");
    t.at(202, observedA(202, List.of(A_KSK, A_ZSK, B_ZSK, B_ZSK2)));
    assertThat(t.at(202, new SignerCommandFailed(ZONE, "example.test.#8", true, "HTTP 503")))
        .containsExactly(
            "COMMAND_FAILED: signer=pdns-b command=example.test.#8 failed (HTTP 503), retry at"
                + " 2026-11-29T20:03:32Z",
            "wake +212s");
    // The holder's signatures are kept with the installation: a retry installs them again.
    assertThat(t.at(212, new WakeUp(ZONE)))
        .containsExactly(
            "install #9 at pdns-b: a.ksk,a.zsk,b.zsk,b.zsk2 signed by a.ksk",
            "SIGNED_DNSKEY_RRSET_INSTALL_REQUESTED: signer=pdns-b command=example.test.#9 install "
                + rrset(B_ZSK, A_ZSK, B_ZSK2, A_KSK)
                + " (retry)",
            "wake +222s");
    t.at(214, new SignerCommandApplied(ZONE, "example.test.#9"));
    assertThat(t.at(215, observedA(215, List.of(A_KSK, A_ZSK, B_ZSK, B_ZSK2)))).isEmpty();
    assertThat(t.at(216, observedB(216, List.of(A_KSK, A_ZSK, B_ZSK, B_ZSK2)))).isEmpty();
    assertThat(t.state().member(B).orElseThrow().installing()).isNull();

    // pdns-b signed with b.zsk2 and, a signature wait later, drops b.zsk from its request: b.zsk
    // stays in every RRset for the signature wait after that (RFC 7583 §3.3.1), then leaves.
    assertThat(t.at(400, requestedB(400, B_ZSK2)))
        .containsExactly(
            "KEY_RETIREMENT_OBSERVED: signer=pdns-b no longer requests its ZSK " + B_ZSK.keyTag(),
            "wake +462s");
    assertThat(t.at(461, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(462, new WakeUp(ZONE)))
        .containsExactly(
            "withdraw #10 from knot-a: b.zsk",
            "KEY_WITHDRAWAL_REQUESTED: signer=knot-a command=example.test.#10 withdraw [ZSK of"
                + " pdns-b "
                + B_ZSK.keyTag()
                + "]",
            "sign #11 at knot-a for pdns-b: a.ksk,a.zsk,b.zsk2",
            "DNSKEY_RRSET_SIGNATURE_REQUESTED: signer=knot-a command=example.test.#11 sign "
                + rrset(A_ZSK, B_ZSK2, A_KSK)
                + " for pdns-b",
            "wake +472s");
    // An older request delivered late changes nothing.
    assertThat(t.at(463, requestedB(200, B_ZSK, B_ZSK2))).isEmpty();
  }

  @Test
  void aNewZskOfTheHolderIsSignedIntoTheOtherRrsetAtOnceAndTheOldOneLeavesAfterTheWait() {
    Timeline t = ModelOneTimelines.joined();

    assertThat(t.at(200, observedA(200, List.of(A_KSK, A_ZSK, A_ZSK2, B_ZSK))))
        .containsExactly(
            "KEY_OBSERVED: signer=knot-a new ZSK " + A_ZSK2.keyTag(),
            "sign #6 at knot-a for pdns-b: a.ksk,a.zsk,a.zsk2,b.zsk",
            "DNSKEY_RRSET_SIGNATURE_REQUESTED: signer=knot-a command=example.test.#6 sign "
                + rrset(B_ZSK, A_ZSK, A_ZSK2, A_KSK)
                + " for pdns-b",
            "wake +210s");
    assertThat(t.at(201, signed(t, 201, "#6")))
        .contains("install #7 at pdns-b: a.ksk,a.zsk,a.zsk2,b.zsk signed by a.ksk");
    t.at(202, new SignerCommandApplied(ZONE, "example.test.#7"));
    assertThat(t.at(204, observedB(204, List.of(A_KSK, A_ZSK, A_ZSK2, B_ZSK)))).isEmpty();

    assertThat(t.at(300, observedA(300, List.of(A_KSK, A_ZSK2, B_ZSK))))
        .containsExactly(
            "KEY_RETIREMENT_OBSERVED: signer=knot-a no longer serves its ZSK " + A_ZSK.keyTag(),
            "wake +362s");
    assertThat(t.at(361, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(362, new WakeUp(ZONE)))
        .containsExactly(
            "sign #8 at knot-a for pdns-b: a.ksk,a.zsk2,b.zsk",
            "DNSKEY_RRSET_SIGNATURE_REQUESTED: signer=knot-a command=example.test.#8 sign "
                + rrset(B_ZSK, A_ZSK2, A_KSK)
                + " for pdns-b",
            "wake +372s");
  }

  @Test
  void rollsTheHoldersKskDoubleSignedWithTheOnlyDsOfTheGroup() {
    Timeline t = ModelOneTimelines.joined();

    assertThat(t.at(200, new RollKey(ZONE, A, KeyRole.KSK)))
        .containsExactly(
            "roll #6 knot-a KSK",
            "KEY_ROLL_REQUESTED: signer=knot-a command=example.test.#6 roll KSK");
    // Draft "KSK rollover" steps 1-4: the new KSK goes into pdns-b's RRset too, signed by both;
    // CDS old+new at every signer, and the DS request (RFC 7583 §3.3.2 double-DS).
    assertThat(t.at(201, observedA(201, List.of(A_KSK, A_KSK2, A_ZSK, B_ZSK))))
        .containsExactly(
            "KEY_OBSERVED: signer=knot-a new KSK " + A_KSK2.keyTag(),
            "sign #7 at knot-a for pdns-b: a.ksk,a.ksk2,a.zsk,b.zsk",
            "DNSKEY_RRSET_SIGNATURE_REQUESTED: signer=knot-a command=example.test.#7 sign "
                + rrset(B_ZSK, A_ZSK, A_KSK2, A_KSK)
                + " for pdns-b",
            "cds #8 at knot-a: a.ksk,a.ksk2",
            "CDS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#8 publish CDS/CDNSKEY "
                + tags(A_KSK, A_KSK2),
            "cds #9 at pdns-b: a.ksk,a.ksk2",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#9 publish CDS/CDNSKEY "
                + tags(A_KSK, A_KSK2),
            "ds #10: a.ksk,a.ksk2",
            "DS_CHANGE_REQUESTED: request=example.test.#10 DS add ["
                + A_KSK2.keyTag()
                + "/2] remove []",
            "wake +211s");
    assertThat(t.at(202, signed(t, 202, "#7", A_KSK, A_KSK2)))
        .contains("install #11 at pdns-b: a.ksk,a.ksk2,a.zsk,b.zsk signed by a.ksk,a.ksk2");
    t.at(205, new ParentDsObserved(ZONE, dsSet(A_KSK, A_KSK2)));
    List<KeyData> both = List.of(A_KSK, A_KSK2);
    t.at(206, observedA(206, List.of(A_KSK, A_KSK2, A_ZSK, B_ZSK), both));
    assertThat(t.at(207, observedB(207, List.of(A_KSK, A_KSK2, A_ZSK, B_ZSK), both)))
        .containsExactly("wake +806602s");

    // Step 6: knot-a drops the old KSK; pdns-b's RRset is re-signed without it.
    assertThat(t.at(400, observedA(400, List.of(A_KSK2, A_ZSK, B_ZSK), both)))
        .containsExactly(
            "KEY_RETIREMENT_OBSERVED: signer=knot-a no longer serves its KSK " + A_KSK.keyTag(),
            "sign #12 at knot-a for pdns-b: a.ksk2,a.zsk,b.zsk",
            "DNSKEY_RRSET_SIGNATURE_REQUESTED: signer=knot-a command=example.test.#12 sign "
                + rrset(B_ZSK, A_ZSK, A_KSK2)
                + " for pdns-b",
            "wake +410s");
    assertThat(t.at(401, signed(t, 401, "#12", A_KSK2)))
        .contains("install #13 at pdns-b: a.ksk2,a.zsk,b.zsk signed by a.ksk2");
    t.at(402, new SignerCommandApplied(ZONE, "example.test.#13"));
    // Step 7: the old DS leaves only DNSKEY-Wait-Time after knot-a dropped the old KSK and once
    // no signer serves an RRset holding it.
    assertThat(t.at(462, new WakeUp(ZONE))).containsExactly("wake +806801s");
    assertThat(t.at(463, observedB(463, List.of(A_KSK2, A_ZSK, B_ZSK), both)))
        .containsExactly(
            "cds #14 at knot-a: a.ksk2",
            "CDS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#14 publish CDS/CDNSKEY "
                + tags(A_KSK2),
            "cds #15 at pdns-b: a.ksk2",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#15 publish CDS/CDNSKEY "
                + tags(A_KSK2),
            "ds #16: a.ksk2",
            "DS_CHANGE_REQUESTED: request=example.test.#16 DS add [] remove ["
                + A_KSK.keyTag()
                + "/2]",
            "wake +473s");
  }

  @Test
  void thePlanOfAModelOneZoneListsTheSignedRrsetChanges() {
    Timeline t = ModelOneTimelines.joined();
    t.at(200, requestedB(200, B_ZSK, B_ZSK2));

    Plan plan = ZoneDecider.plan(t.state(), ZoneFixtures_at(200));

    assertThat(plan.render())
        .containsExactly(
            "add DNSKEY ZSK of pdns-b " + B_ZSK2.keyTag() + " at knot-a",
            "add DNSKEY ZSK of pdns-b " + B_ZSK2.keyTag() + " at pdns-b");
  }

  private static java.time.Instant ZoneFixtures_at(long s) {
    return dev.multisigner.domain.ZoneFixtures.at(s);
  }

  /** The event text of an RRset: keys in KeyData order (flags, then bytes), as the decider logs. */
  private static String rrset(KeyData... keys) {
    return Arrays.stream(keys)
        .sorted()
        .map(
            k ->
                (k.sep() ? "KSK" : "ZSK")
                    + " of "
                    + (dev.multisigner.domain.ZoneFixtures.name(k).startsWith("a.")
                        ? "knot-a"
                        : "pdns-b")
                    + " "
                    + k.keyTag())
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String tags(KeyData... keys) {
    return "["
        + dsSet(keys).stream().map(d -> d.keyTag() + "/2").collect(Collectors.joining(", "))
        + "]";
  }
}
