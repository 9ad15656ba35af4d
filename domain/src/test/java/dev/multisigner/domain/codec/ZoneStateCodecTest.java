package dev.multisigner.domain.codec;

import static dev.multisigner.domain.ZoneFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.domain.Timeline;
import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.domain.decide.ZoneInput.EnrollZone;
import dev.multisigner.domain.decide.ZoneInput.ParentDsObserved;
import dev.multisigner.domain.decide.ZoneInput.ParentNsObserved;
import dev.multisigner.domain.decide.ZoneInput.SignerKeysObserved;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.SignerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The zone state survives the state store byte for byte, and stays small. */
class ZoneStateCodecTest {

  @Test
  void roundTripsTheAbsentState() {
    ZoneState absent = ZoneState.absent(ZONE);
    assertThat(ZoneStateCodec.decode(ZoneStateCodec.encode(absent))).isEqualTo(absent);
  }

  @Test
  void roundTripsAThreeSignerZoneMidJoinWithinFourKib() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), signer(B), signer(C))));
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A))));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK)));
    t.at(2, obs(A, 2, List.of(A_KSK, A_ZSK, A_ZSK2, B_ZSK, C_ZSK)));
    t.at(3, obs(B, 3, List.of(B_KSK, B_ZSK, A_ZSK, C_ZSK)));
    t.at(4, obs(C, 4, List.of(C_KSK, C_ZSK, A_ZSK, B_ZSK)));
    ZoneState s = t.state();

    byte[] bytes = ZoneStateCodec.encode(s);

    assertThat(ZoneStateCodec.decode(bytes)).isEqualTo(s);
    assertThat(bytes[0]).isEqualTo((byte) ZoneStateCodec.VERSION);
    assertThat(s.members()).hasSize(3);
    assertThat(s.members()).anyMatch(m -> m.importing() != null);
    assertThat(bytes.length).isLessThanOrEqualTo(4096);
  }

  @Test
  void aThreeSignerZoneInSteadyStateTakesWellUnderFourKib() {
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), signer(B), signer(C))));
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A), ns(B), ns(C))));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK, B_KSK, C_KSK)));
    List<dev.multisigner.domain.model.KeyData> cds = List.of(A_KSK, B_KSK, C_KSK);
    t.at(2, obs(A, 2, List.of(A_KSK, A_ZSK, B_ZSK, C_ZSK), cds));
    t.at(2, obs(B, 2, List.of(B_KSK, B_ZSK, A_ZSK, C_ZSK), cds));
    t.at(2, obs(C, 2, List.of(C_KSK, C_ZSK, A_ZSK, B_ZSK), cds));
    ZoneState s = t.state();
    assertThat(s.members())
        .allMatch(m -> m.phase() == dev.multisigner.domain.group.MemberPhase.ACTIVE);

    byte[] bytes = ZoneStateCodec.encode(s);

    System.out.println("3-signer steady state: " + bytes.length + " bytes");
    assertThat(bytes.length).isLessThanOrEqualTo(1536);
    assertThat(ZoneStateCodec.decode(bytes)).isEqualTo(s);
  }

  @Test
  void decodesBytesWrittenByVersionTwo() throws Exception {
    // Written by the version 2 codec (before model 1) from this timeline, at commit 646946d.
    Timeline t = new Timeline();
    t.at(0, new EnrollZone(ZONE, POLICY, List.of(signer(A), signer(B), signer(C))));
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A))));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK)));
    t.at(2, obs(A, 2, List.of(A_KSK, A_ZSK, A_ZSK2)));
    t.at(3, obs(B, 3, List.of(B_KSK, B_ZSK, A_ZSK)));
    t.at(4, new ZoneInput.SignerCommandApplied(ZONE, "example.test.#1"));
    String hex;
    try (var in = getClass().getResourceAsStream("zone-state-v2.hex")) {
      hex = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
    }
    byte[] v2 = java.util.HexFormat.of().parseHex(hex);

    ZoneState decoded = ZoneStateCodec.decode(v2);

    assertThat(v2[0]).isEqualTo((byte) 2);
    assertThat(decoded).isEqualTo(BeforeVersionSeven.of(t.state()));
    assertThat(decoded.members()).allMatch(m -> m.signing() == null && m.installing() == null);
    assertThat(decoded.policy().kskHolder()).isNull();
  }

  @Test
  void aThreeSignerModelOneZoneMidRollTakesUnderFourKib() {
    Timeline t = new Timeline();
    SignerSpec b = signedElsewhere(B);
    SignerSpec c = signedElsewhere(C);
    t.at(0, new EnrollZone(ZONE, GroupPolicy.modelOne(13, A), List.of(signer(A), b, c)));
    t.at(1, new ParentNsObserved(ZONE, List.of(ns(A), ns(B), ns(C))));
    t.at(1, new ParentDsObserved(ZONE, dsSet(A_KSK)));
    List<dev.multisigner.domain.model.KeyData> cds = List.of(A_KSK);
    t.at(2, obs(A, 2, List.of(A_KSK, A_ZSK, B_ZSK, C_ZSK), cds));
    t.at(2, new ZoneInput.KeySigningRequested(ZONE, B, at(2), List.of(B_ZSK)));
    t.at(2, new ZoneInput.KeySigningRequested(ZONE, C, at(2), List.of(C_ZSK)));
    t.at(3, obs(B, 3, List.of(A_KSK, A_ZSK, B_ZSK, C_ZSK), cds));
    t.at(3, obs(C, 3, List.of(A_KSK, A_ZSK, B_ZSK, C_ZSK), cds));
    // Mid-roll: B requests a second ZSK; signatures for B and C are requested.
    t.at(4, new ZoneInput.KeySigningRequested(ZONE, B, at(4), List.of(B_ZSK, B_ZSK2)));
    ZoneState s = t.state();
    assertThat(s.members()).anyMatch(m -> m.signing() != null);

    byte[] bytes = ZoneStateCodec.encode(s);

    System.out.println("3-signer model 1 state mid ZSK roll: " + bytes.length + " bytes");
    assertThat(ZoneStateCodec.decode(bytes)).isEqualTo(s);
    assertThat(bytes.length).isLessThanOrEqualTo(4096);
  }

  @Test
  void roundTripsAZoneMidAlgorithmRoll() {
    Timeline t = dev.multisigner.domain.decide.JoinTimelinesAccess.algorithmRollNewDsRequested();
    ZoneState s = t.state();
    assertThat(s.algorithmRoll()).isNotNull();
    assertThat(s.algorithmRoll().phase())
        .isEqualTo(dev.multisigner.domain.group.AlgorithmRoll.Phase.NEW_DS);
    assertThat(s.algorithmRoll().doubleSigned()).containsExactly(A, B);
    assertThat(s.members()).allMatch(m -> m.cdsPublishing() != null);

    byte[] bytes = ZoneStateCodec.encode(s);

    assertThat(bytes[0]).isEqualTo((byte) ZoneStateCodec.VERSION);
    assertThat(ZoneStateCodec.decode(bytes)).isEqualTo(s);
    assertThat(bytes.length).isLessThanOrEqualTo(4096);
  }

  @Test
  void decodesTheVersionThreeAndFourLayouts() throws java.io.IOException {
    // Bytes the version 4 writer wrote (commit d8c5a97) for this state; version 3 is version 4
    // without the trailing rollover flag. Neither has CSYNC or parent channels: they decode to
    // none observed and the ds-publisher's DNS UPDATE for both DS and NS.
    ZoneState s =
        BeforeVersionSeven.of(
            dev.multisigner.domain.decide.JoinTimelinesAccess.twoSignersJoined().state());
    byte[] v4;
    try (var in = getClass().getResourceAsStream("two-signers-joined.v4.b64")) {
      v4 = java.util.Base64.getDecoder().decode(new String(in.readAllBytes()).trim());
    }
    assertThat(v4[0]).isEqualTo((byte) 4);
    assertThat(v4[v4.length - 1]).isEqualTo((byte) 0);
    byte[] v3 = java.util.Arrays.copyOf(v4, v4.length - 1);
    v3[0] = 3;

    assertThat(ZoneStateCodec.decode(v4)).isEqualTo(s);
    assertThat(ZoneStateCodec.decode(v3)).isEqualTo(s);
    assertThat(ZoneStateCodec.decode(v4).policy().channels())
        .isEqualTo(dev.multisigner.domain.model.ParentChannels.DIRECT);
  }

  /**
   * The current version's golden file: states that hold every constant of every stored enum,
   * written once by {@link GoldenStates#main}. Bytes are compared both ways, so a changed code, a
   * changed layout or a constant without a code fails here. The same states as the version 5 writer
   * wrote them (by declaration order, commit of the process split) decode to the same states: the
   * codes keep that order; bytes of versions 5 and 6 decode to them without version 7's fields.
   */
  @Test
  void theGoldenFileOfTheCurrentVersionCoversEveryEnumConstant() throws java.io.IOException {
    List<String> v8Lines = resourceLines("every-constant.v8.b64");
    List<ZoneState> v8States = GoldenStates.statesV8();
    assertThat(v8Lines).hasSameSizeAs(v8States);
    for (int i = 0; i < v8States.size(); i++) {
      byte[] golden = java.util.Base64.getDecoder().decode(v8Lines.get(i));
      assertThat(golden[0]).isEqualTo((byte) ZoneStateCodec.VERSION);
      assertThat(ZoneStateCodec.encode(v8States.get(i))).as("state %d", i).isEqualTo(golden);
      assertThat(ZoneStateCodec.decode(golden)).as("state %d", i).isEqualTo(v8States.get(i));
    }
    List<String> lines = resourceLines("every-constant.v7.b64");
    List<String> v5Lines = resourceLines("every-constant.v5.b64");
    List<String> v6Lines = resourceLines("every-constant.v6.b64");
    List<ZoneState> beforeV7 = GoldenStates.states(false);
    List<ZoneState> states = GoldenStates.states();
    assertThat(lines).hasSameSizeAs(states);
    assertThat(v5Lines).hasSameSizeAs(states);
    for (int i = 0; i < states.size(); i++) {
      byte[] v7 = java.util.Base64.getDecoder().decode(lines.get(i));
      assertThat(v7[0]).isEqualTo((byte) 7);
      assertThat(ZoneStateCodec.decode(v7)).as("state %d as version 7", i).isEqualTo(states.get(i));
      byte[] v5 = java.util.Base64.getDecoder().decode(v5Lines.get(i));
      assertThat(v5[0]).isEqualTo((byte) 5);
      assertThat(ZoneStateCodec.decode(v5))
          .as("state %d as version 5", i)
          .isEqualTo(beforeV7.get(i));
      byte[] v6 = java.util.Base64.getDecoder().decode(v6Lines.get(i));
      assertThat(v6[0]).isEqualTo((byte) 6);
      assertThat(ZoneStateCodec.decode(v6))
          .as("state %d as version 6", i)
          .isEqualTo(beforeV7.get(i));
    }
    java.util.Set<Object> held = new java.util.HashSet<>();
    for (ZoneState s : v8States) {
      held.add(s.status());
      held.add(s.haltCause());
      held.add(s.policy().model());
      held.addAll(s.policy().channels().ds());
      held.addAll(s.policy().channels().ns());
      held.add(s.algorithmRoll().phase());
      s.keys().forEach(k -> held.add(k.role()));
      for (dev.multisigner.domain.group.Member m : s.members()) {
        held.add(m.phase());
        held.addAll(m.spec().capabilities().declared().keySet());
      }
    }
    for (Class<? extends Enum<?>> type :
        List.<Class<? extends Enum<?>>>of(
            dev.multisigner.domain.decide.ZoneStatus.class,
            dev.multisigner.domain.decide.HaltCause.class,
            dev.multisigner.domain.model.SignerModel.class,
            dev.multisigner.domain.model.ParentChannel.class,
            dev.multisigner.domain.group.AlgorithmRoll.Phase.class,
            dev.multisigner.domain.model.KeyRole.class,
            dev.multisigner.domain.group.MemberPhase.class,
            dev.multisigner.domain.model.Capability.class)) {
      assertThat(held).as(type.getSimpleName()).contains((Object[]) type.getEnumConstants());
    }
  }

  @Test
  void refusesAnUnknownEnumCode() {
    byte[] bytes = ZoneStateCodec.encode(ZoneState.absent(ZONE));
    // version, then the zone name (2 bytes of length, ASCII), then the status code
    bytes[3 + ZONE.value().length()] = 77;
    assertThatThrownBy(() -> ZoneStateCodec.decode(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ZoneStatus has code 77");
  }

  @Test
  void refusesAnUnknownFormatVersion() {
    byte[] bytes = ZoneStateCodec.encode(ZoneState.absent(ZONE));
    bytes[0] = 99;
    assertThatThrownBy(() -> ZoneStateCodec.decode(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 99");
  }

  private static SignerKeysObserved obs(
      dev.multisigner.domain.model.SignerId s,
      long at,
      List<dev.multisigner.domain.model.KeyData> keys) {
    return obs(s, at, keys, List.of(A_KSK));
  }

  private static SignerKeysObserved obs(
      dev.multisigner.domain.model.SignerId s,
      long at,
      List<dev.multisigner.domain.model.KeyData> keys,
      List<dev.multisigner.domain.model.KeyData> cds) {
    return new SignerKeysObserved(ZONE, s, observation(s, at(at), keys, cds));
  }

  private List<String> resourceLines(String name) throws java.io.IOException {
    try (var in = getClass().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
          .lines()
          .toList();
    }
  }

  @Test
  void aCommandIdIsWrittenAsANumberExactlyWhenItsSuffixIsOneToEighteenDigits() {
    for (String suffix :
        List.of(
            "0",
            "7",
            "007",
            "123456789012345678",
            "1234567890123456789",
            "",
            "12a",
            "-1",
            "+1",
            " 1",
            "\u0661",
            "1.5")) {
      assertThat(ZoneStateWriter.shortDecimal("cmd-" + suffix, 4))
          .as("suffix '%s'", suffix)
          .isEqualTo(suffix.matches("\\d{1,18}"));
    }
  }
}
