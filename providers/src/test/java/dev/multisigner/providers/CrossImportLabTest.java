package dev.multisigner.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Type;

/**
 * RFC 8901 model 2 through the adapters, on real Knot and PowerDNS: each signer's ZSKs go into the
 * other's DNSKEY RRset, the CDS/CDNSKEY set becomes the same at both (RFC 8901 §8), and each
 * signer's data signatures then validate with the other signer's DNSKEY RRset.
 */
class CrossImportLabTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private final ProviderPlanner planner = new ProviderPlanner();

  @Test
  void crossImportsZsksAndUnifiesCdsSoEachSignersDataValidatesWithTheOthersKeys() throws Exception {
    try (DnsLab lab =
        DnsLab.builder().zone(ZONE.value()).knotSigner("knot-a").pdnsSigner("pdns-b").start()) {
      KnotSigner k = lab.knot("knot-a");
      PdnsSigner p = lab.pdns("pdns-b");
      DnsProvider knot = LabAdapters.knot(k);
      DnsProvider pdns = LabAdapters.pdns(p);

      ZoneKeySnapshot knotBefore = knot.read(ZONE);
      ZoneKeySnapshot pdnsBefore = pdns.read(ZONE);
      assertThat(validatesWith(knotBefore, pdnsBefore))
          .as("before: Knot data, PowerDNS keys")
          .isFalse();

      Set<CDSRecord> cds = new HashSet<>(knotBefore.cds());
      cds.addAll(pdnsBefore.cds());
      Set<CDNSKEYRecord> cdnskeys = new HashSet<>(knotBefore.cdnskeys());
      cdnskeys.addAll(pdnsBefore.cdnskeys());
      DesiredKeys forKnot = new DesiredKeys(zsks(pdnsBefore), cds, cdnskeys);
      DesiredKeys forPdns = new DesiredKeys(zsks(knotBefore), cds, cdnskeys);

      converge(knot, forKnot);
      converge(pdns, forPdns);

      ZoneKeySnapshot knotAfter = knot.read(ZONE);
      ZoneKeySnapshot pdnsAfter = pdns.read(ZONE);
      assertThat(new HashSet<>(knotAfter.cds())).isEqualTo(new HashSet<>(pdnsAfter.cds()));
      assertThat(new HashSet<>(knotAfter.cdnskeys()))
          .isEqualTo(new HashSet<>(pdnsAfter.cdnskeys()));
      assertThat(validatesWith(knotAfter, pdnsAfter)).as("Knot data, PowerDNS keys").isTrue();
      assertThat(validatesWith(pdnsAfter, knotAfter)).as("PowerDNS data, Knot keys").isTrue();
    }
  }

  /** Plans, applies the reviewed plan, and checks that re-planning finds nothing to do. */
  private void converge(DnsProvider provider, DesiredKeys desired) {
    ProviderPlan plan = planner.plan(desired, provider.read(ZONE), provider.capabilities());
    assertThat(plan.lines()).hasSize(3); // + DNSKEY (the other's ZSK), + CDNSKEY, + CDS
    planner.apply(provider, plan, plan.hash());
    assertThat(planner.plan(desired, provider.read(ZONE), provider.capabilities()).lines())
        .as("re-plan at " + provider.id())
        .isEmpty();
  }

  private static Set<DNSKEYRecord> zsks(ZoneKeySnapshot s) {
    Set<DNSKEYRecord> zsks = new HashSet<>();
    s.ownKeys().stream()
        .filter(key -> (key.getFlags() & DNSKEYRecord.Flags.SEP_KEY) == 0)
        .forEach(zsks::add);
    return zsks;
  }

  /**
   * True when {@code data}'s SOA RRSIG verifies with a key in {@code keys}' DNSKEY RRset, and that
   * RRset is signed by {@code keys}' own KSK: what a resolver that cached {@code keys}' DNSKEY
   * RRset does with an answer from {@code data}'s signer.
   */
  private static boolean validatesWith(ZoneKeySnapshot data, ZoneKeySnapshot keys)
      throws Exception {
    for (RRSIGRecord ksig : keys.signaturesOver(Type.DNSKEY)) {
      for (DNSKEYRecord ksk : keys.ownKeys()) {
        if (ksk.getFootprint() == ksig.getFootprint()) {
          DNSSEC.verify(keys.rrset(Type.DNSKEY), ksig, ksk, Instant.now());
        }
      }
    }
    for (RRSIGRecord sig : data.signaturesOver(Type.SOA)) {
      for (DNSKEYRecord key : keys.dnskeys()) {
        if (key.getFootprint() == sig.getFootprint() && key.getAlgorithm() == sig.getAlgorithm()) {
          try {
            DNSSEC.verify(data.rrset(Type.SOA), sig, key, Instant.now());
            return true;
          } catch (DNSSEC.DNSSECException e) {
            // a tag collision or a wrong key: try the next one
          }
        }
      }
    }
    return false;
  }
}
