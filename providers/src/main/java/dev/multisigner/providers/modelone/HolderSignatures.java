package dev.multisigner.providers.modelone;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The RRSIGs a model 1 KSK holder made for a member (RFC 8901 §2.1.1): over the DNSKEY RRset and
 * over its KSK's CDNSKEY and CDS (SHA-256) RRsets, possibly for several validity windows. The
 * decider carries them as signatures over the DNSKEY RRset; {@link #classify} finds, by
 * verification, which RRset each one covers, and {@link #skr} makes the SignedKeyResponse a Knot
 * member installs: one section per validity window.
 */
public final class HolderSignatures {

  private HolderSignatures() {}

  /** The CDNSKEY RRset of the RRset's KSKs (flags 257), TTL 0 as Knot's sign-ksr writes it. */
  public static List<CDNSKEYRecord> cdnskeys(Name zone, List<DNSKEYRecord> keys) {
    return cdnskeys(zone, keys, 0);
  }

  /** {@link #cdnskeys(Name, List)} with {@code ttl}. */
  static List<CDNSKEYRecord> cdnskeys(Name zone, List<DNSKEYRecord> keys, long ttl) {
    return keys.stream()
        .filter(k -> (k.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0)
        .map(
            k ->
                new CDNSKEYRecord(
                    zone,
                    DClass.IN,
                    ttl,
                    k.getFlags(),
                    k.getProtocol(),
                    k.getAlgorithm(),
                    k.getKey()))
        .toList();
  }

  /** The CDS RRset (SHA-256) of the RRset's KSKs, TTL 0. */
  public static List<CDSRecord> cds(Name zone, List<DNSKEYRecord> keys) {
    return cds(zone, keys, 0);
  }

  /** {@link #cds(Name, List)} with {@code ttl}. */
  static List<CDSRecord> cds(Name zone, List<DNSKEYRecord> keys, long ttl) {
    return keys.stream()
        .filter(k -> (k.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0)
        .map(k -> new CDSRecord(zone, DClass.IN, ttl, DSRecord.Digest.SHA256, k))
        .toList();
  }

  /**
   * The RRSIG {@code sig} really is: over the DNSKEY RRset {@code keys}, or over its KSKs' CDNSKEY
   * or CDS RRset, whichever it verifies for, by a KSK of {@code keys}; empty when it verifies for
   * none.
   */
  public static Optional<RRSIGRecord> classify(
      Name zone, List<DNSKEYRecord> keys, RRSIGRecord sig) {
    List<DNSKEYRecord> ksks =
        keys.stream()
            .filter(k -> (k.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0)
            .filter(k -> k.getFootprint() == sig.getFootprint())
            .toList();
    for (int type : new int[] {Type.DNSKEY, Type.CDNSKEY, Type.CDS}) {
      RRSIGRecord as = covering(sig, type);
      List<? extends Record> records =
          switch (type) {
            case Type.DNSKEY -> keys;
            case Type.CDNSKEY -> cdnskeys(zone, keys);
            default -> cds(zone, keys);
          };
      if (records.isEmpty()) {
        continue;
      }
      for (DNSKEYRecord ksk : ksks) {
        try {
          DNSSEC.verify(rrset(records), as, ksk, as.getTimeSigned());
          return Optional.of(as);
        } catch (DNSSEC.DNSSECException e) {
          // not this RRset or not this key: try the next
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The SKR a Knot member installs from the holder's RRSIGs: one section per validity window, at
   * its inception (plus a second), with the DNSKEY RRset and, where the holder signed them, the
   * CDNSKEY and CDS RRsets. RRSIGs that cover none of them are left out; the SKR's own {@link
   * SignedKeyResponse#check} then decides whether it is installed.
   *
   * @throws IllegalArgumentException when no RRSIG covers the DNSKEY RRset
   */
  public static SignedKeyResponse skr(Name zone, List<DNSKEYRecord> keys, List<RRSIGRecord> sigs) {
    Map<Instant, List<RRSIGRecord>> windows = new TreeMap<>();
    for (RRSIGRecord s : sigs) {
      classify(zone, keys, s)
          .ifPresent(
              c -> windows.computeIfAbsent(c.getTimeSigned(), t -> new ArrayList<>()).add(c));
    }
    List<SignedKeyResponse.Section> sections = new ArrayList<>();
    for (Map.Entry<Instant, List<RRSIGRecord>> w : windows.entrySet()) {
      List<RRSIGRecord> in = w.getValue();
      Optional<RRSIGRecord> overKeys =
          in.stream().filter(s -> s.getTypeCovered() == Type.DNSKEY).findFirst();
      if (overKeys.isEmpty()) {
        continue;
      }
      long ttl = overKeys.get().getOrigTTL();
      List<DNSKEYRecord> dnskeys =
          keys.stream()
              .map(
                  k ->
                      new DNSKEYRecord(
                          zone,
                          DClass.IN,
                          ttl,
                          k.getFlags(),
                          k.getProtocol(),
                          k.getAlgorithm(),
                          k.getKey()))
              .toList();
      // each RRset with the TTL its signature covers: keymgr import-skr checks the records as
      // written (a provider holder such as PowerDNS signs its CDS/CDNSKEY with their served TTL)
      Optional<RRSIGRecord> overCdnskey =
          in.stream().filter(s -> s.getTypeCovered() == Type.CDNSKEY).findFirst();
      Optional<RRSIGRecord> overCds =
          in.stream().filter(s -> s.getTypeCovered() == Type.CDS).findFirst();
      sections.add(
          new SignedKeyResponse.Section(
              w.getKey().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1),
              dnskeys,
              overCdnskey.map(g -> cdnskeys(zone, keys, g.getOrigTTL())).orElse(List.of()),
              overCds.map(g -> cds(zone, keys, g.getOrigTTL())).orElse(List.of()),
              in));
    }
    if (sections.isEmpty()) {
      throw new IllegalArgumentException(
          "zone=" + zone + ": no RRSIG of the KSK holder covers the DNSKEY RRset to install");
    }
    return new SignedKeyResponse(zone, sections);
  }

  private static RRSIGRecord covering(RRSIGRecord s, int type) {
    return new RRSIGRecord(
        s.getName(),
        s.getDClass(),
        s.getTTL(),
        type,
        s.getAlgorithm(),
        s.getOrigTTL(),
        s.getExpire(),
        s.getTimeSigned(),
        s.getFootprint(),
        s.getSigner(),
        s.getSignature());
  }

  private static RRset rrset(List<? extends Record> records) {
    RRset set = new RRset();
    records.forEach(set::addRR);
    return set;
  }
}
