package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.JoinTimelines.observedA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.ParentDsObserved;
import dev.multisigner.domain.decide.ZoneInput.ParentNsObserved;
import dev.multisigner.domain.decide.ZoneInput.RemoveSigner;
import dev.multisigner.domain.decide.ZoneInput.WakeUp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * pdns-b leaves (draft-ietf-dnsop-dnssec-automation "Signer leaves", RFC 8901 §8): NS first, then
 * NS-Wait-Time (NS TTL 120 s + parent propagation 5 s); its DS leaves DNSKEY-Wait-Time (62 s) after
 * it left service, and its ZSK leaves knot-a a signature wait (62 s) after it left service.
 */
class LeaveTimelineTest {

  @Test
  void removesNsThenDsThenKeys() {
    Timeline t = JoinTimelines.twoSignersJoined();

    assertThat(t.at(400, new RemoveSigner(ZONE, B)))
        .containsExactly(
            "SIGNER_LEAVE_STARTED: signer=pdns-b leaving: NS first, then DS, then keys",
            "ns #8: ns1.knot-a.example.",
            "NS_CHANGE_REQUESTED: request=example.test.#8 NS [ns1.knot-a.example.]",
            "wake +410s");
    assertThat(t.at(410, new ParentNsObserved(ZONE, List.of(ns(A)))))
        .containsExactly(
            "PARENT_NS_CHANGED: parent NS now [ns1.knot-a.example.]",
            "WAIT_STARTED: signer=pdns-b NS-Wait-Time until 2026-11-29T20:08:55Z",
            "wake +535s");
    assertThat(t.at(535, new WakeUp(ZONE)))
        .containsExactly(
            "WAIT_STARTED: signer=pdns-b out of service; DNSKEY-Wait-Time until"
                + " 2026-11-29T20:09:57Z before its DS leaves",
            "wake +597s");
    assertThat(t.at(596, new WakeUp(ZONE))).isEmpty();
    assertThat(t.at(597, new WakeUp(ZONE)))
        .containsExactly(
            "cds #9 at knot-a: a.ksk",
            "CDS_PUBLICATION_REQUESTED: signer=knot-a command=example.test.#9 publish CDS/CDNSKEY ["
                + A_KSK.keyTag()
                + "/2]",
            "ds #10: a.ksk",
            "DS_CHANGE_REQUESTED: request=example.test.#10 DS add [] remove ["
                + B_KSK.keyTag()
                + "/2]",
            "wake +607s");
    assertThat(t.at(600, observedA(600, List.of(A_KSK, A_ZSK, B_ZSK), List.of(A_KSK)))).isEmpty();
    assertThat(t.at(620, new ParentDsObserved(ZONE, dsSet(A_KSK))))
        .containsExactly(
            "PARENT_DS_CHANGED: parent DS now [" + A_KSK.keyTag() + "/2]",
            "withdraw #11 from knot-a: b.zsk",
            "KEY_WITHDRAWAL_REQUESTED: signer=knot-a command=example.test.#11 withdraw [ZSK of"
                + " pdns-b "
                + B_ZSK.keyTag()
                + "]",
            "wake +630s");
    assertThat(t.at(630, observedA(630, List.of(A_KSK, A_ZSK), List.of(A_KSK))))
        .containsExactly("SIGNER_LEFT: signer=pdns-b left the group");
    assertThat(t.state().members()).extracting(m -> m.id()).containsExactly(A);
    assertThat(t.state().keys())
        .filteredOn(k -> !k.retired())
        .extracting(k -> k.owner())
        .containsOnly(A);
  }

  @Test
  void refusesToRemoveTheLastServingSigner() {
    Timeline t = JoinTimelines.twoSignersJoined();
    t.at(400, new RemoveSigner(ZONE, B));

    assertThat(t.at(401, new RemoveSigner(ZONE, A)))
        .containsExactly(
            "REQUEST_REJECTED: remove signer knot-a refused: no other signer would serve the zone");
  }
}
