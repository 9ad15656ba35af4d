package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.JoinTimelines.observedA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.ResumeZone;
import dev.multisigner.domain.decide.ZoneInput.SignerKeysObserved;
import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A DNSKEY that a signer serves but that neither its own key list (PowerDNS cryptokeys, Knot
 * keymgr) nor the group's imports explain is never adopted or imported: the zone halts with
 * UNACCOUNTABLE_KEY naming zone, signer and key tag, and resumes cleanly once the key is gone.
 */
class UnaccountableKeyTimelineTest {

  /** A KSK written into pdns-b's records table by hand: pdns-b holds no private key for it. */
  private static final KeyData PLANTED = key("x.planted", 257);

  private static final List<KeyData> B_LISTS = List.of(B_KSK, B_ZSK);

  private static ZoneInput listed(
      SignerId s, long seconds, List<KeyData> served, List<KeyData> own) {
    return new SignerKeysObserved(
        ZONE, s, observation(s, at(seconds), served, List.of(A_KSK, B_KSK)).withOwnKeys(own));
  }

  @Test
  void haltsOnAKeyItsSignerDoesNotListAndImportsItNowhere() {
    Timeline t = JoinTimelines.twoSignersJoined();

    List<String> out = t.at(200, listed(B, 200, List.of(B_KSK, B_ZSK, A_ZSK, PLANTED), B_LISTS));

    assertThat(out)
        .containsExactly(
            "ZONE_HALTED: halted: signer pdns-b serves DNSKEY "
                + PLANTED.keyTag()
                + " (flags 257, algorithm 13) in zone example.test. that its own key list does"
                + " not name and no other signer of the group holds; it is imported nowhere."
                + " Remove it from pdns-b (or make the signer list it as its key), then resume");
    assertThat(t.state().haltCause()).isEqualTo(HaltCause.UNACCOUNTABLE_KEY);
    assertThat(t.state().keys()).extracting(KeyRecord::data).doesNotContain(PLANTED);
    // knot-a's next snapshot plans nothing for the planted key: no import, no DS, no CDS.
    assertThat(t.at(210, observedA(210, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK, B_KSK))))
        .isEmpty();
    assertThat(ZoneDecider.plan(t.state(), at(210)).toString())
        .doesNotContain(Integer.toString(PLANTED.keyTag()));

    // Resumed while the key is still served: it halts again at once.
    assertThat(t.at(220, new ResumeZone(ZONE, "alice", "looked at it")))
        .contains("ZONE_RESUMED: resumed by alice: looked at it (was halted: " + reason() + ")")
        .contains("ZONE_HALTED: halted: " + reason());

    // The key removed at pdns-b, the operator resumes, and the zone stays active.
    assertThat(t.at(300, listed(B, 300, List.of(B_KSK, B_ZSK, A_ZSK), B_LISTS))).isEmpty();
    assertThat(t.state().status()).isEqualTo(ZoneStatus.HALTED);
    assertThat(t.at(310, new ResumeZone(ZONE, "alice", "planted key removed")))
        .containsExactly(
            "ZONE_RESUMED: resumed by alice: planted key removed (was halted: " + reason() + ")");
    assertThat(t.state().status()).isEqualTo(ZoneStatus.ACTIVE);
    assertThat(t.state().haltCause()).isEqualTo(HaltCause.NONE);
  }

  private static String reason() {
    return "signer pdns-b serves DNSKEY "
        + PLANTED.keyTag()
        + " (flags 257, algorithm 13) in zone example.test. that its own key list does not name"
        + " and no other signer of the group holds; it is imported nowhere. Remove it from pdns-b"
        + " (or make the signer list it as its key), then resume";
  }

  @Test
  void aKeyTheDeciderImportedIsAccountableThoughItsSignerDoesNotListIt() {
    Timeline t = JoinTimelines.twoSignersJoined();

    assertThat(t.at(200, listed(B, 200, List.of(B_KSK, B_ZSK, A_ZSK), B_LISTS))).isEmpty();
    assertThat(t.state().status()).isEqualTo(ZoneStatus.ACTIVE);
  }

  @Test
  void aKeyListedByNoOneWaitsForEveryMemberBeforeItHalts() {
    Timeline t = JoinTimelines.enrolledAndParentSeen();

    // pdns-b serves knot-a's ZSK (cross-imported by hand before enrollment) and does not list it;
    // knot-a is not observed yet, so the key may be knot-a's: it is neither adopted nor a halt.
    assertThat(t.at(3, listed(B, 3, List.of(B_KSK, B_ZSK, A_ZSK), B_LISTS)))
        .doesNotContain("KEY_OBSERVED: signer=pdns-b new ZSK " + A_ZSK.keyTag())
        .noneMatch(line -> line.startsWith("ZONE_HALTED"));
    assertThat(t.state().keys()).extracting(KeyRecord::data).doesNotContain(A_ZSK);

    // knot-a serves it as its own: accounted for, and the zone goes on.
    assertThat(t.at(4, observedA(4, List.of(A_KSK, A_ZSK), List.of(A_KSK))))
        .contains("KEY_OBSERVED: signer=knot-a new ZSK " + A_ZSK.keyTag());
    assertThat(t.state().status()).isEqualTo(ZoneStatus.ACTIVE);
    assertThat(t.state().keys())
        .filteredOn(k -> k.data().equals(A_ZSK))
        .extracting(KeyRecord::owner)
        .containsExactly(A);
  }

  @Test
  void aSignerWithoutAListingStillOwnsTheKeysNewToTheGroup() {
    Timeline t = JoinTimelines.twoSignersJoined();

    assertThat(
            t.at(
                200,
                new SignerKeysObserved(
                    ZONE,
                    B,
                    observation(B, at(200), List.of(B_KSK, B_ZSK, A_ZSK, B_ZSK2), List.of()))))
        .contains("KEY_OBSERVED: signer=pdns-b new ZSK " + B_ZSK2.keyTag());
    assertThat(t.state().status()).isEqualTo(ZoneStatus.ACTIVE);
  }

  @Test
  void haltsWhenASignerServesMoreKeysThanAnyRollNeedsAndRecordsNoneOfThem() {
    Timeline t = JoinTimelines.twoSignersJoined();
    List<KeyData> many = new ArrayList<>(List.of(B_KSK, B_ZSK, A_ZSK));
    for (int i = 0; i < KeyAccounting.MAX_OWN_KEYS - 1; i++) {
      many.add(key("b.extra" + i, 256));
    }

    List<String> out = t.at(200, listed(B, 200, many, many));

    assertThat(out)
        .singleElement()
        .asString()
        .startsWith(
            "ZONE_HALTED: halted: signer pdns-b serves 9 DNSKEYs of its own or new to the group"
                + " in zone example.test., more than the 8 a signer may have; none is recorded or"
                + " imported");
    assertThat(t.state().haltCause()).isEqualTo(HaltCause.UNACCOUNTABLE_KEY);
    assertThat(t.state().keys()).hasSize(4);
    assertThat(t.state().member(B).orElseThrow().observedAt()).isEqualTo(at(7));
  }
}
