package dev.multisigner.domain.decide;

import dev.multisigner.domain.model.CsyncData;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.KeyData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A full snapshot of what one signer serves for one zone, taken at {@code observedAt}: its DNSKEY
 * RRset (own and foreign keys alike), the key tags of the RRSIGs over the DNSKEY RRset and over the
 * SOA (zone data), its CDS and CDNSKEY RRsets, its NS names, its CSYNC RRset (RFC 7477) and the TTL
 * it serves its DNSKEY RRset with (null when not known; see {@code ServedTtls}). Snapshots older
 * than one already seen are ignored, so delayed or duplicated deliveries are harmless.
 *
 * <p>{@code ownKeys} are the keys the signer's API or key manager says it holds (PowerDNS
 * cryptokeys, Knot keymgr), or null when the signer has no such channel (an RFC 2136 signer without
 * a key manager): then a key new to the group counts as the serving signer's own, as before
 * listings existed.
 */
public record SignerObservation(
    Instant observedAt,
    List<KeyData> dnskeys,
    Set<Integer> dnskeySignerTags,
    Set<Integer> zoneSignerTags,
    List<DsData> cds,
    List<KeyData> cdnskeys,
    List<String> nameservers,
    List<CsyncData> csync,
    List<KeyData> ownKeys,
    Duration dnskeyTtl) {

  public SignerObservation {
    Objects.requireNonNull(observedAt, "observedAt");
    dnskeys = dnskeys.stream().sorted().distinct().toList();
    dnskeySignerTags = Set.copyOf(new TreeSet<>(dnskeySignerTags));
    zoneSignerTags = Set.copyOf(new TreeSet<>(zoneSignerTags));
    cds = cds.stream().sorted().distinct().toList();
    cdnskeys = cdnskeys.stream().sorted().distinct().toList();
    nameservers = nameservers.stream().sorted().distinct().toList();
    csync = List.copyOf(csync);
    ownKeys = ownKeys == null ? null : ownKeys.stream().sorted().distinct().toList();
  }

  /** A snapshot of a signer that cannot list its own keys, served with a DNSKEY TTL not known. */
  public SignerObservation(
      Instant observedAt,
      List<KeyData> dnskeys,
      Set<Integer> dnskeySignerTags,
      Set<Integer> zoneSignerTags,
      List<DsData> cds,
      List<KeyData> cdnskeys,
      List<String> nameservers,
      List<CsyncData> csync) {
    this(
        observedAt,
        dnskeys,
        dnskeySignerTags,
        zoneSignerTags,
        cds,
        cdnskeys,
        nameservers,
        csync,
        null,
        null);
  }

  /** True when the signer lists its own keys and {@code d} is not among them. */
  public boolean disowns(KeyData d) {
    return ownKeys != null && !ownKeys.contains(d);
  }

  /** This snapshot with the signer's listing of its own keys. */
  public SignerObservation withOwnKeys(List<KeyData> own) {
    return new SignerObservation(
        observedAt,
        dnskeys,
        dnskeySignerTags,
        zoneSignerTags,
        cds,
        cdnskeys,
        nameservers,
        csync,
        own,
        dnskeyTtl);
  }

  /** A snapshot of a signer that serves no CSYNC. */
  public SignerObservation(
      Instant observedAt,
      List<KeyData> dnskeys,
      Set<Integer> dnskeySignerTags,
      Set<Integer> zoneSignerTags,
      List<DsData> cds,
      List<KeyData> cdnskeys,
      List<String> nameservers) {
    this(
        observedAt,
        dnskeys,
        dnskeySignerTags,
        zoneSignerTags,
        cds,
        cdnskeys,
        nameservers,
        List.of());
  }

  /** This snapshot with the TTL its DNSKEY RRset is served with. */
  public SignerObservation withDnskeyTtl(Duration ttl) {
    return new SignerObservation(
        observedAt,
        dnskeys,
        dnskeySignerTags,
        zoneSignerTags,
        cds,
        cdnskeys,
        nameservers,
        csync,
        ownKeys,
        ttl);
  }
}
