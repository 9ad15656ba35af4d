package dev.multisigner.coordinator.mapping;

import dev.multisigner.domain.decide.Output;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.RrsigData;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.modelone.HolderSignatures;
import dev.multisigner.schemas.avro.CsyncData;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.DsChangeRequested;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.GroupKey;
import dev.multisigner.schemas.avro.ImportDnskeys;
import dev.multisigner.schemas.avro.InstallSignedDnskeyRrset;
import dev.multisigner.schemas.avro.NsChangeRequested;
import dev.multisigner.schemas.avro.PublishCdsCdnskey;
import dev.multisigner.schemas.avro.PublishCsync;
import dev.multisigner.schemas.avro.PublishNs;
import dev.multisigner.schemas.avro.RollSignerKey;
import dev.multisigner.schemas.avro.Rrsig;
import dev.multisigner.schemas.avro.SignDnskeyRrset;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.WithdrawCsync;
import dev.multisigner.schemas.avro.WithdrawDnskeys;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.avro.ZoneStateSnapshot;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Type;

/** The domain's outputs to Avro records for the log. */
public final class OutputMapper {

  private OutputMapper() {}

  /** A signer command, or null when the output is not a signer command. */
  public static SignerCommand command(Envelope envelope, Output output, int ttlSeconds) {
    if (output instanceof Output.ImportDnskeys o) {
      return command(
          envelope,
          o.commandId(),
          o.signer().value(),
          new ImportDnskeys(groupKeys(o.keys()), ttlSeconds));
    }
    if (output instanceof Output.WithdrawDnskeys o) {
      return command(
          envelope, o.commandId(), o.signer().value(), new WithdrawDnskeys(groupKeys(o.keys())));
    }
    if (output instanceof Output.PublishCdsCdnskey o) {
      return command(
          envelope,
          o.commandId(),
          o.signer().value(),
          new PublishCdsCdnskey(ds(o.cds()), dnskeys(o.cdnskeys()), ttlSeconds));
    }
    if (output instanceof Output.PublishNs o) {
      return command(envelope, o.commandId(), o.signer().value(), new PublishNs(o.nameservers()));
    }
    if (output instanceof Output.PublishCsync o) {
      return command(
          envelope,
          o.commandId(),
          o.signer().value(),
          new PublishCsync(
              new CsyncData(o.csync().soaSerial(), o.csync().flags(), o.csync().types()),
              ttlSeconds));
    }
    if (output instanceof Output.WithdrawCsync o) {
      return command(
          envelope,
          o.commandId(),
          o.signer().value(),
          new WithdrawCsync("the parent has the NS set, or the signers' NS set changes next"));
    }
    if (output instanceof Output.SignDnskeyRrset o) {
      return command(
          envelope,
          o.commandId(),
          o.holder().value(),
          new SignDnskeyRrset(o.signer().value(), dnskeys(o.keys()), ttlSeconds));
    }
    if (output instanceof Output.InstallSignedDnskeyRrset o) {
      ZoneName zone = ZoneName.of(envelope.getZone());
      return command(
          envelope,
          o.commandId(),
          o.signer().value(),
          new InstallSignedDnskeyRrset(
              dnskeys(o.keys()), rrsigs(zone, o.keys(), o.rrsigs(), ttlSeconds), ttlSeconds));
    }
    if (output instanceof Output.RollSignerKey o) {
      return command(
          envelope, o.commandId(), o.signer().value(), new RollSignerKey(role(o.role())));
    }
    return null;
  }

  /** The DS-side request of a RequestDsChange or RequestNsChange output, or null. */
  public static dev.multisigner.schemas.avro.DsRequest dsRequest(Envelope envelope, Output output) {
    if (output instanceof Output.RequestDsChange o) {
      return new dev.multisigner.schemas.avro.DsRequest(
          envelope,
          o.requestId(),
          new DsChangeRequested(ds(o.ds()), List.of(), channels(o.channels())));
    }
    if (output instanceof Output.RequestNsChange o) {
      return new dev.multisigner.schemas.avro.DsRequest(
          envelope, o.requestId(), new NsChangeRequested(o.nameservers(), channels(o.channels())));
    }
    return null;
  }

  /** In a fixed order (the domain's), so equal requests are equal records. */
  private static List<dev.multisigner.schemas.avro.ParentChannel> channels(
      java.util.Set<dev.multisigner.domain.model.ParentChannel> channels) {
    return channels.stream()
        .sorted()
        .map(c -> dev.multisigner.schemas.avro.ParentChannel.valueOf(c.name()))
        .toList();
  }

  /** The audit record of a ZoneEvent output, or null. */
  public static ZoneEvent zoneEvent(Envelope envelope, Output output) {
    if (output instanceof Output.ZoneEvent o) {
      Map<String, String> attributes = new LinkedHashMap<>();
      attributes.put("kind", o.kind().name());
      return new ZoneEvent(envelope, pastTense(o.kind().name()), o.text(), attributes, null);
    }
    return null;
  }

  /** The compacted state snapshot after a decision. */
  public static ZoneStateSnapshot snapshot(Envelope envelope, ZoneState state) {
    return new ZoneStateSnapshot(
        envelope,
        state.status().name(),
        state.haltReason() != null,
        state.haltReason(),
        signerIds(state),
        state.seq());
  }

  /**
   * Whether the snapshot of {@code after} would say something the one of {@code before} did not
   * (the fields {@link #snapshot} reads). The topic is compacted: an equal snapshot adds nothing.
   */
  public static boolean snapshotChanged(ZoneState before, ZoneState after) {
    return before.status() != after.status()
        || before.seq() != after.seq()
        || !Objects.equals(before.haltReason(), after.haltReason())
        || !signerIds(before).equals(signerIds(after));
  }

  private static List<String> signerIds(ZoneState state) {
    return state.members().stream().map(m -> m.spec().id().value()).toList();
  }

  /** ZONE_ENROLLED becomes ZoneEnrolled: the event name auditors read. */
  static String pastTense(String kind) {
    StringBuilder out = new StringBuilder();
    for (String part : kind.toLowerCase(Locale.ROOT).split("_")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }

  private static SignerCommand command(
      Envelope envelope, String commandId, String signer, Object command) {
    return new SignerCommand(envelope, commandId, signer, command);
  }

  private static List<GroupKey> groupKeys(List<KeyData> keys) {
    return keys.stream()
        .map(
            k ->
                new GroupKey(
                    "",
                    k.sep()
                        ? dev.multisigner.schemas.avro.KeyRole.KSK
                        : dev.multisigner.schemas.avro.KeyRole.ZSK,
                    dnskey(k)))
        .toList();
  }

  /**
   * The holder's signatures with the RR type each covers: the decider carries them as signatures
   * over the DNSKEY RRset, and the ones over the KSK's CDS/CDNSKEY are told apart by verifying them
   * ({@link HolderSignatures#classify}). One that verifies for none goes as DNSKEY, and the
   * member's check refuses it.
   */
  public static List<Rrsig> rrsigs(
      ZoneName zone, List<KeyData> keys, List<RrsigData> sigs, int ttlSeconds) {
    List<DNSKEYRecord> records = keys.stream().map(k -> k.toRecord(zone, ttlSeconds)).toList();
    return sigs.stream()
        .map(
            g -> {
              RRSIGRecord as = g.toRecord(zone, ttlSeconds);
              int type =
                  HolderSignatures.classify(zone.toName(), records, as)
                      .map(RRSIGRecord::getTypeCovered)
                      .orElse(Type.DNSKEY);
              return new Rrsig(
                  type,
                  g.keyTag(),
                  g.algorithm(),
                  g.originalTtl(),
                  g.inception(),
                  g.expiration(),
                  ByteBuffer.wrap(g.signature()));
            })
        .toList();
  }

  static List<Dnskey> dnskeys(List<KeyData> keys) {
    return keys.stream().map(OutputMapper::dnskey).toList();
  }

  static Dnskey dnskey(KeyData k) {
    return new Dnskey(
        k.flags(), k.protocol(), k.algorithm(), ByteBuffer.wrap(k.publicKey()), k.keyTag());
  }

  static List<dev.multisigner.schemas.avro.DsData> ds(List<DsData> ds) {
    return ds.stream()
        .map(
            d ->
                new dev.multisigner.schemas.avro.DsData(
                    d.keyTag(), d.algorithm(), d.digestType(), ByteBuffer.wrap(d.digest())))
        .toList();
  }

  static dev.multisigner.schemas.avro.KeyRole role(KeyRole role) {
    return switch (role) {
      case KSK -> dev.multisigner.schemas.avro.KeyRole.KSK;
      case ZSK -> dev.multisigner.schemas.avro.KeyRole.ZSK;
      case CSK -> dev.multisigner.schemas.avro.KeyRole.CSK;
    };
  }
}
