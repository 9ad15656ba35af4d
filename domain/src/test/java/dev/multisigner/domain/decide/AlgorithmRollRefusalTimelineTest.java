package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;
import static dev.multisigner.domain.decide.AlgorithmRollTimelines.ED25519;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput.AddSigner;
import dev.multisigner.domain.decide.ZoneInput.EnrollZone;
import dev.multisigner.domain.decide.ZoneInput.ObservationFailed;
import dev.multisigner.domain.decide.ZoneInput.RemoveSigner;
import dev.multisigner.domain.decide.ZoneInput.RollAlgorithm;
import dev.multisigner.domain.decide.ZoneInput.RollKey;
import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.SignerSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Algorithm rollovers the decider refuses, each with its reason, and the intents it refuses while
 * one runs (draft-ietf-dnsop-dnssec-automation "Algorithm rollover"; RFC 6781 §4.1.4).
 */
class AlgorithmRollRefusalTimelineTest {

  private static final String REFUSED = "REQUEST_REJECTED: algorithm roll to ";

  @Test
  void refusedWhileTheZoneIsHalted() {
    Timeline t = JoinTimelines.twoSignersJoined();
    t.at(200, new ObservationFailed(ZONE, B, "TCP timeout"));
    t.at(2000, new ObservationFailed(ZONE, B, "TCP timeout"));

    assertThat(t.at(2001, new RollAlgorithm(ZONE, ED25519, "ops")))
        .containsExactly(
            REFUSED
                + "15 by ops refused: the zone is HALTED (signer pdns-b unreachable since"
                + " 2026-11-29T20:03:20Z: TCP timeout)");
    assertThat(t.state().algorithmRoll()).isNull();
  }

  @Test
  void refusedWhileOneRuns() {
    Timeline t = JoinTimelines.twoSignersJoined();
    t.at(200, new RollAlgorithm(ZONE, ED25519, "ops"));

    assertThat(t.at(201, new RollAlgorithm(ZONE, 16, "ops2")))
        .containsExactly(
            REFUSED
                + "16 by ops2 refused: an algorithm rollover from 13 to 15 is already running"
                + " (PUBLISHING)");
    assertThat(t.state().algorithmRoll().to()).isEqualTo(ED25519);
  }

  @Test
  void joinsLeavesAndKskRollsAreRefusedWhileOneRuns() {
    Timeline t = JoinTimelines.twoSignersJoined();
    t.at(200, new RollAlgorithm(ZONE, ED25519, "ops"));
    String running = " refused: an algorithm rollover from 13 to 15 is running (PUBLISHING)";

    assertThat(t.at(201, new AddSigner(ZONE, signer(C))))
        .containsExactly("REQUEST_REJECTED: add signer cf-c" + running);
    assertThat(t.at(202, new RemoveSigner(ZONE, B)))
        .containsExactly("REQUEST_REJECTED: remove signer pdns-b" + running);
    assertThat(t.at(203, new RollKey(ZONE, A, KeyRole.KSK)))
        .containsExactly("REQUEST_REJECTED: roll the KSK of knot-a" + running);
    // A ZSK roll touches no DS: it may run alongside (RFC 7583 §3.3.1).
    assertThat(t.at(204, new RollKey(ZONE, A, KeyRole.ZSK)))
        .containsExactly(
            "roll #8 knot-a ZSK",
            "KEY_ROLL_REQUESTED: signer=knot-a command=example.test.#8 roll ZSK");
  }

  @Test
  void refusedWhenASignerCannotBeReadOverDns() {
    // The double signature is seen in the RRSIGs over the DNSKEY RRset and the SOA, which only a
    // DNS read (TCP, DO bit) returns.
    SignerSpec apiOnly =
        new SignerSpec(
            B,
            Capabilities.builder()
                .can(Capability.READ_KEYS_API)
                .cannot(Capability.READ_KEYS_DNS, "zone served from a private anycast only")
                .can(Capability.IMPORT_FOREIGN_DNSKEY)
                .can(Capability.PUBLISH_CDS_CDNSKEY)
                .build(),
            ECDSAP256,
            List.of(ns(B)));
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), apiOnly)));

    assertThat(t.at(1, new RollAlgorithm(ZONE, ED25519, "ops")))
        .containsExactly(
            REFUSED
                + "15 by ops refused: signer pdns-b cannot be read over DNS with RRSIGs, so its"
                + " double signature (RFC 6781 §4.1.4) cannot be seen: zone served from a private"
                + " anycast only");
  }

  @Test
  void refusedWhenBothAlgorithmsDsWouldExceedTheRegistryCdsLimit() {
    // Two digest types (SHA-256, SHA-384), at most 6 CDS records (.se): 2 KSKs x 2 algorithms x 2
    // digests = 8.
    GroupPolicy twoDigests =
        new GroupPolicy(
            SignerModel.MODEL_2,
            ECDSAP256,
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            Duration.ofSeconds(120),
            Duration.ofSeconds(120),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            List.of(GroupPolicy.SHA256, 4),
            6,
            true,
            Duration.ofSeconds(10),
            Duration.ofMinutes(30));
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, twoDigests, List.of(signer(A), signer(B))));

    assertThat(t.at(1, new RollAlgorithm(ZONE, ED25519, "ops")))
        .containsExactly(
            REFUSED
                + "15 by ops refused: the CDS set would grow to 8 records with both algorithms,"
                + " the registry accepts at most 6");
  }

  @Test
  void refusedWhileASignerJoins() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), signer(B))));

    assertThat(t.at(1, new RollAlgorithm(ZONE, ED25519, "ops")))
        .containsExactly(
            REFUSED
                + "15 by ops refused: signer knot-a is JOINING: no join or leave may run"
                + " alongside");
  }

  @Test
  void refusedForTheSameOrANonSigningAlgorithm() {
    Timeline t = JoinTimelines.twoSignersJoined();

    assertThat(t.at(200, new RollAlgorithm(ZONE, ECDSAP256, "ops")))
        .containsExactly(REFUSED + "13 by ops refused: the group already uses algorithm 13");
    assertThat(t.at(201, new RollAlgorithm(ZONE, 5, "ops")))
        .containsExactly(
            REFUSED
                + "5 by ops refused: algorithm 5 is not one a signer may sign with (RFC 8624"
                + " §3.1)");
    assertThat(t.state().algorithmRoll()).isNull();
  }

  @Test
  void refusedForAModelOneGroup() {
    Timeline t = new Timeline();
    t.at(
        0,
        new EnrollZone(
            ZONE, GroupPolicy.modelOne(ECDSAP256, A), List.of(signer(A), signedElsewhere(B))));

    assertThat(t.at(1, new RollAlgorithm(ZONE, ED25519, "ops")))
        .containsExactly(
            REFUSED + "15 by ops refused: an algorithm rollover is built for model 2 groups only");
  }
}
