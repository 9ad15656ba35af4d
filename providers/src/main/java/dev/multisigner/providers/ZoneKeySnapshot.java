package dev.multisigner.providers;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * What one provider serves for a zone's keys at one moment: the DNSKEY, CDS, CDNSKEY, NS and CSYNC
 * RRsets with their RRSIGs (empty when the adapter cannot see signatures), the SOA, and which of
 * the DNSKEYs are the provider's own (it holds their private keys).
 *
 * <p>Records compare by owner, type, class and rdata (dnsjava's {@code Record.equals}); TTLs are
 * the provider's business.
 */
public record ZoneKeySnapshot(
    ZoneName zone,
    SignerId provider,
    List<DNSKEYRecord> dnskeys,
    List<CDSRecord> cds,
    List<CDNSKEYRecord> cdnskeys,
    List<NSRecord> ns,
    Optional<SOARecord> soa,
    List<RRSIGRecord> signatures,
    Set<DNSKEYRecord> ownKeys,
    OwnKeySource ownKeySource,
    List<CSYNCRecord> csync) {

  /** How the adapter told its own keys from foreign ones. */
  public enum OwnKeySource {
    /** The provider's API lists its keys (PowerDNS cryptokeys, Cloudflare ZSK/KSK). */
    API,
    /** The signer's key manager (Knot keymgr) listed them. */
    KEY_MANAGER,
    /**
     * Inferred: the keys that sign the DNSKEY RRset or the SOA. A pre-published own key that does
     * not sign yet looks foreign this way; prefer a key-manager source where one exists.
     */
    SIGNATURES,
    /** Given to the adapter (in-memory). */
    DECLARED
  }

  public ZoneKeySnapshot {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(provider, "provider");
    dnskeys = sorted(dnskeys);
    cds = sorted(cds);
    cdnskeys = sorted(cdnskeys);
    ns = sorted(ns);
    Objects.requireNonNull(soa, "soa");
    signatures = sorted(signatures);
    ownKeys = Set.copyOf(ownKeys);
    Objects.requireNonNull(ownKeySource, "ownKeySource");
    csync = sorted(csync);
  }

  /** A snapshot without CSYNC (the signature before CSYNC was read). */
  public ZoneKeySnapshot(
      ZoneName zone,
      SignerId provider,
      List<DNSKEYRecord> dnskeys,
      List<CDSRecord> cds,
      List<CDNSKEYRecord> cdnskeys,
      List<NSRecord> ns,
      Optional<SOARecord> soa,
      List<RRSIGRecord> signatures,
      Set<DNSKEYRecord> ownKeys,
      OwnKeySource ownKeySource) {
    this(
        zone,
        provider,
        dnskeys,
        cds,
        cdnskeys,
        ns,
        soa,
        signatures,
        ownKeys,
        ownKeySource,
        List.of());
  }

  private static <R extends Record> List<R> sorted(Collection<R> records) {
    return records.stream()
        .distinct()
        .sorted(Comparator.comparing((R r) -> r.getType()).thenComparing(Record::rdataToString))
        .toList();
  }

  /** The DNSKEYs served that are not the provider's own. */
  public List<DNSKEYRecord> foreignDnskeys() {
    return dnskeys.stream().filter(k -> !ownKeys.contains(k)).toList();
  }

  /** True when a DNSKEY with this rdata is served. */
  public boolean serves(DNSKEYRecord key) {
    return dnskeys.contains(withOwner(key));
  }

  /** The RRSIGs that cover {@code type}. */
  public List<RRSIGRecord> signaturesOver(int type) {
    return signatures.stream().filter(s -> s.getTypeCovered() == type).toList();
  }

  /** Key tags of the keys whose RRSIGs cover the DNSKEY RRset. */
  public Set<Integer> dnskeySignerTags() {
    return tagsOver(Type.DNSKEY);
  }

  /** Key tags of the keys whose RRSIGs cover the SOA (the zone's data signers). */
  public Set<Integer> soaSignerTags() {
    return tagsOver(Type.SOA);
  }

  private Set<Integer> tagsOver(int type) {
    return signaturesOver(type).stream()
        .map(RRSIGRecord::getFootprint)
        .sorted()
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** True when the adapter saw signatures (it reads over DNS). */
  public boolean signed() {
    return !signatures.isEmpty();
  }

  /** The served records of {@code type} (DNSKEY, CDS, CDNSKEY, NS, CSYNC or SOA), no RRSIGs. */
  public List<? extends Record> records(int type) {
    return switch (type) {
      case Type.DNSKEY -> dnskeys;
      case Type.CDS -> cds;
      case Type.CDNSKEY -> cdnskeys;
      case Type.NS -> ns;
      case Type.CSYNC -> csync;
      case Type.SOA -> soa.stream().toList();
      default -> throw new IllegalArgumentException("not in a snapshot: " + Type.string(type));
    };
  }

  /** The served RRset of {@code type} with its RRSIGs, ready for {@code DNSSEC.verify}. */
  public RRset rrset(int type) {
    RRset set = new RRset();
    records(type).forEach(set::addRR);
    signaturesOver(type).forEach(set::addRR);
    return set;
  }

  /** The same record at this snapshot's zone apex (keys compare with their owner name). */
  public DNSKEYRecord withOwner(DNSKEYRecord key) {
    return key.getName().equals(zone.toName()) ? key : (DNSKEYRecord) key.withName(zone.toName());
  }

  /**
   * A digest of what the zone serves, as a resolver would see it over DNS: the SOA serial, the
   * DNSKEY, CDS, CDNSKEY, NS and CSYNC RRsets with their TTLs, and the tags of the keys whose
   * RRSIGs cover DNSKEY and SOA; not the own-key listing, which no DNS query shows. Two snapshots
   * of the same served state have the same digest whatever the transport ({@link
   * ChangeSignal.Scope} SERVED_KEYS compares it).
   */
  public long servedDigest() {
    StringBuilder b = new StringBuilder("soa=");
    b.append(soa.map(s -> Long.toString(s.getSerial())).orElse("-"));
    for (int type : new int[] {Type.DNSKEY, Type.CDS, Type.CDNSKEY, Type.NS, Type.CSYNC}) {
      b.append(' ').append(Type.string(type)).append('/');
      List<? extends Record> rrset = records(type);
      b.append(rrset.stream().mapToLong(Record::getTTL).max().orElse(0)).append(':');
      rrset.forEach(r -> b.append(r.rdataToString()).append('|'));
    }
    b.append(" dnskeySigners=").append(dnskeySignerTags());
    b.append(" soaSigners=").append(soaSignerTags());
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(hash).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** One line for logs: key tags only, never key material. */
  public String summary() {
    return "dnskey="
        + dnskeys.stream().map(k -> k.getFootprint() + (ownKeys.contains(k) ? "" : "*")).toList()
        + " cds="
        + cds.stream().map(CDSRecord::getFootprint).toList()
        + " cdnskey="
        + cdnskeys.stream().map(CDNSKEYRecord::getFootprint).toList()
        + " dnskeySigners="
        + dnskeySignerTags()
        + " soaSigners="
        + soaSignerTags()
        + " ns="
        + ns.size()
        + " csync="
        + csync.size();
  }
}
