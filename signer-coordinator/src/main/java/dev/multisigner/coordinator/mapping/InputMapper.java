package dev.multisigner.coordinator.mapping;

import dev.multisigner.domain.decide.SignerObservation;
import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.domain.model.Capabilities;
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
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.schemas.avro.AddSigner;
import dev.multisigner.schemas.avro.CdsPublished;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.DnskeyRrsetSigned;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.DsPublicationFailed;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.KeySigningRequested;
import dev.multisigner.schemas.avro.ObservationFailed;
import dev.multisigner.schemas.avro.ParentDsObserved;
import dev.multisigner.schemas.avro.ParentNsObserved;
import dev.multisigner.schemas.avro.RemoveSigner;
import dev.multisigner.schemas.avro.ResumeZone;
import dev.multisigner.schemas.avro.RetireZone;
import dev.multisigner.schemas.avro.RollKey;
import dev.multisigner.schemas.avro.Rrsig;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandFailed;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import dev.multisigner.schemas.avro.ZoneIntent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Avro records from the log to the domain's {@link ZoneInput}s. */
public final class InputMapper {

  private InputMapper() {}

  /** An operator intent. */
  public static ZoneInput intent(ZoneName zone, ZoneIntent record) {
    Object intent = record.getIntent();
    if (intent instanceof EnrollZone e) {
      return new ZoneInput.EnrollZone(
          zone,
          policy(zone, e.getPolicy()),
          e.getSigners().stream().map(s -> signer(zone, s)).toList());
    }
    if (intent instanceof AddSigner a) {
      return new ZoneInput.AddSigner(zone, signer(zone, a.getSigner()));
    }
    if (intent instanceof RemoveSigner r) {
      return new ZoneInput.RemoveSigner(zone, signerId(zone, r.getSignerId()));
    }
    if (intent instanceof dev.multisigner.schemas.avro.RollAlgorithm r) {
      return new ZoneInput.RollAlgorithm(zone, r.getAlgorithm(), r.getOperator());
    }
    if (intent instanceof RollKey r) {
      return new ZoneInput.RollKey(zone, signerId(zone, r.getSignerId()), role(zone, r.getRole()));
    }
    if (intent instanceof ResumeZone r) {
      return new ZoneInput.ResumeZone(zone, r.getOperator(), r.getReason());
    }
    if (intent instanceof RetireZone r) {
      return new ZoneInput.RetireZone(zone, r.getReason());
    }
    throw new RejectedInput(zone.value(), "unknown intent " + describe(intent));
  }

  /** A signer observation (or its failure). */
  public static ZoneInput observation(
      ZoneName zone, dev.multisigner.schemas.avro.SignerObservation record) {
    SignerId signer = signerId(zone, record.getSignerId());
    Object o = record.getObservation();
    if (o instanceof SignerKeysObserved k) {
      SignerObservation observed =
          new SignerObservation(
              record.getEnvelope().getOccurredAt(),
              keys(zone, k.getDnskeys()),
              java.util.Set.copyOf(k.getDnskeySignerTags()),
              java.util.Set.copyOf(k.getZoneSignerTags()),
              ds(k.getCds()),
              keys(zone, k.getCdnskeys()),
              k.getNameservers(),
              k.getCsync().stream()
                  .map(c -> new CsyncData(c.getSoaSerial(), c.getFlags(), c.getTypes()))
                  .toList(),
              k.getOwnKeys() == null ? null : keys(zone, k.getOwnKeys()),
              ttl(k.getDnskeyTtlSeconds()));
      return new ZoneInput.SignerKeysObserved(zone, signer, observed);
    }
    if (o instanceof ObservationFailed f) {
      return new ZoneInput.ObservationFailed(zone, signer, f.getReason());
    }
    if (o instanceof KeySigningRequested r) {
      return new ZoneInput.KeySigningRequested(
          zone, signer, r.getRequestedAt(), keys(zone, r.getZsks()));
    }
    throw new RejectedInput(zone.value(), "unknown observation " + describe(o));
  }

  /** A signer command's result. */
  public static ZoneInput result(ZoneName zone, SignerCommandResult record) {
    Object r = record.getResult();
    if (r instanceof SignerCommandApplied a && a.getSigned() != null) {
      // model 1: the KSK holder's answer to a SignDnskeyRrset
      DnskeyRrsetSigned s = a.getSigned();
      return new ZoneInput.DnskeyRrsetSigned(
          zone,
          record.getCommandId(),
          signerId(zone, s.getForSigner()),
          keys(zone, s.getKeys()),
          s.getRrsigs().stream().map(InputMapper::rrsig).toList());
    }
    if (r instanceof SignerCommandApplied a) {
      // the write's start when the writer gives it: an observation showing the change may have
      // been published before the result was (its envelope's time)
      Instant appliedAt =
          a.getWriteStartedAt() != null
              ? a.getWriteStartedAt()
              : record.getEnvelope().getOccurredAt();
      return new ZoneInput.SignerCommandApplied(
          zone, record.getCommandId(), appliedAt, a.getChanged());
    }
    if (r instanceof SignerCommandFailed f) {
      return new ZoneInput.SignerCommandFailed(
          zone, record.getCommandId(), f.getRetryable(), f.getReason());
    }
    throw new RejectedInput(zone.value(), "unknown command result " + describe(r));
  }

  /**
   * A ds-publisher event. The decider acts only on parent DS data validated from the parent's trust
   * anchor: an unvalidated {@code ParentDsObserved} answering a request counts as that request's
   * failure (retried later), an unsolicited one is rejected.
   */
  public static ZoneInput dsEvent(ZoneName zone, DsEvent record) {
    Object e = record.getEvent();
    String requestId = record.getRequestId() == null ? "" : record.getRequestId();
    if (e instanceof ParentDsObserved p && !p.getValidated()) {
      String why =
          "the parent's DS RRset did not validate from its trust anchor; not taken as seen";
      if (requestId.isEmpty()) {
        throw new RejectedInput(zone.value(), why);
      }
      return new ZoneInput.DsPublicationFailed(zone, requestId, why);
    }
    if (e instanceof ParentDsObserved p) {
      return new ZoneInput.ParentDsObserved(zone, ds(p.getDs()), ttl(p.getTtlSeconds()));
    }
    if (e instanceof ParentNsObserved p) {
      return new ZoneInput.ParentNsObserved(zone, p.getNameservers(), ttl(p.getTtlSeconds()));
    }
    if (e instanceof CdsPublished) {
      return new ZoneInput.CdsPublished(zone, requestId);
    }
    if (e instanceof DsPublicationFailed f) {
      return new ZoneInput.DsPublicationFailed(zone, requestId, f.getReason());
    }
    throw new RejectedInput(zone.value(), "unknown DS event " + describe(e));
  }

  /** A served TTL; the schema's 0 (and anything not positive) means not known. */
  private static Duration ttl(int seconds) {
    return seconds > 0 ? Duration.ofSeconds(seconds) : null;
  }

  /** The domain's group policy of an intent's policy; refused with a reason naming the zone. */
  public static GroupPolicy policy(ZoneName zone, dev.multisigner.schemas.avro.GroupPolicy p) {
    SignerModel model =
        switch (p.getModel()) {
          case MODEL_1 -> SignerModel.MODEL_1;
          case MODEL_2 -> SignerModel.MODEL_2;
          default -> throw new RejectedInput(zone.value(), "group policy without a known model");
        };
    SignerId holder = p.getKskHolder() == null ? null : signerId(zone, p.getKskHolder());
    if (model == SignerModel.MODEL_2 && holder != null) {
      throw new RejectedInput(
          zone.value(),
          "kskHolder " + holder + " is for model 1 only (model 2: every signer's KSK)");
    }
    if (p.getMaxCdsRecords() < 0) {
      throw new RejectedInput(
          zone.value(), "maxCdsRecords " + p.getMaxCdsRecords() + " is negative (0 = no limit)");
    }
    // The schema's 0 means "the registry sets no limit"; the domain counts against its maximum.
    int maxCds = p.getMaxCdsRecords() == 0 ? Integer.MAX_VALUE : p.getMaxCdsRecords();
    try {
      return new GroupPolicy(
          model,
          p.getAlgorithm(),
          Duration.ofSeconds(p.getDnskeyTtlSeconds()),
          Duration.ofSeconds(p.getMaxZoneTtlSeconds()),
          Duration.ofSeconds(p.getDsTtlSeconds()),
          Duration.ofSeconds(p.getNsTtlSeconds()),
          Duration.ofSeconds(p.getPropagationDelaySeconds()),
          Duration.ofSeconds(p.getParentPropagationDelaySeconds()),
          p.getDigestTypes(),
          maxCds,
          p.getPublishCdnskey(),
          Duration.ofSeconds(p.getRetryIntervalSeconds()),
          Duration.ofSeconds(p.getUnreachableLimitSeconds()),
          holder,
          new ParentChannels(
              channels(zone, "parentChannels", p.getParentChannels()),
              channels(zone, "nsChannels", p.getNsChannels())));
    } catch (IllegalArgumentException e) {
      throw new RejectedInput(zone.value(), "invalid group policy: " + e.getMessage());
    }
  }

  /**
   * The domain's parent channels of a policy field; none means the ds-publisher's DNS UPDATE, as
   * before the field existed. A channel the services do not carry yet is refused by name.
   */
  private static Set<ParentChannel> channels(
      ZoneName zone, String field, List<dev.multisigner.schemas.avro.ParentChannel> in) {
    if (in.isEmpty()) {
      return Set.of(ParentChannel.DNS_UPDATE);
    }
    Set<ParentChannel> out = EnumSet.noneOf(ParentChannel.class);
    for (dev.multisigner.schemas.avro.ParentChannel c : in) {
      switch (c) {
        case DNS_UPDATE -> out.add(ParentChannel.DNS_UPDATE);
        case CDS_SCAN -> out.add(ParentChannel.CDS_SCAN);
        case CSYNC_SCAN -> out.add(ParentChannel.CSYNC_SCAN);
        case NOTIFY_CDS ->
            throw new RejectedInput(
                zone.value(),
                field
                    + ": NOTIFY_CDS is not a channel of its own (a NOTIFY only makes a CDS-scanning"
                    + " parent scan now, RFC 9859): name CDS_SCAN and set notify-cds on the parent in"
                    + " the ds-publisher (multisigner.ds-publisher.parents.<name>.notify-cds)");
        default ->
            throw new RejectedInput(
                zone.value(),
                field
                    + ": parent channel "
                    + c
                    + " is not built (built: DNS_UPDATE, CDS_SCAN for DS, CSYNC_SCAN for NS)");
      }
    }
    return out;
  }

  /** The domain's signer spec of an intent's signer; refused with a reason naming the signer. */
  public static SignerSpec signer(ZoneName zone, dev.multisigner.schemas.avro.SignerSpec s) {
    SignerId id = signerId(zone, s.getSignerId());
    Capabilities capabilities =
        ProviderTypes.capabilities(s.getProviderType())
            .orElseThrow(
                () ->
                    new RejectedInput(
                        zone.value(),
                        "signer "
                            + id
                            + " names unknown provider type '"
                            + s.getProviderType()
                            + "' (known: "
                            + ProviderTypes.known()
                            + ")"));
    try {
      return new SignerSpec(id, capabilities, s.getAlgorithm(), s.getNameservers());
    } catch (IllegalArgumentException e) {
      throw new RejectedInput(zone.value(), "signer " + id + ": " + e.getMessage());
    }
  }

  static SignerId signerId(ZoneName zone, String id) {
    try {
      return SignerId.of(id);
    } catch (IllegalArgumentException e) {
      throw new RejectedInput(zone.value(), e.getMessage());
    }
  }

  static KeyRole role(ZoneName zone, dev.multisigner.schemas.avro.KeyRole role) {
    return switch (role) {
      case KSK -> KeyRole.KSK;
      case ZSK -> KeyRole.ZSK;
      case CSK -> KeyRole.CSK;
      default -> throw new RejectedInput(zone.value(), "key role is missing or unknown");
    };
  }

  static List<KeyData> keys(ZoneName zone, List<Dnskey> keys) {
    return keys.stream().map(k -> key(zone, k)).toList();
  }

  static KeyData key(ZoneName zone, Dnskey k) {
    try {
      return new KeyData(k.getFlags(), k.getProtocol(), k.getAlgorithm(), bytes(k.getPublicKey()));
    } catch (IllegalArgumentException e) {
      throw new RejectedInput(zone.value(), "malformed DNSKEY (tag " + k.getKeyTag() + "): " + e);
    }
  }

  /** The holder's signature as the decider carries it (over DNSKEY, or over its CDS/CDNSKEY). */
  static RrsigData rrsig(Rrsig g) {
    return new RrsigData(
        g.getKeyTag(),
        g.getAlgorithm(),
        g.getOriginalTtl(),
        g.getInception(),
        g.getExpiration(),
        bytes(g.getSignature()));
  }

  static List<DsData> ds(List<dev.multisigner.schemas.avro.DsData> list) {
    return list.stream()
        .map(
            d ->
                new DsData(
                    d.getKeyTag(), d.getAlgorithm(), d.getDigestType(), bytes(d.getDigest())))
        .toList();
  }

  static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private static String describe(Object o) {
    return o == null ? "null" : o.getClass().getSimpleName();
  }
}
