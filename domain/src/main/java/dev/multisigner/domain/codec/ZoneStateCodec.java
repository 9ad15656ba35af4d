package dev.multisigner.domain.codec;

import dev.multisigner.domain.decide.HaltCause;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.decide.ZoneStatus;
import dev.multisigner.domain.group.AlgorithmRoll;
import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.group.Pending;
import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.CsyncData;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.ParentChannel;
import dev.multisigner.domain.model.ParentChannels;
import dev.multisigner.domain.model.RrsigData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.SignerSpec;
import dev.multisigner.domain.model.Support;
import dev.multisigner.domain.model.ZoneName;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The byte encoding of a {@link ZoneState} for the coordinator's state store. The first byte is the
 * format version; readers refuse versions they do not know (a new version adds a reader, old bytes
 * keep decoding). Integers are unsigned LEB128 varints; a served or pending key that is in the
 * state's key list is written as its index there, so each public key is stored once.
 */
public final class ZoneStateCodec {

  /**
   * The version this codec writes: 2 added each member's observed NS and NS command in flight, and
   * when a command was reported applied; 3 added model 1: the policy's KSK holder, and each
   * member's signature request and signed-RRset installation in flight and latest key signing
   * request time; 4 added the algorithm rollover in progress, if any; 5 added the policy's parent
   * channels, and each member's observed CSYNC and CSYNC command in flight (RFC 7477).
   */
  public static final int VERSION = 5;

  private ZoneStateCodec() {}

  public static byte[] encode(ZoneState s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      new Writer(out, s).write();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Decodes bytes written by any known version; throws IllegalArgumentException otherwise. */
  public static ZoneState decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readUnsignedByte();
      if (version < 1 || version > VERSION) {
        throw new IllegalArgumentException("unknown zone state format version " + version);
      }
      return new Reader(in, version).read();
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt zone state: " + e.getMessage(), e);
    }
  }

  private static final class Writer {
    private final DataOutputStream out;
    private final ZoneState s;
    private final String idPrefix;

    Writer(DataOutputStream out, ZoneState s) {
      this.out = out;
      this.s = s;
      this.idPrefix = s.zone().value() + "#";
    }

    void write() throws IOException {
      out.writeByte(VERSION);
      out.writeUTF(s.zone().value());
      out.writeByte(s.status().ordinal());
      out.writeByte(s.haltCause().ordinal());
      string(s.haltReason());
      out.writeBoolean(s.policy() != null);
      if (s.policy() != null) {
        policy(s.policy());
      }
      varlong(s.seq());
      varint(s.keys().size());
      for (KeyRecord k : s.keys()) {
        keyData(k.data());
        out.writeUTF(k.owner().value());
        out.writeByte(k.role().ordinal());
        instant(k.firstSeen());
        instant(k.goneSince());
      }
      varint(s.members().size());
      for (Member m : s.members()) {
        member(m);
      }
      dsList(s.parentDs());
      instant(s.parentDsSince());
      strings(s.parentNs());
      instant(s.parentNsSince());
      pending(s.dsRequest());
      pending(s.nsRequest());
      instant(s.wakeAt());
      AlgorithmRoll r = s.algorithmRoll();
      out.writeBoolean(r != null);
      if (r != null) {
        varint(r.from());
        varint(r.to());
        string(r.operator());
        out.writeByte(r.phase().ordinal());
        instant(r.startedAt());
        instant(r.waitUntil());
        strings(r.doubleSigned().stream().map(SignerId::value).toList());
      }
    }

    private void policy(GroupPolicy p) throws IOException {
      out.writeByte(p.model().ordinal());
      varint(p.algorithm());
      for (Duration d :
          List.of(
              p.dnskeyTtl(),
              p.maxZoneTtl(),
              p.dsTtl(),
              p.nsTtl(),
              p.propagationDelay(),
              p.parentPropagationDelay(),
              p.retryInterval(),
              p.unreachableLimit())) {
        varlong(d.getSeconds());
        varint(d.getNano());
      }
      varint(p.cdsDigestTypes().size());
      for (int t : p.cdsDigestTypes()) {
        varint(t);
      }
      varint(p.maxCdsRecords());
      out.writeBoolean(p.publishCdnskey());
      string(p.kskHolder() == null ? null : p.kskHolder().value());
      varint(channelBits(p.channels().ds()));
      varint(channelBits(p.channels().ns()));
    }

    private static int channelBits(Set<ParentChannel> channels) {
      int bits = 0;
      for (ParentChannel c : channels) {
        bits |= 1 << c.ordinal();
      }
      return bits;
    }

    private void member(Member m) throws IOException {
      SignerSpec spec = m.spec();
      out.writeUTF(spec.id().value());
      varint(spec.algorithm());
      strings(spec.nameservers());
      Map<Capability, Support> caps = spec.capabilities().declared();
      varint(caps.size());
      for (Map.Entry<Capability, Support> e : caps.entrySet()) {
        out.writeByte(e.getKey().ordinal());
        Support v = e.getValue();
        out.writeByte(v instanceof Support.Can ? 0 : v instanceof Support.Cannot ? 1 : 2);
        if (!v.available()) {
          out.writeUTF(v.reason());
        }
      }
      out.writeByte(m.phase().ordinal());
      instant(m.waitUntil());
      instant(m.keysPublishedAt());
      instant(m.leftServiceAt());
      instant(m.observedAt());
      keyRefs(m.served());
      dsList(m.cds());
      strings(m.nameservers());
      instant(m.failingSince());
      pending(m.importing());
      pending(m.withdrawing());
      pending(m.cdsPublishing());
      pending(m.nsPublishing());
      pending(m.signing());
      pending(m.installing());
      varint(m.installRrsigs().size());
      for (RrsigData g : m.installRrsigs()) {
        out.writeShort(g.keyTag());
        out.writeByte(g.algorithm());
        varlong(g.originalTtl());
        instant(g.inception());
        instant(g.expiration());
        bytes(g.signature());
      }
      instant(m.keysRequestedAt());
      varint(m.csync().size());
      for (CsyncData c : m.csync()) {
        varlong(c.soaSerial());
        varint(c.flags());
        varint(c.types().size());
        for (int t : c.types()) {
          varint(t);
        }
      }
      pending(m.csyncPublishing());
    }

    private void pending(Pending p) throws IOException {
      out.writeBoolean(p != null);
      if (p == null) {
        return;
      }
      if (p.id().startsWith(idPrefix) && p.id().substring(idPrefix.length()).matches("\\d{1,18}")) {
        out.writeBoolean(true);
        varlong(Long.parseLong(p.id().substring(idPrefix.length())));
      } else {
        out.writeBoolean(false);
        out.writeUTF(p.id());
      }
      keyRefs(p.keys());
      dsList(p.ds());
      strings(p.names());
      instant(p.retryAt());
      instant(p.appliedAt());
    }

    private void keyRefs(List<KeyData> keys) throws IOException {
      varint(keys.size());
      for (KeyData k : keys) {
        int idx = indexOf(k);
        varint(idx + 1);
        if (idx < 0) {
          keyData(k);
        }
      }
    }

    private int indexOf(KeyData k) {
      for (int i = 0; i < s.keys().size(); i++) {
        if (s.keys().get(i).data().equals(k)) {
          return i;
        }
      }
      return -1;
    }

    private void keyData(KeyData k) throws IOException {
      out.writeShort(k.flags());
      out.writeByte(k.protocol());
      out.writeByte(k.algorithm());
      bytes(k.publicKey());
    }

    private void dsList(List<DsData> ds) throws IOException {
      out.writeBoolean(ds != null);
      if (ds == null) {
        return;
      }
      varint(ds.size());
      for (DsData d : ds) {
        out.writeShort(d.keyTag());
        out.writeByte(d.algorithm());
        out.writeByte(d.digestType());
        bytes(d.digest());
      }
    }

    private void strings(List<String> list) throws IOException {
      out.writeBoolean(list != null);
      if (list == null) {
        return;
      }
      varint(list.size());
      for (String v : list) {
        out.writeUTF(v);
      }
    }

    private void string(String v) throws IOException {
      out.writeBoolean(v != null);
      if (v != null) {
        out.writeUTF(v);
      }
    }

    private void bytes(byte[] b) throws IOException {
      varint(b.length);
      out.write(b);
    }

    private void instant(Instant t) throws IOException {
      out.writeBoolean(t != null);
      if (t != null) {
        varlong(t.getEpochSecond());
        varint(t.getNano());
      }
    }

    private void varint(int v) throws IOException {
      varlong(Integer.toUnsignedLong(v));
    }

    private void varlong(long v) throws IOException {
      while ((v & ~0x7FL) != 0) {
        out.writeByte((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.writeByte((int) v);
    }
  }

  private static final class Reader {
    private final DataInputStream in;
    private final int version;
    private ZoneName zone;
    private final List<KeyRecord> keys = new ArrayList<>();

    Reader(DataInputStream in, int version) {
      this.in = in;
      this.version = version;
    }

    ZoneState read() throws IOException {
      zone = new ZoneName(in.readUTF());
      ZoneStatus status = ZoneStatus.values()[in.readUnsignedByte()];
      HaltCause cause = HaltCause.values()[in.readUnsignedByte()];
      String reason = string();
      GroupPolicy policy = in.readBoolean() ? policy() : null;
      long seq = varlong();
      int nKeys = varint();
      for (int i = 0; i < nKeys; i++) {
        keys.add(
            new KeyRecord(
                keyData(),
                new SignerId(in.readUTF()),
                KeyRole.values()[in.readUnsignedByte()],
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
        AlgorithmRoll.Phase phase = AlgorithmRoll.Phase.values()[in.readUnsignedByte()];
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
          roll);
    }

    private GroupPolicy policy() throws IOException {
      SignerModel model = SignerModel.values()[in.readUnsignedByte()];
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
        if ((bits & 1 << c.ordinal()) != 0) {
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
        Capability c = Capability.values()[in.readUnsignedByte()];
        int kind = in.readUnsignedByte();
        caps.put(
            c,
            kind == 0
                ? Support.can()
                : kind == 1 ? Support.cannot(in.readUTF()) : Support.notYet(in.readUTF()));
      }
      SignerSpec spec = new SignerSpec(id, new Capabilities(caps), algorithm, ns);
      MemberPhase phase = MemberPhase.values()[in.readUnsignedByte()];
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
          csyncPublishing);
    }

    private Pending pending() throws IOException {
      if (!in.readBoolean()) {
        return null;
      }
      String id = in.readBoolean() ? zone.value() + "#" + varlong() : in.readUTF();
      return new Pending(
          id, keyRefs(), dsList(), strings(), instant(), version >= 2 ? instant() : null);
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
}
