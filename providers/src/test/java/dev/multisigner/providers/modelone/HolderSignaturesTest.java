package dev.multisigner.providers.modelone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;

/**
 * The SKR made from a KSK holder's signatures carries each RRset with the TTL its signature covers:
 * a provider holder (PowerDNS) signs its served CDS and CDNSKEY with their served TTL, and Knot's
 * {@code keymgr import-skr} checks the records as written, so CDS/CDNSKEY written with TTL 0 under
 * a signature over TTL 10 were refused ("no valid signature for a record").
 */
class HolderSignaturesTest {

  private static final Name ZONE = Name.fromConstantString("m1.test.");

  @Test
  void cdsAndCdnskeyKeepTheTtlTheHolderSignedThemWith(@TempDir Path dir) throws Exception {
    FileOwnerKsk holder = FileOwnerKsk.generate(ZONE, 13, dir.resolve("holder.pem"));
    DNSKEYRecord ksk = holder.dnskey(10);
    DNSKEYRecord zsk =
        new DNSKEYRecord(
            ZONE,
            ksk.getDClass(),
            10,
            256,
            3,
            13,
            FileOwnerKsk.generate(ZONE, 13, dir.resolve("zsk.pem")).dnskey(10).getKey());
    List<DNSKEYRecord> keys = List.of(ksk, zsk);
    Instant from = Instant.now().minus(Duration.ofHours(1));
    Instant until = from.plus(Duration.ofDays(10));
    List<RRSIGRecord> sigs =
        List.of(
            holder.sign(rrset(keys), from, until),
            holder.sign(rrset(HolderSignatures.cds(ZONE, keys, 10)), from, until),
            holder.sign(rrset(HolderSignatures.cdnskeys(ZONE, keys, 10)), from, until));

    SignedKeyResponse skr = HolderSignatures.skr(ZONE, keys, sigs);

    SignedKeyResponse.Section s = skr.sections().get(0);
    assertThat(s.cds()).singleElement().satisfies(r -> assertThat(r.getTTL()).isEqualTo(10));
    assertThat(s.cdnskeys()).singleElement().satisfies(r -> assertThat(r.getTTL()).isEqualTo(10));
    assertThat(s.rrsigs()).hasSize(3);
    skr.check(ksk, Instant.now(), Duration.ofMinutes(1));
  }

  private static RRset rrset(List<? extends Record> records) {
    RRset set = new RRset();
    records.forEach(set::addRR);
    return set;
  }
}
