package dev.multisigner.coordinator.writer;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.CSYNCRecord;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.schemas.avro.CsyncData;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.DnskeyRrsetSigned;
import dev.multisigner.schemas.avro.DsData;
import dev.multisigner.schemas.avro.GroupKey;
import dev.multisigner.schemas.avro.ImportDnskeys;
import dev.multisigner.schemas.avro.InstallSignedDnskeyRrset;
import dev.multisigner.schemas.avro.PublishCdsCdnskey;
import dev.multisigner.schemas.avro.PublishCsync;
import dev.multisigner.schemas.avro.PublishNs;
import dev.multisigner.schemas.avro.RollSignerKey;
import dev.multisigner.schemas.avro.Rrsig;
import dev.multisigner.schemas.avro.SignDnskeyRrset;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.WithdrawCdsCdnskey;
import dev.multisigner.schemas.avro.WithdrawCsync;
import dev.multisigner.schemas.avro.WithdrawDnskeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;

/**
 * Applies one signer command through the signer's adapter and says what changed. Every command is
 * idempotent: the adapter plans against what the signer serves (read now, or its last known state
 * checked by the write, {@link dev.multisigner.providers.LastKnownBasis}), so a repeated command
 * plans nothing.
 */
final class CommandApplier {

  private CommandApplier() {}

  /**
   * Applies the command; the result says in one line what changed (or "no change") and, for a model
   * 1 SignDnskeyRrset, carries the KSK holder's signatures.
   */
  static SignerCommandApplied apply(DnsProvider provider, SignerCommand command) {
    ZoneName zone = ZoneName.of(command.getEnvelope().getZone());
    Name name = zone.toName();
    Object c = command.getCommand();
    if (c instanceof SignDnskeyRrset s) {
      List<DNSKEYRecord> keys = rdata(name, s.getKeys(), s.getTtlSeconds());
      List<RRSIGRecord> sigs = provider.signDnskeyRrset(zone, keys);
      return new SignerCommandApplied(
          "signed DNSKEY "
              + keys.stream().map(DNSKEYRecord::getFootprint).toList()
              + " for "
              + s.getForSigner()
              + ": "
              + sigs.size()
              + " RRSIGs",
          new DnskeyRrsetSigned(s.getForSigner(), s.getKeys(), rrsigs(sigs)),
          true,
          null);
    }
    String detail = change(provider, zone, name, c);
    return new SignerCommandApplied(detail, null, changed(detail), null);
  }

  private static String change(DnsProvider provider, ZoneName zone, Name name, Object c) {
    if (c instanceof InstallSignedDnskeyRrset i) {
      List<DNSKEYRecord> keys = rdata(name, i.getKeys(), i.getTtlSeconds());
      List<RRSIGRecord> sigs = i.getRrsigs().stream().map(g -> rrsig(name, g)).toList();
      return provider.installSignedDnskeyRrset(zone, keys, sigs);
    }
    if (c instanceof ImportDnskeys i) {
      return describe(provider.importDnskeys(zone, dnskeys(name, i.getKeys(), i.getTtlSeconds())));
    }
    if (c instanceof WithdrawDnskeys w) {
      return describe(provider.withdrawDnskeys(zone, dnskeys(name, w.getKeys(), 0)));
    }
    if (c instanceof PublishCdsCdnskey p) {
      // exactly these: what is missing added and every other CDS/CDNSKEY removed, in one write
      return describe(
          provider.replaceCdsCdnskey(
              zone,
              cds(name, p.getCds(), p.getTtlSeconds()),
              cdnskeys(name, p.getCdnskeys(), p.getTtlSeconds())));
    }
    if (c instanceof WithdrawCdsCdnskey) {
      return describe(provider.replaceCdsCdnskey(zone, List.of(), List.of()));
    }
    if (c instanceof PublishNs p) {
      List<Name> names = new ArrayList<>();
      for (String n : p.getNameservers()) {
        names.add(Name.fromConstantString(n.endsWith(".") ? n : n + "."));
      }
      return describe(provider.publishNs(zone, names));
    }
    if (c instanceof PublishCsync p) {
      CsyncData d = p.getCsync();
      int[] types = d.getTypes().stream().mapToInt(Integer::intValue).toArray();
      return describe(
          provider.publishCsync(
              zone,
              new CSYNCRecord(
                  name, DClass.IN, p.getTtlSeconds(), d.getSoaSerial(), d.getFlags(), types)));
    }
    if (c instanceof WithdrawCsync) {
      return describe(provider.withdrawCsync(zone));
    }
    if (c instanceof RollSignerKey r) {
      throw new UnsupportedCommand(
          "rolling the signer's own "
              + r.getRole()
              + " through the "
              + provider.kind()
              + " adapter is not built yet");
    }
    throw new UnsupportedCommand("unknown command " + (c == null ? "null" : c.getClass()));
  }

  private static String describe(ProviderPlan plan) {
    return plan.isEmpty() ? NO_CHANGE : String.join("; ", plan.lines());
  }

  private static final String NO_CHANGE = "no change";

  /** False for what {@link #apply} answers when it changed nothing at the signer. */
  static boolean changed(String detail) {
    return !detail.equals(NO_CHANGE);
  }

  private static List<DNSKEYRecord> dnskeys(Name zone, List<GroupKey> keys, int ttl) {
    return rdata(zone, keys.stream().map(GroupKey::getDnskey).toList(), ttl);
  }

  private static List<DNSKEYRecord> rdata(Name zone, List<Dnskey> keys, int ttl) {
    return keys.stream()
        .map(
            d ->
                new DNSKEYRecord(
                    zone,
                    DClass.IN,
                    ttl,
                    d.getFlags(),
                    d.getProtocol(),
                    d.getAlgorithm(),
                    bytes(d.getPublicKey())))
        .toList();
  }

  private static RRSIGRecord rrsig(Name zone, Rrsig g) {
    return new RRSIGRecord(
        zone,
        DClass.IN,
        g.getOriginalTtl(),
        g.getTypeCovered(),
        g.getAlgorithm(),
        g.getOriginalTtl(),
        g.getExpiration(),
        g.getInception(),
        g.getKeyTag(),
        zone,
        bytes(g.getSignature()));
  }

  private static List<Rrsig> rrsigs(List<RRSIGRecord> sigs) {
    return sigs.stream()
        .map(
            s ->
                new Rrsig(
                    s.getTypeCovered(),
                    s.getFootprint(),
                    s.getAlgorithm(),
                    s.getOrigTTL(),
                    s.getTimeSigned(),
                    s.getExpire(),
                    ByteBuffer.wrap(s.getSignature())))
        .toList();
  }

  private static List<CDNSKEYRecord> cdnskeys(Name zone, List<Dnskey> keys, int ttl) {
    return keys.stream()
        .map(
            d ->
                new CDNSKEYRecord(
                    zone,
                    DClass.IN,
                    ttl,
                    d.getFlags(),
                    d.getProtocol(),
                    d.getAlgorithm(),
                    bytes(d.getPublicKey())))
        .toList();
  }

  private static List<CDSRecord> cds(Name zone, List<DsData> ds, int ttl) {
    return ds.stream()
        .map(
            d ->
                new CDSRecord(
                    zone,
                    DClass.IN,
                    ttl,
                    d.getKeyTag(),
                    d.getAlgorithm(),
                    d.getDigestType(),
                    bytes(d.getDigest())))
        .toList();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /** A command this writer cannot carry out (not retryable). */
  static final class UnsupportedCommand extends RuntimeException {
    UnsupportedCommand(String message) {
      super(message);
    }
  }
}
