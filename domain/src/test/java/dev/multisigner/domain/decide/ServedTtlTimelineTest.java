package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.JoinTimelines.observedB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.ParentNsObserved;
import dev.multisigner.domain.decide.ZoneInput.RemoveSigner;
import dev.multisigner.domain.decide.ZoneInput.RollKey;
import dev.multisigner.domain.decide.ZoneInput.SignerKeysObserved;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The waits use the TTLs actually served when they are longer than the policy's (issue 12 item 9,
 * RFC 7583 §3.3): knot-a serving its DNSKEY RRset with TTL 300 s (policy 60 s) keeps a rolled KSK's
 * DS DNSKEY-Wait-Time = 300 + 2 s, not 62 s; the parent serving the delegation with TTL 600 s
 * (policy 120 s) makes NS-Wait-Time 605 s; a TTL over 7 days halts the zone.
 */
class ServedTtlTimelineTest {

  @Test
  void aDnskeyRrsetServedWithALongerTtlMakesTheDnskeyWaitLonger() {
    Timeline t = JoinTimelines.twoSignersJoined();
    t.at(200, new RollKey(ZONE, A, KeyRole.KSK));
    assertThat(t.at(201, observedA(201, List.of(A_KSK, A_KSK2, A_ZSK, B_ZSK), 300)))
        .contains(
            "SERVED_TTL_LONGER: signer=knot-a serves its DNSKEY RRset with TTL 300 s, longer than"
                + " the policy's 60 s: DNSKEY-Wait-Time uses 300 s");
    t.at(205, new ZoneInput.ParentDsObserved(ZONE, dsSet(A_KSK, A_KSK2, B_KSK)));
    t.at(206, observedB(206, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, A_KSK2, B_KSK)));

    // knot-a drops the old KSK at 400: its DS may leave once no cache holds an RRset with it,
    // 300 s (the TTL served) + 2 s later, not 62 s (KskRollTimelineTest, policy TTL served).
    assertThat(t.at(400, observedA(400, List.of(A_KSK2, A_ZSK, B_ZSK), 300)))
        .containsExactly(
            "KEY_RETIREMENT_OBSERVED: signer=knot-a no longer serves its KSK " + A_KSK.keyTag(),
            "wake +702s");
    assertThat(t.at(462, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(701, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(702, new WakeUp(ZONE)))
        .contains(
            "DS_CHANGE_REQUESTED: request=example.test.#13 DS add [] remove ["
                + A_KSK.keyTag()
                + "/2]");
  }

  @Test
  void aShorterTtlServedLaterStillWaitsOutTheLongerOneCachesMayHold() {
    Timeline t = JoinTimelines.twoSignersJoined();
    t.at(190, observedA(190, List.of(A_KSK, A_ZSK, B_ZSK), 300));
    t.at(200, new RollKey(ZONE, A, KeyRole.KSK));
    // From 201 on knot-a serves TTL 60 again; a copy fetched at 200 with TTL 300 lives to 501.
    t.at(201, observedA(201, List.of(A_KSK, A_KSK2, A_ZSK, B_ZSK), 60));
    t.at(205, new ZoneInput.ParentDsObserved(ZONE, dsSet(A_KSK, A_KSK2, B_KSK)));
    t.at(206, observedB(206, List.of(B_KSK, B_ZSK, A_ZSK), List.of(A_KSK, A_KSK2, B_KSK)));
    assertThat(t.at(400, observedA(400, List.of(A_KSK2, A_ZSK, B_ZSK), 60)))
        .containsExactly(
            "KEY_RETIREMENT_OBSERVED: signer=knot-a no longer serves its KSK " + A_KSK.keyTag(),
            "wake +702s");
    // Once the TTL-300 copies are gone (501), the wait is the policy's again: 400 + 62.
    assertThat(t.state().servedTtls().dnskey().get(A).inForce(at(501)))
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aDelegationServedWithALongerTtlMakesTheNsWaitLonger() {
    Timeline t = JoinTimelines.twoSignersJoined();
    t.at(400, new RemoveSigner(ZONE, B));
    assertThat(t.at(410, new ParentNsObserved(ZONE, List.of(ns(A)), Duration.ofSeconds(600))))
        .containsExactly(
            "SERVED_TTL_LONGER: parent serves the delegation NS RRset with TTL 600 s, longer than"
                + " the policy's 120 s: NS-Wait-Time uses 600 s",
            "PARENT_NS_CHANGED: parent NS now [ns1.knot-a.example.]",
            "WAIT_STARTED: signer=pdns-b NS-Wait-Time until 2026-11-29T20:16:55Z",
            "wake +1015s");
  }

  @Test
  void aTtlOverTheBoundHaltsTheZoneNamingWhoServesIt() {
    Timeline t = JoinTimelines.twoSignersJoined();
    long eightDays = Duration.ofDays(8).toSeconds();
    assertThat(t.at(200, observedA(200, List.of(A_KSK, A_ZSK, B_ZSK), eightDays)))
        .contains(
            "ZONE_HALTED: halted: signer knot-a serves its DNSKEY RRset with TTL 691200 s, over"
                + " the 604800 s bound (RFC 8767 §4): the waits would last as long; lower that"
                + " TTL, then resume");
    assertThat(t.state().haltCause()).isEqualTo(HaltCause.SERVED_TTL_TOO_LONG);
  }

  @Test
  void aTtlNoLongerThanThePolicysChangesNothing() {
    Timeline t = JoinTimelines.twoSignersJoined();
    assertThat(t.at(200, observedA(200, List.of(A_KSK, A_ZSK, B_ZSK), 60))).isEmpty();
    assertThat(t.state().servedTtls().dnskey()).isEmpty();
  }

  private static ZoneInput observedA(long s, List<KeyData> keys, long ttlSeconds) {
    SignerObservation o = observation(A, at(s), keys, cds(keys));
    return new SignerKeysObserved(ZONE, A, o.withDnskeyTtl(Duration.ofSeconds(ttlSeconds)));
  }

  /** The CDS knot-a serves: the KSKs of the group as the KSK roll test has them. */
  private static List<KeyData> cds(List<KeyData> keys) {
    return keys.contains(A_KSK) && keys.contains(A_KSK2)
        ? List.of(A_KSK, A_KSK2, B_KSK)
        : keys.contains(A_KSK2) ? List.of(A_KSK, A_KSK2, B_KSK) : List.of(A_KSK, B_KSK);
  }
}
