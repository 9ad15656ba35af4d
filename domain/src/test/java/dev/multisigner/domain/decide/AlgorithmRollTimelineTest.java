package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.AlgorithmRollTimelines.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.ParentDsObserved;
import dev.multisigner.domain.decide.ZoneInput.RollAlgorithm;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import dev.multisigner.domain.group.AlgorithmRoll;
import dev.multisigner.domain.model.KeyData;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * An algorithm rollover of a two-signer model 2 group from ECDSAP256SHA256 (13) to Ed25519 (15),
 * the conservative "double signature" way for multi-signer (draft-ietf-dnsop-dnssec-automation
 * "Algorithm rollover", RFC 6781 §4.1.4, RFC 7583 §3.4): every signer publishes and signs with both
 * algorithms and serves the other's new ZSK before any DS of the new algorithm; the old DS leaves
 * DS-Wait-Time (120 s + 5 s) after the new one was seen at the parent; old keys go only
 * DS-Wait-Time after the old DS left, foreign old ZSKs a signature wait (60 s + 2 s) after their
 * owner dropped them; the roll ends when no signer serves an old-algorithm key.
 */
class AlgorithmRollTimelineTest {

  private static final List<KeyData> OLD_CDS = List.of(A_KSK, B_KSK);
  private static final List<KeyData> BOTH_CDS = List.of(A_KSK, B_KSK, A_KSK15, B_KSK15);
  private static final List<KeyData> NEW_CDS = List.of(A_KSK15, B_KSK15);

  static ZoneInput aDoubleSigning(long s, List<KeyData> cds) {
    return observed(
        A,
        s,
        List.of(A_KSK, A_ZSK, B_ZSK, A_KSK15, A_ZSK15, B_ZSK15),
        List.of(A_KSK, A_KSK15),
        List.of(A_ZSK, A_ZSK15),
        cds);
  }

  static ZoneInput bDoubleSigning(long s, List<KeyData> cds) {
    return observed(
        B,
        s,
        List.of(B_KSK, B_ZSK, A_ZSK, A_ZSK15, B_KSK15, B_ZSK15),
        List.of(B_KSK, B_KSK15),
        List.of(B_ZSK, B_ZSK15),
        cds);
  }

  /** Both signers joined (t=160), the roll asked for at t=200. */
  static Timeline rolling() {
    Timeline t = JoinTimelines.twoSignersJoined();
    t.at(200, new RollAlgorithm(ZONE, ED25519, "ops"));
    return t;
  }

  /** Both signers double-sign and serve each other's new ZSK at t=203. */
  static Timeline doubleSigned() {
    Timeline t = rolling();
    t.at(
        201,
        observed(
            A,
            201,
            List.of(A_KSK, A_ZSK, B_ZSK, A_KSK15, A_ZSK15),
            List.of(A_KSK, A_KSK15),
            List.of(A_ZSK, A_ZSK15),
            OLD_CDS));
    t.at(202, bDoubleSigning(202, OLD_CDS));
    t.at(203, aDoubleSigning(203, OLD_CDS));
    return t;
  }

  @Test
  void rollsTheWholeGroupWithDoubleSignaturesAndDsPerAlgorithm() {
    Timeline t = JoinTimelines.twoSignersJoined();

    assertThat(t.at(200, new RollAlgorithm(ZONE, ED25519, "ops")))
        .containsExactly(
            "ALGORITHM_ROLL_STARTED: algorithm roll from 13 to 15 started by ops: every signer"
                + " publishes and signs with both algorithms before any DS for 15 (RFC 6781"
                + " §4.1.4)");
    // knot-a publishes and signs with Ed25519 keys; its new ZSK is a ZSK like any other: imported
    // at pdns-b at once (RFC 8901 §2.1.2); no halt for the second algorithm, no CDS yet.
    assertThat(
            t.at(
                201,
                observed(
                    A,
                    201,
                    List.of(A_KSK, A_ZSK, B_ZSK, A_KSK15, A_ZSK15),
                    List.of(A_KSK, A_KSK15),
                    List.of(A_ZSK, A_ZSK15),
                    OLD_CDS)))
        .containsExactly(
            "KEY_OBSERVED: signer=knot-a new ZSK " + A_ZSK15.keyTag(),
            "KEY_OBSERVED: signer=knot-a new KSK " + A_KSK15.keyTag(),
            "ALGORITHM_ROLL_ADVANCED: signer=knot-a signs its DNSKEY RRset and zone with"
                + " algorithms 13 and 15",
            "import #8 into pdns-b: a.zsk15",
            "KEY_IMPORT_REQUESTED: signer=pdns-b command=example.test.#8 import [ZSK of knot-a "
                + A_ZSK15.keyTag()
                + "]",
            "wake +211s");
    assertThat(t.at(202, bDoubleSigning(202, OLD_CDS)))
        .containsExactly(
            "KEY_OBSERVED: signer=pdns-b new ZSK " + B_ZSK15.keyTag(),
            "KEY_OBSERVED: signer=pdns-b new KSK " + B_KSK15.keyTag(),
            "ALGORITHM_ROLL_ADVANCED: signer=pdns-b signs its DNSKEY RRset and zone with"
                + " algorithms 13 and 15",
            "import #9 into knot-a: b.zsk15",
            "KEY_IMPORT_REQUESTED: signer=knot-a command=example.test.#9 import [ZSK of pdns-b "
                + B_ZSK15.keyTag()
                + "]",
            "wake +212s");
    // Every signer serves both algorithms' keys, the other's new ZSK, and signs with both: the
    // new DNSKEYs and RRSIGs must leave caches first (RFC 7583 §3.4.1: DNSKEY-Wait-Time and the
    // signature wait, 62 s each here).
    assertThat(t.at(203, aDoubleSigning(203, OLD_CDS)))
        .containsExactly(
            "ALGORITHM_ROLL_ADVANCED: every signer serves and signs with algorithm 15 and serves"
                + " every new ZSK (observed 2026-11-29T20:03:23Z); max(DNSKEY-Wait-Time, signature"
                + " wait) until 2026-11-29T20:04:25Z before its DS (RFC 7583 §3.4.1)",
            "wake +265s");
    assertThat(t.at(264, new WakeUp(ZONE))).isEmpty();
    // New CDS identical at every signer (RFC 9975), then the parent: old and new DS side by side.
    assertThat(t.at(265, new WakeUp(ZONE)))
        .containsExactly(
            "ALGORITHM_ROLL_ADVANCED: DS for algorithm 15 may now be published at every signer"
                + " and the parent",
            "cds #10 at knot-a: a.ksk,a.ksk15,b.ksk,b.ksk15",
            "CDS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#10 publish"
                + " CDS/CDNSKEY "
                + tags(BOTH_CDS),
            "cds #11 at pdns-b: a.ksk,a.ksk15,b.ksk,b.ksk15",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#11 publish"
                + " CDS/CDNSKEY "
                + tags(BOTH_CDS),
            "ds #12: a.ksk,a.ksk15,b.ksk,b.ksk15",
            "DS_CHANGE_REQUESTED: request=example.test.#12 DS add " + tags(NEW_CDS) + " remove []",
            "wake +275s");
    assertThat(t.at(270, new ParentDsObserved(ZONE, dsSet(BOTH_CDS.toArray(KeyData[]::new)))))
        .containsExactly(
            "PARENT_DS_CHANGED: parent DS now " + tags(BOTH_CDS),
            "ALGORITHM_ROLL_ADVANCED: parent DS holds algorithm 15; DS-Wait-Time until"
                + " 2026-11-29T20:06:35Z before the DS of algorithm 13 leaves");
    assertThat(t.at(271, aDoubleSigning(271, BOTH_CDS))).isEmpty();
    assertThat(t.at(271, bDoubleSigning(271, BOTH_CDS))).containsExactly("wake +395s");
    assertThat(t.at(394, new WakeUp(ZONE))).isEmpty();
    // RFC 7583 §3.4.1 / RFC 6781 §4.1.4: the old DS leaves, CDS first, identical everywhere.
    assertThat(t.at(395, new WakeUp(ZONE)))
        .containsExactly(
            "ALGORITHM_ROLL_ADVANCED: DS of algorithm 13 leaves CDS at every signer and the"
                + " parent",
            "cds #13 at knot-a: a.ksk15,b.ksk15",
            "CDS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#13 publish"
                + " CDS/CDNSKEY "
                + tags(NEW_CDS),
            "cds #14 at pdns-b: a.ksk15,b.ksk15",
            "CDS_PUBLICATION_REQUESTED: signer=pdns-b command=example.test.#14 publish"
                + " CDS/CDNSKEY "
                + tags(NEW_CDS),
            "ds #15: a.ksk15,b.ksk15",
            "DS_CHANGE_REQUESTED: request=example.test.#15 DS add [] remove " + tags(OLD_CDS),
            "wake +405s");
    assertThat(t.at(400, new ParentDsObserved(ZONE, dsSet(A_KSK15, B_KSK15))))
        .containsExactly(
            "PARENT_DS_CHANGED: parent DS now " + tags(NEW_CDS),
            "ALGORITHM_ROLL_ADVANCED: parent DS without algorithm 13; DS-Wait-Time until"
                + " 2026-11-29T20:08:45Z before its keys may go");
    assertThat(t.at(401, aDoubleSigning(401, NEW_CDS))).isEmpty();
    assertThat(t.at(401, bDoubleSigning(401, NEW_CDS))).containsExactly("wake +525s");
    assertThat(t.at(524, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(525, new WakeUp(ZONE)))
        .containsExactly(
            "ALGORITHM_ROLL_ADVANCED: signers may now stop signing with and withdraw their"
                + " algorithm 13 keys; foreign ones are withdrawn after the signature wait (RFC"
                + " 6781 §4.1.4)");
    // Each signer drops its own old keys; the other keeps the old ZSK for the signature wait
    // (RFC 7583 §3.3.1), and the retired old KSK gets no DS back.
    assertThat(
            t.at(
                530,
                observed(
                    A,
                    530,
                    List.of(B_ZSK, A_KSK15, A_ZSK15, B_ZSK15),
                    List.of(A_KSK15),
                    List.of(A_ZSK15),
                    NEW_CDS)))
        .containsExactly(
            "KEY_RETIREMENT_OBSERVED: signer=knot-a no longer serves its ZSK " + A_ZSK.keyTag(),
            "KEY_RETIREMENT_OBSERVED: signer=knot-a no longer serves its KSK " + A_KSK.keyTag(),
            "wake +592s");
    assertThat(
            t.at(
                531,
                observed(
                    B,
                    531,
                    List.of(A_ZSK, A_ZSK15, B_KSK15, B_ZSK15),
                    List.of(B_KSK15),
                    List.of(B_ZSK15),
                    NEW_CDS)))
        .containsExactly(
            "KEY_RETIREMENT_OBSERVED: signer=pdns-b no longer serves its ZSK " + B_ZSK.keyTag(),
            "KEY_RETIREMENT_OBSERVED: signer=pdns-b no longer serves its KSK " + B_KSK.keyTag());
    assertThat(t.at(591, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(592, new WakeUp(ZONE)))
        .containsExactly(
            "withdraw #16 from pdns-b: a.zsk",
            "KEY_WITHDRAWAL_REQUESTED: signer=pdns-b command=example.test.#16 withdraw [ZSK of"
                + " knot-a "
                + A_ZSK.keyTag()
                + "]",
            "wake +593s");
    assertThat(t.at(593, new WakeUp(ZONE)))
        .containsExactly(
            "withdraw #17 from knot-a: b.zsk",
            "KEY_WITHDRAWAL_REQUESTED: signer=knot-a command=example.test.#17 withdraw [ZSK of"
                + " pdns-b "
                + B_ZSK.keyTag()
                + "]",
            "wake +602s");
    assertThat(
            t.at(
                600,
                observed(
                    A,
                    600,
                    List.of(A_KSK15, A_ZSK15, B_ZSK15),
                    List.of(A_KSK15),
                    List.of(A_ZSK15),
                    NEW_CDS)))
        .isEmpty();
    assertThat(t.state().algorithmRoll().phase()).isEqualTo(AlgorithmRoll.Phase.OLD_KEYS);
    assertThat(
            t.at(
                601,
                observed(
                    B,
                    601,
                    List.of(A_ZSK15, B_KSK15, B_ZSK15),
                    List.of(B_KSK15),
                    List.of(B_ZSK15),
                    NEW_CDS)))
        .containsExactly(
            "ALGORITHM_ROLL_COMPLETED: algorithm roll from 13 to 15 done: no signer serves an"
                + " algorithm 13 key; the group uses algorithm 15");
    assertThat(t.state().algorithmRoll()).isNull();
    assertThat(t.state().policy().algorithm()).isEqualTo(ED25519);
    assertThat(t.state().members()).allMatch(m -> m.spec().algorithm() == ED25519);
  }

  @Test
  void noNewDsWhileASignerDoesNotSignWithTheNewAlgorithm() {
    // pdns-b publishes the Ed25519 keys but signs its zone with the old ZSK only: no DS for 15
    // (RFC 4035 §2.2: a DS algorithm must sign every RRset; RFC 6781 §4.1.4).
    Timeline t = rolling();
    t.at(
        201,
        observed(
            A,
            201,
            List.of(A_KSK, A_ZSK, B_ZSK, A_KSK15, A_ZSK15),
            List.of(A_KSK, A_KSK15),
            List.of(A_ZSK, A_ZSK15),
            OLD_CDS));
    List<String> out =
        t.at(
            202,
            observed(
                B,
                202,
                List.of(B_KSK, B_ZSK, A_ZSK, A_ZSK15, B_KSK15, B_ZSK15),
                List.of(B_KSK, B_KSK15),
                List.of(B_ZSK),
                OLD_CDS));
    assertThat(out).noneMatch(l -> l.startsWith("ALGORITHM_ROLL_ADVANCED"));
    t.at(203, aDoubleSigning(203, OLD_CDS));
    assertThat(t.at(1000, new WakeUp(ZONE))).isEmpty();
    assertThat(t.state().algorithmRoll().phase()).isEqualTo(AlgorithmRoll.Phase.PUBLISHING);
    assertThat(t.state().algorithmRoll().doubleSigned()).containsExactly(A);
  }

  @Test
  void oldKeysOfOtherSignersStayUntilTheOldDsHasGone() {
    // knot-a drops its old keys too early (before the old DS left): the decider says so and keeps
    // its old ZSK at pdns-b (RFC 6781 §4.1.4: old keys go only after the old DS).
    Timeline t = doubleSigned();
    List<String> out =
        t.at(
            204,
            observed(
                A,
                204,
                List.of(B_ZSK, A_KSK15, A_ZSK15, B_ZSK15),
                List.of(A_KSK15),
                List.of(A_ZSK15),
                OLD_CDS));
    assertThat(out)
        .contains(
            "KEY_RETIREMENT_OBSERVED: signer=knot-a no longer serves its ZSK "
                + A_ZSK.keyTag()
                + " before the algorithm rollover lets old-algorithm keys go (RFC 6781 §4.1.4)");
    assertThat(t.at(1000, new WakeUp(ZONE))).noneMatch(l -> l.startsWith("withdraw"));
  }

  private static String tags(List<KeyData> keys) {
    return "["
        + dsSet(keys.toArray(KeyData[]::new)).stream()
            .map(d -> d.keyTag() + "/2")
            .collect(Collectors.joining(", "))
        + "]";
  }
}
