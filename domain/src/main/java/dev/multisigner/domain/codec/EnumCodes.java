package dev.multisigner.domain.codec;

import dev.multisigner.domain.decide.HaltCause;
import dev.multisigner.domain.decide.ZoneStatus;
import dev.multisigner.domain.group.AlgorithmRoll;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.ParentChannel;
import dev.multisigner.domain.model.SignerModel;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The stable code of every enum constant the zone state format stores. Codes are written out here,
 * never taken from the declaration order: reordering, renaming or inserting a constant must not
 * change what stored bytes mean. A new constant gets the next free code of its table (the class
 * refuses to load while a constant has none); a code once used is never reused. Up to format
 * version 5 the codes were the declaration order, which these tables keep, so old bytes decode with
 * them.
 */
final class EnumCodes<E extends Enum<E>> {

  static final EnumCodes<ZoneStatus> STATUS =
      new EnumCodes<>(
          ZoneStatus.class,
          Map.of(
              ZoneStatus.ABSENT,
              0,
              ZoneStatus.ACTIVE,
              1,
              ZoneStatus.HALTED,
              2,
              ZoneStatus.RETIRED,
              3));

  static final EnumCodes<HaltCause> HALT_CAUSE =
      new EnumCodes<>(
          HaltCause.class,
          Map.of(
              HaltCause.NONE, 0,
              HaltCause.SIGNER_UNREACHABLE, 1,
              HaltCause.COMMAND_REJECTED, 2,
              HaltCause.UNACCOUNTABLE_KEY, 3,
              HaltCause.KEY_TAG_COLLISION, 4,
              HaltCause.UNSAFE_PLAN, 5,
              HaltCause.CDS_LIMIT, 6,
              HaltCause.SERVED_TTL_TOO_LONG, 7));

  static final EnumCodes<KeyRole> KEY_ROLE =
      new EnumCodes<>(KeyRole.class, Map.of(KeyRole.KSK, 0, KeyRole.ZSK, 1, KeyRole.CSK, 2));

  static final EnumCodes<SignerModel> MODEL =
      new EnumCodes<>(SignerModel.class, Map.of(SignerModel.MODEL_1, 0, SignerModel.MODEL_2, 1));

  /** Also the bit numbers of a set of channels. */
  static final EnumCodes<ParentChannel> CHANNEL =
      new EnumCodes<>(
          ParentChannel.class,
          Map.of(
              ParentChannel.DNS_UPDATE, 0, ParentChannel.CDS_SCAN, 1, ParentChannel.CSYNC_SCAN, 2));

  static final EnumCodes<Capability> CAPABILITY =
      new EnumCodes<>(
          Capability.class,
          Map.of(
              Capability.READ_KEYS_DNS, 0,
              Capability.READ_KEYS_API, 1,
              Capability.IMPORT_FOREIGN_DNSKEY, 2,
              Capability.PUBLISH_CDS_CDNSKEY, 3,
              Capability.ACCEPT_SIGNED_DNSKEY_RRSET, 4,
              Capability.MANAGE_NS, 5,
              Capability.PUBLISH_CSYNC, 6,
              Capability.SENDS_NOTIFY, 7));

  static final EnumCodes<MemberPhase> PHASE =
      new EnumCodes<>(
          MemberPhase.class,
          Map.of(
              MemberPhase.JOINING, 0,
              MemberPhase.AWAITING_DS, 1,
              MemberPhase.DS_WAIT, 2,
              MemberPhase.AWAITING_NS, 3,
              MemberPhase.ACTIVE, 4,
              MemberPhase.LEAVING_NS, 5,
              MemberPhase.NS_WAIT, 6,
              MemberPhase.LEAVING_DS, 7,
              MemberPhase.LEAVING_KEYS, 8));

  static final EnumCodes<AlgorithmRoll.Phase> ROLL_PHASE =
      new EnumCodes<>(
          AlgorithmRoll.Phase.class,
          Map.of(
              AlgorithmRoll.Phase.PUBLISHING, 0,
              AlgorithmRoll.Phase.PUBLISH_WAIT, 1,
              AlgorithmRoll.Phase.NEW_DS, 2,
              AlgorithmRoll.Phase.NEW_DS_WAIT, 3,
              AlgorithmRoll.Phase.OLD_DS_REMOVAL, 4,
              AlgorithmRoll.Phase.OLD_DS_WAIT, 5,
              AlgorithmRoll.Phase.OLD_KEYS, 6));

  private final Class<E> type;
  private final EnumMap<E, Integer> codes;
  private final Map<Integer, E> constants = new HashMap<>();

  private EnumCodes(Class<E> type, Map<E, Integer> codes) {
    this.type = type;
    this.codes = new EnumMap<>(codes);
    for (E e : type.getEnumConstants()) {
      Integer code = codes.get(e);
      if (code == null || code < 0 || code > 255) {
        throw new IllegalStateException(type.getSimpleName() + "." + e + " has no stored code");
      }
      if (constants.put(code, e) != null) {
        throw new IllegalStateException(type.getSimpleName() + " code " + code + " used twice");
      }
    }
  }

  int code(E e) {
    return codes.get(e);
  }

  E constant(int code) {
    E e = constants.get(code);
    if (e == null) {
      throw new IllegalArgumentException(
          "corrupt zone state: no " + type.getSimpleName() + " has code " + code);
    }
    return e;
  }

  /** Every constant of the table, for tests. */
  Map<E, Integer> codes() {
    return Map.copyOf(codes);
  }
}
