package dev.multisigner.providers.modelone;

import static java.util.stream.Collectors.toSet;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ChangeSignal;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderLimits;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.rfc2136.Rfc2136Capabilities;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Type;

/**
 * A Knot DNS 3.2 member of a model 1 group in offline-KSK mode (RFC 8901 §2.1.1): its DNSKEY,
 * CDNSKEY and CDS RRsets come only from the SignedKeyResponse the KSK holder signed ({@link
 * KnotKeymgr#install}, after {@link SignedKeyResponse#check}); its ZSKs are read from its key
 * signing request. Reads, apex NS and CSYNC go through the RFC 2136 adapter it wraps. It cannot
 * import a foreign DNSKEY (Knot overwrites a DDNS change of the DNSKEY RRset), and the CDS/CDNSKEY
 * it serves are the SKR's: a CDS command succeeds once they are the ones asked for.
 */
public final class KnotOfflineKskAdapter implements DnsProvider {

  private final DnsProvider dns;
  private final KnotKeymgr keymgr;
  private final Duration ksrHorizon;
  private final Duration margin;
  private final Clock clock;

  /**
   * @param dns the RFC 2136 adapter of the same Knot, built with {@link #capabilities()}
   * @param ksrHorizon how far ahead the key signing request looks for a ZSK being introduced
   * @param margin how long the last signature of an SKR must still be valid to be installed
   */
  public KnotOfflineKskAdapter(
      DnsProvider dns, KnotKeymgr keymgr, Duration ksrHorizon, Duration margin, Clock clock) {
    this.dns = dns;
    this.keymgr = keymgr;
    this.ksrHorizon = ksrHorizon;
    this.margin = margin;
    this.clock = clock;
  }

  /** What a Knot 3.2 in offline-KSK mode can do for Multisigner. */
  public static Capabilities offlineKskCapabilities() {
    Capabilities knot = Rfc2136Capabilities.knot();
    Capabilities.Builder b = Capabilities.builder();
    for (Capability c : Capability.values()) {
      switch (c) {
        case IMPORT_FOREIGN_DNSKEY ->
            b.cannot(
                c,
                "offline-KSK mode: the DNSKEY RRset comes only from an imported SKR (a DDNS change"
                    + " is overwritten)");
        case ACCEPT_SIGNED_DNSKEY_RRSET -> b.can(c);
        default -> {
          if (knot.can(c)) {
            b.can(c);
          } else {
            b.cannot(c, knot.support(c).reason());
          }
        }
      }
    }
    return b.build();
  }

  @Override
  public SignerId id() {
    return dns.id();
  }

  @Override
  public String kind() {
    return "knot-offline-ksk";
  }

  @Override
  public Capabilities capabilities() {
    return offlineKskCapabilities();
  }

  @Override
  public ProviderLimits limits() {
    return dns.limits();
  }

  /**
   * None: a ZSK Knot introduces shows in its key signing request before any serial moves, so every
   * poll reads the zone and the request in full.
   */
  @Override
  public ChangeSignal changeSignal() {
    return ChangeSignal.none(
        "offline-KSK: a new ZSK shows in the key signing request before the serial moves");
  }

  @Override
  public ZoneKeySnapshot read(ZoneName zone) {
    return dns.read(zone);
  }

  @Override
  public ZoneKeySnapshot readAfresh(ZoneName zone) {
    return dns.readAfresh(zone);
  }

  @Override
  public void apply(ProviderPlan plan) {
    dns.apply(plan);
  }

  @Override
  public ProviderPlan publishCdsCdnskey(
      ZoneName zone, Collection<CDSRecord> cds, Collection<CDNSKEYRecord> cdnskeys) {
    ZoneKeySnapshot served = read(zone);
    boolean has =
        cds.stream().allMatch(c -> served.cds().contains(c.withName(zone.toName())))
            && cdnskeys.stream()
                .allMatch(c -> served.cdnskeys().contains(c.withName(zone.toName())));
    if (!has) {
      throw skrOnly(zone, "serve this CDS/CDNSKEY set");
    }
    return new ProviderPlan(served, List.of());
  }

  @Override
  public ProviderPlan withdrawCdsCdnskey(
      ZoneName zone, Collection<CDSRecord> cds, Collection<CDNSKEYRecord> cdnskeys) {
    ZoneKeySnapshot served = read(zone);
    if (cds.stream().anyMatch(c -> served.cds().contains(c.withName(zone.toName())))
        || cdnskeys.stream().anyMatch(c -> served.cdnskeys().contains(c.withName(zone.toName())))) {
      throw skrOnly(zone, "withdraw CDS/CDNSKEY records");
    }
    return new ProviderPlan(served, List.of());
  }

  /** Nothing to write when Knot serves exactly these (they come with the SKR), else retryable. */
  @Override
  public ProviderPlan replaceCdsCdnskey(
      ZoneName zone, Collection<CDSRecord> cds, Collection<CDNSKEYRecord> cdnskeys) {
    ZoneKeySnapshot served = read(zone);
    Name apex = zone.toName();
    if (!Set.copyOf(served.cds()).equals(cds.stream().map(c -> c.withName(apex)).collect(toSet()))
        || !Set.copyOf(served.cdnskeys())
            .equals(cdnskeys.stream().map(c -> c.withName(apex)).collect(toSet()))) {
      throw skrOnly(zone, "serve exactly this CDS/CDNSKEY set");
    }
    return new ProviderPlan(served, List.of());
  }

  /** Its CDS/CDNSKEY writes are checks against a read (the SKR brings them): never from memory. */
  @Override
  public boolean checksBasisOnWrite() {
    return false;
  }

  /** Retryable: the next SKR the holder signs brings the CDS/CDNSKEY the group wants. */
  private ProviderException skrOnly(ZoneName zone, String what) {
    return ProviderException.of(
        ProviderException.Kind.UNAVAILABLE,
        zone,
        id(),
        "offline-KSK: cannot "
            + what
            + " by itself; its CDS/CDNSKEY come with the SKR the KSK holder signs");
  }

  /**
   * Installs the SKR made of the holder's RRSIGs ({@link HolderSignatures#skr}), checked against
   * the holder's KSK that signed the DNSKEY RRset; an SKR that fails the check (wrong key, tampered
   * RRset, expired or expiring within the margin) never reaches Knot.
   */
  @Override
  public String installSignedDnskeyRrset(
      ZoneName zone, List<DNSKEYRecord> keys, List<RRSIGRecord> rrsigs) {
    SignedKeyResponse skr;
    try {
      skr = HolderSignatures.skr(zone.toName(), keys, rrsigs);
    } catch (IllegalArgumentException e) {
      throw ProviderException.of(
          ProviderException.Kind.MALFORMED, zone, id(), "SKR not installed: " + e.getMessage());
    }
    RRSIGRecord first =
        skr.sections().get(0).rrsigs().stream()
            .filter(s -> s.getTypeCovered() == Type.DNSKEY)
            .findFirst()
            .orElseThrow();
    DNSKEYRecord ksk =
        keys.stream()
            .filter(k -> (k.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0)
            .filter(k -> k.getFootprint() == first.getFootprint())
            .findFirst()
            .orElseThrow(
                () ->
                    ProviderException.of(
                        ProviderException.Kind.MALFORMED,
                        zone,
                        id(),
                        "SKR not installed: the signing key "
                            + first.getFootprint()
                            + " is not a KSK of the RRset"));
    Instant now = clock.instant();
    if (!skr.validUntil().isAfter(now.plus(margin))) {
      // expired or about to: the decider asks the holder for a new signature (retryable)
      throw ProviderException.of(
          ProviderException.Kind.UNAVAILABLE,
          zone,
          id(),
          "SKR not installed: its last signature expires "
              + skr.validUntil()
              + ", within the margin "
              + margin);
    }
    keymgr.install(skr, ksk, now, margin);
    return "installed an SKR of "
        + skr.sections().size()
        + " sections, DNSKEY "
        + keys.stream().map(DNSKEYRecord::getFootprint).toList()
        + " signed by "
        + ksk.getFootprint()
        + ", valid until "
        + skr.validUntil();
  }

  @Override
  public Optional<List<DNSKEYRecord>> keySigningRequest(ZoneName zone) {
    Instant now = clock.instant();
    return Optional.of(keymgr.requestedZsks(zone.toName(), now, now.plus(ksrHorizon)));
  }
}
