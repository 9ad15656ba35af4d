package dev.multisigner.domain.codec;

import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.group.AlgorithmRoll;
import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.Pending;
import dev.multisigner.domain.group.ServedTtls;
import dev.multisigner.domain.group.ServedTtls.ServedTtl;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.CsyncData;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.ParentChannel;
import dev.multisigner.domain.model.RrsigData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerSpec;
import dev.multisigner.domain.model.Support;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes a {@link ZoneState} in the current format ({@link ZoneStateCodec#VERSION}). */
final class ZoneStateWriter {
  private final DataOutputStream out;
  private final ZoneState s;
  private final String idPrefix;

  ZoneStateWriter(DataOutputStream out, ZoneState s) {
    this.out = out;
    this.s = s;
    this.idPrefix = s.zone().value() + "#";
  }

  void write() throws IOException {
    out.writeByte(ZoneStateCodec.VERSION);
    out.writeUTF(s.zone().value());
    out.writeByte(EnumCodes.STATUS.code(s.status()));
    out.writeByte(EnumCodes.HALT_CAUSE.code(s.haltCause()));
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
      out.writeByte(EnumCodes.KEY_ROLE.code(k.role()));
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
      out.writeByte(EnumCodes.ROLL_PHASE.code(r.phase()));
      instant(r.startedAt());
      instant(r.waitUntil());
      strings(r.doubleSigned().stream().map(SignerId::value).toList());
    }
    servedTtls(s.servedTtls());
  }

  /** Version 8: the TTLs served longer than the policy's (each signer's DNSKEY, parent DS, NS). */
  private void servedTtls(ServedTtls t) throws IOException {
    varint(t.dnskey().size());
    for (Map.Entry<SignerId, ServedTtl> e : t.dnskey().entrySet()) {
      out.writeUTF(e.getKey().value());
      servedTtl(e.getValue());
    }
    out.writeBoolean(t.ds() != null);
    if (t.ds() != null) {
      servedTtl(t.ds());
    }
    out.writeBoolean(t.ns() != null);
    if (t.ns() != null) {
      servedTtl(t.ns());
    }
  }

  private void servedTtl(ServedTtl t) throws IOException {
    duration(t.current());
    duration(t.fading());
    instant(t.fadingUntil());
  }

  private void duration(Duration d) throws IOException {
    out.writeBoolean(d != null);
    if (d != null) {
      varlong(d.getSeconds());
      varint(d.getNano());
    }
  }

  private void policy(GroupPolicy p) throws IOException {
    out.writeByte(EnumCodes.MODEL.code(p.model()));
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
      bits |= 1 << EnumCodes.CHANNEL.code(c);
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
      out.writeByte(EnumCodes.CAPABILITY.code(e.getKey()));
      Support v = e.getValue();
      out.writeByte(v instanceof Support.Can ? 0 : v instanceof Support.Cannot ? 1 : 2);
      if (!v.available()) {
        out.writeUTF(v.reason());
      }
    }
    out.writeByte(EnumCodes.PHASE.code(m.phase()));
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
    instant(m.phaseSince());
    ints(m.dnskeySigners());
    ints(m.cdnskeyTags());
  }

  private void ints(List<Integer> list) throws IOException {
    varint(list.size());
    for (int v : list) {
      varint(v);
    }
  }

  private void pending(Pending p) throws IOException {
    out.writeBoolean(p != null);
    if (p == null) {
      return;
    }
    if (p.id().startsWith(idPrefix) && shortDecimal(p.id(), idPrefix.length())) {
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
    instant(p.issuedAt());
  }

  /**
   * True when {@code s} from {@code from} on is 1 to 18 ASCII digits (what {@code \\d{1,18}}
   * matches), without compiling a regex for every pending command of every state written.
   */
  static boolean shortDecimal(String s, int from) {
    int n = s.length() - from;
    if (n < 1 || n > 18) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
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
