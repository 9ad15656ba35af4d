package dev.multisigner.domain.codec;

import static dev.multisigner.domain.ZoneFixtures.*;

import dev.multisigner.domain.decide.HaltCause;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.decide.ZoneStatus;
import dev.multisigner.domain.group.AlgorithmRoll;
import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.group.Pending;
import dev.multisigner.domain.group.ServedTtls;
import dev.multisigner.domain.group.ServedTtls.ServedTtl;
import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.CsyncData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.ParentChannel;
import dev.multisigner.domain.model.ParentChannels;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.SignerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Zone states that together hold every constant of every enum the format stores: state {@code i}
 * has status {@code i mod 4}, halt cause {@code i mod 7}, model {@code i mod 2} and rollover phase
 * {@code i mod 7}; every state has a member in each phase, keys of each role, all parent channels
 * and every capability (can, cannot and not yet). {@code main} prints them encoded, one per line:
 * the golden file was written that way, and must never be rewritten for an existing version.
 *
 * <p>{@link #states()} are the states of version 7 (nothing served longer than the policy); {@link
 * #statesV8()} add an eighth, for the eighth halt cause, and served TTLs.
 */
final class GoldenStates {

  private GoldenStates() {}

  static List<ZoneState> states() {
    return states(true);
  }

  /**
   * The states, with or without the fields version 7 added (phase start, observed RRSIG and CDNSKEY
   * key tags, when a command was first asked): what bytes of versions 5 and 6 decode to.
   */
  static List<ZoneState> states(boolean v7) {
    List<ZoneState> out = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      out.add(state(i, v7, HaltCause.values()[i % 7], ServedTtls.NONE));
    }
    return out;
  }

  /** Version 8: halt cause {@code i mod 8} and TTLs served longer than the policy's. */
  static List<ZoneState> statesV8() {
    List<ZoneState> out = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ServedTtls served =
          i % 2 == 0
              ? ServedTtls.NONE
              : new ServedTtls(
                  Map.of(
                      A,
                      new ServedTtl(Duration.ofSeconds(300), null, null),
                      B,
                      new ServedTtl(Duration.ofSeconds(60), Duration.ofSeconds(600), at(100 + i))),
                  new ServedTtl(Duration.ofSeconds(3600), null, null),
                  new ServedTtl(null, Duration.ofSeconds(86400), at(200)));
      out.add(state(i % 7, true, HaltCause.values()[i % 8], served));
    }
    return out;
  }

  private static ZoneState state(int i, boolean v7, HaltCause cause, ServedTtls served) {
    Capabilities.Builder caps = Capabilities.builder();
    for (Capability c : Capability.values()) {
      if (c.ordinal() % 3 == 0) {
        caps.can(c);
      } else if (c.ordinal() % 3 == 1) {
        caps.cannot(c, "cannot " + c);
      } else {
        caps.notYet(c, "not yet " + c);
      }
    }
    List<Member> members = new ArrayList<>();
    for (MemberPhase phase : MemberPhase.values()) {
      SignerId id = SignerId.of("signer-" + phase.ordinal());
      SignerSpec spec = new SignerSpec(id, caps.build(), ECDSAP256, List.of("ns." + id + ".test."));
      Member m =
          Member.joining(spec)
              .withPhase(phase, at(100 + phase.ordinal()))
              .withObservation(
                  at(50),
                  List.of(A_KSK, A_ZSK),
                  dsSet(A_KSK),
                  List.of(ns(A)),
                  List.of(CsyncData.NS_SYNC))
              .withImporting(
                  Pending.issued(
                      ZONE.value() + "#" + (i + 1),
                      List.of(B_ZSK),
                      List.of(),
                      List.of(),
                      at(60),
                      v7 ? at(58) : null))
              .withCsyncPublishing(
                  Pending.issued(
                          "elsewhere-7",
                          List.of(),
                          List.of(),
                          List.of("csync"),
                          at(61),
                          v7 ? at(59) : null)
                      .appliedAt(at(62)));
      if (v7) {
        m =
            m.withPhaseSince(at(99 + phase.ordinal()))
                .withObservedTags(List.of(A_KSK.keyTag(), A_ZSK.keyTag()), List.of(A_KSK.keyTag()));
      }
      members.add(m);
    }
    SignerModel model = SignerModel.values()[i % 2];
    GroupPolicy policy =
        GroupPolicy.modelTwo(ECDSAP256)
            .withModel(model, model == SignerModel.MODEL_1 ? members.get(0).id() : null)
            .withChannels(
                new ParentChannels(
                    Set.of(ParentChannel.DNS_UPDATE, ParentChannel.CDS_SCAN),
                    Set.of(ParentChannel.CSYNC_SCAN)));
    List<KeyRecord> keys =
        List.of(
            new KeyRecord(A_KSK, A, KeyRole.KSK, at(1), null),
            new KeyRecord(A_ZSK, A, KeyRole.ZSK, at(1), at(40)),
            new KeyRecord(C_CSK, C, KeyRole.CSK, at(2), null));
    AlgorithmRoll.Phase rollPhase = AlgorithmRoll.Phase.values()[i % 7];
    return new ZoneState(
        ZONE,
        ZoneStatus.values()[i % 4],
        cause,
        i % 7 == 0 ? null : "reason " + i,
        policy,
        10 + i,
        members,
        keys,
        dsSet(A_KSK),
        at(20),
        List.of(ns(A), ns(B)),
        at(21),
        Pending.issued(
            ZONE.value() + "#9", List.of(), dsSet(A_KSK), List.of(), at(70), v7 ? at(69) : null),
        null,
        at(80),
        new AlgorithmRoll(13, 15, "ops", rollPhase, at(90), at(95), List.of(A)),
        served);
  }

  /** Prints the states encoded by the current version, base64, one per line. */
  public static void main(String[] args) {
    for (ZoneState s : statesV8()) {
      System.out.println(Base64.getEncoder().encodeToString(ZoneStateCodec.encode(s)));
    }
  }
}
