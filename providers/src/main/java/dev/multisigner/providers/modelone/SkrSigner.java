package dev.multisigner.providers.modelone;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;

/**
 * Signs one model 1 DNSKEY RRset (the owner KSK and every member's ZSK) and the owner KSK's
 * CDS/CDNSKEY into a {@link SignedKeyResponse}: identical at every member, so a resolver that
 * cached one member's DNSKEY RRset validates every other member's answers (RFC 8901 §2.1.1) and a
 * parent's CDS scan reads the same CDS everywhere (RFC 9975, RFC 7344 §4.1).
 */
public final class SkrSigner {

  /**
   * When sections start and how long their signatures last.
   *
   * @param dnskeyTtl the DNSKEY RRset's TTL
   * @param interval time between sections (Knot re-reads the next section at its timestamp)
   * @param sections how many sections, the first at the start time
   * @param lifetime each section's signature validity from its timestamp; longer than {@code
   *     interval} so that consecutive sections overlap
   * @param backdate inception before each section's timestamp, for resolvers' clock skew (Knot's
   *     own sign-ksr uses 90 minutes)
   */
  public record Schedule(
      long dnskeyTtl, Duration interval, int sections, Duration lifetime, Duration backdate) {
    public Schedule {
      if (dnskeyTtl < 0 || sections < 1 || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException(
            "SKR schedule needs a TTL >= 0, at least one section and a positive interval");
      }
      if (lifetime.compareTo(interval) <= 0) {
        throw new IllegalArgumentException(
            "SKR signature lifetime " + lifetime + " must exceed the section interval " + interval);
      }
    }

    /** The last section's signatures expire this long after the start. */
    public Duration span() {
      return interval.multipliedBy(sections - 1L).plus(lifetime);
    }
  }

  private SkrSigner() {}

  /**
   * The SKR for {@code memberKeys} (every member's ZSKs; the owner KSK is added), sections from
   * {@code start} (truncated to the second).
   *
   * @throws IllegalArgumentException if a key is for another zone or of another algorithm
   */
  public static SignedKeyResponse sign(
      OwnerKsk ksk, Collection<DNSKEYRecord> memberKeys, Schedule schedule, Instant start) {
    Objects.requireNonNull(ksk, "ksk");
    DNSKEYRecord kskRecord = ksk.dnskey(schedule.dnskeyTtl());
    List<DNSKEYRecord> dnskeys = new ArrayList<>();
    dnskeys.add(kskRecord);
    for (DNSKEYRecord k : memberKeys) {
      if (!k.getName().equals(ksk.zone())) {
        throw new IllegalArgumentException(
            "zone=" + ksk.zone() + ": key " + k.getFootprint() + " belongs to " + k.getName());
      }
      if (k.getAlgorithm() != ksk.algorithm()) {
        throw new IllegalArgumentException(
            "zone="
                + ksk.zone()
                + ": member key "
                + k.getFootprint()
                + " has algorithm "
                + k.getAlgorithm()
                + ", the owner KSK "
                + ksk.algorithm()
                + " (RFC 8901 §4: every member signs with one algorithm)");
      }
      DNSKEYRecord withTtl =
          new DNSKEYRecord(
              k.getName(),
              DClass.IN,
              schedule.dnskeyTtl(),
              k.getFlags(),
              k.getProtocol(),
              k.getAlgorithm(),
              k.getKey());
      if (dnskeys.stream().noneMatch(d -> SignedKeyResponse.sameKey(d, withTtl))) {
        dnskeys.add(withTtl);
      }
    }
    // CDS/CDNSKEY of the owner KSK alone, TTL 0 as Knot's own sign-ksr writes them
    CDNSKEYRecord cdnskey =
        new CDNSKEYRecord(
            ksk.zone(),
            DClass.IN,
            0,
            kskRecord.getFlags(),
            kskRecord.getProtocol(),
            kskRecord.getAlgorithm(),
            kskRecord.getKey());
    CDSRecord cds = new CDSRecord(ksk.zone(), DClass.IN, 0, DSRecord.Digest.SHA256, kskRecord);
    Instant first = start.truncatedTo(ChronoUnit.SECONDS);
    List<SignedKeyResponse.Section> sections = new ArrayList<>();
    for (int i = 0; i < schedule.sections(); i++) {
      Instant at = first.plus(schedule.interval().multipliedBy(i));
      Instant inception = at.minus(schedule.backdate());
      Instant expiration = at.plus(schedule.lifetime());
      List<RRSIGRecord> sigs = new ArrayList<>();
      sigs.add(ksk.sign(rrset(dnskeys), inception, expiration));
      sigs.add(ksk.sign(rrset(List.of(cdnskey)), inception, expiration));
      sigs.add(ksk.sign(rrset(List.of(cds)), inception, expiration));
      sections.add(
          new SignedKeyResponse.Section(at, dnskeys, List.of(cdnskey), List.of(cds), sigs));
    }
    return new SignedKeyResponse(ksk.zone(), sections);
  }

  private static RRset rrset(List<? extends Record> records) {
    RRset set = new RRset();
    records.forEach(set::addRR);
    return set;
  }
}
