package dev.multisigner.domain.codec;

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
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.ParentChannel;
import dev.multisigner.domain.model.ParentChannels;
import dev.multisigner.domain.model.RrsigData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.SignerSpec;
import dev.multisigner.domain.model.Support;
import dev.multisigner.domain.model.ZoneName;
import java.io.DataInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reads a {@link ZoneState} written in any known format version. */
final class ZoneStateReader {
  private final DataInputStream in;
  private final int version;
  private ZoneName zone;
  private final List<KeyRecord> keys = new ArrayList<>();

  ZoneStateReader(DataInputStream in, int version) {
    this.in = in;
    this.version = version;
  }

  ZoneState read() throws IOException {
    zone = new ZoneName(in.readUTF());
    ZoneStatus status = EnumCodes.STATUS.constant(in.readUnsignedByte());
    HaltCause cause = EnumCodes.HALT_CAUSE.constant(in.readUnsignedByte());
    String reason = string();
    GroupPolicy policy = in.readBoolean() ? policy() : null;
    long seq = varlong();
    int nKeys = varint();
    for (int i = 0; i < nKeys; i++) {
      keys.add(
          new KeyRecord(
              keyData(),
              new SignerId(in.readUTF()),
              EnumCodes.KEY_ROLE.constant(in.readUnsignedByte()),
              instant(),
              instant()));
    }
    int nMembers = varint();
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < nMembers; i++) {
      members.add(member());
    }
    List<DsData> parentDs = dsList();
    Instant parentDsSince = instant();
    List<String> parentNs = strings();
    Instant parentNsSince = instant();
    Pending dsRequest = pending();
    Pending nsRequest = pending();
    Instant wakeAt = instant();
    AlgorithmRoll roll = null;
    if (version >= 4 && in.readBoolean()) {
      int from = varint();
      int to = varint();
      String operator = string();
      AlgorithmRoll.Phase phase = EnumCodes.ROLL_PHASE.constant(in.readUnsignedByte());
      Instant startedAt = instant();
      Instant waitUntil = instant();
      List<SignerId> signed = strings().stream().map(SignerId::new).toList();
      roll = new AlgorithmRoll(from, to, operator, phase, startedAt, waitUntil, signed);
    }
    return new ZoneState(
        zone,
        status,
        cause,
        reason,
        policy,
        seq,
        members,
        keys,
        parentDs,
        parentDsSince,
        parentNs,
        parentNsSince,
        dsRequest,
        nsRequest,
        wakeAt,
        roll,
        version >= 8 ? servedTtls() : ServedTtls.NONE);
  }

  private ServedTtls servedTtls() throws IOException {
    Map<SignerId, ServedTtl> dnskey = new TreeMap<>();
    int n = varint();
    for (int i = 0; i < n; i++) {
      dnskey.put(new SignerId(in.readUTF()), servedTtl());
    }
    ServedTtl ds = in.readBoolean() ? servedTtl() : null;
    ServedTtl ns = in.readBoolean() ? servedTtl() : null;
    return new ServedTtls(dnskey, ds, ns);
  }

  private ServedTtl servedTtl() throws IOException {
    return new ServedTtl(duration(), duration(), instant());
  }

  private Duration duration() throws IOException {
    return in.readBoolean() ? Duration.ofSeconds(varlong(), varint()) : null;
  }

  private GroupPolicy policy() throws IOException {
    SignerModel model = EnumCodes.MODEL.constant(in.readUnsignedByte());
    int algorithm = varint();
    Duration[] d = new Duration[8];
    for (int i = 0; i < d.length; i++) {
      d[i] = Duration.ofSeconds(varlong(), varint());
    }
    int n = varint();
    List<Integer> digests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      digests.add(varint());
    }
    int maxCds = varint();
    boolean cdnskey = in.readBoolean();
    String holder = version >= 3 ? string() : null;
    ParentChannels channels =
        version >= 5
            ? new ParentChannels(channels(varint()), channels(varint()))
            : ParentChannels.DIRECT;
    return new GroupPolicy(
        model,
        algorithm,
        d[0],
        d[1],
        d[2],
        d[3],
        d[4],
        d[5],
        digests,
        maxCds,
        cdnskey,
        d[6],
        d[7],
        holder == null ? null : new SignerId(holder),
        channels);
  }

  private static Set<ParentChannel> channels(int bits) {
    Set<ParentChannel> out = EnumSet.noneOf(ParentChannel.class);
    for (ParentChannel c : ParentChannel.values()) {
      if ((bits & 1 << EnumCodes.CHANNEL.code(c)) != 0) {
        out.add(c);
      }
    }
    return out;
  }

  private Member member() throws IOException {
    SignerId id = new SignerId(in.readUTF());
    int algorithm = varint();
    List<String> ns = strings();
    int nCaps = varint();
    Map<Capability, Support> caps = new EnumMap<>(Capability.class);
    for (int i = 0; i < nCaps; i++) {
      Capability c = EnumCodes.CAPABILITY.constant(in.readUnsignedByte());
      int kind = in.readUnsignedByte();
      caps.put(
          c,
          kind == 0
              ? Support.can()
              : kind == 1 ? Support.cannot(in.readUTF()) : Support.notYet(in.readUTF()));
    }
    SignerSpec spec = new SignerSpec(id, new Capabilities(caps), algorithm, ns);
    MemberPhase phase = EnumCodes.PHASE.constant(in.readUnsignedByte());
    Instant waitUntil = instant();
    Instant keysPublishedAt = instant();
    Instant leftServiceAt = instant();
    Instant observedAt = instant();
    List<KeyData> served = keyRefs();
    List<DsData> cds = dsList();
    List<String> nameservers = version >= 2 ? strings() : List.of();
    Instant failingSince = instant();
    Pending importing = pending();
    Pending withdrawing = pending();
    Pending cdsPublishing = pending();
    Pending nsPublishing = version >= 2 ? pending() : null;
    Pending signing = version >= 3 ? pending() : null;
    Pending installing = version >= 3 ? pending() : null;
    List<RrsigData> installRrsigs = new ArrayList<>();
    int nSigs = version >= 3 ? varint() : 0;
    for (int i = 0; i < nSigs; i++) {
      installRrsigs.add(
          new RrsigData(
              in.readUnsignedShort(),
              in.readUnsignedByte(),
              varlong(),
              instant(),
              instant(),
              bytes()));
    }
    Instant keysRequestedAt = version >= 3 ? instant() : null;
    List<CsyncData> csync = new ArrayList<>();
    int nCsync = version >= 5 ? varint() : 0;
    for (int i = 0; i < nCsync; i++) {
      long serial = varlong();
      int flags = varint();
      int nTypes = varint();
      List<Integer> types = new ArrayList<>();
      for (int j = 0; j < nTypes; j++) {
        types.add(varint());
      }
      csync.add(new CsyncData(serial, flags, types));
    }
    Pending csyncPublishing = version >= 5 ? pending() : null;
    Instant phaseSince = version >= 7 ? instant() : null;
    List<Integer> dnskeySigners = version >= 7 ? ints() : List.of();
    List<Integer> cdnskeyTags = version >= 7 ? ints() : List.of();
    return new Member(
        spec,
        phase,
        waitUntil,
        keysPublishedAt,
        leftServiceAt,
        observedAt,
        served,
        cds,
        nameservers,
        failingSince,
        importing,
        withdrawing,
        cdsPublishing,
        nsPublishing,
        signing,
        installing,
        installRrsigs,
        keysRequestedAt,
        csync,
        csyncPublishing,
        phaseSince,
        dnskeySigners,
        cdnskeyTags);
  }

  private Pending pending() throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    String id = in.readBoolean() ? zone.value() + "#" + varlong() : in.readUTF();
    return new Pending(
        id,
        keyRefs(),
        dsList(),
        strings(),
        instant(),
        version >= 2 ? instant() : null,
        version >= 7 ? instant() : null);
  }

  private List<Integer> ints() throws IOException {
    int n = varint();
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(varint());
    }
    return out;
  }

  private List<KeyData> keyRefs() throws IOException {
    int n = varint();
    List<KeyData> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int ref = varint();
      out.add(ref == 0 ? keyData() : keys.get(ref - 1).data());
    }
    return out;
  }

  private KeyData keyData() throws IOException {
    return new KeyData(
        in.readUnsignedShort(), in.readUnsignedByte(), in.readUnsignedByte(), bytes());
  }

  private List<DsData> dsList() throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    int n = varint();
    List<DsData> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          new DsData(
              in.readUnsignedShort(), in.readUnsignedByte(), in.readUnsignedByte(), bytes()));
    }
    return out;
  }

  private List<String> strings() throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    int n = varint();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(in.readUTF());
    }
    return out;
  }

  private String string() throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  private byte[] bytes() throws IOException {
    byte[] b = new byte[varint()];
    in.readFully(b);
    return b;
  }

  private Instant instant() throws IOException {
    return in.readBoolean() ? Instant.ofEpochSecond(varlong(), varint()) : null;
  }

  private int varint() throws IOException {
    return (int) varlong();
  }

  private long varlong() throws IOException {
    long v = 0;
    int shift = 0;
    while (true) {
      int b = in.readUnsignedByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
      shift += 7;
      if (shift > 63) {
        throw new IOException("varint too long");
      }
    }
  }
}
