package dev.multisigner.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.MultiZoneLab;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.providers.powerdns.PowerDnsAdapter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real PowerDNS with its default caches (packet and query cache 20 s, key cache 30 s), as
 * production servers run it: a key imported or withdrawn through the adapter is in the very next
 * answer, over UDP and TCP alike, although both answers were just cached. The zone PATCH purges the
 * apex's cache entries, so the caches never make a change Multisigner wrote look older than it is;
 * only changes made around the API reach answers as entries expire (bench/README.md §15).
 */
class PdnsCachedImportLabTest {

  @Test
  void aKeyImportedOrWithdrawnThroughTheApiIsAnsweredAtOnceDespiteTheCaches() throws Exception {
    try (MultiZoneLab lab =
        MultiZoneLab.builder()
            .zones(MultiZoneLab.numberedZones(2, "test."))
            .knotSigner("knot-a")
            .pdnsSigner("pdns-b")
            .pdnsCaches(PdnsSigner.Caches.DEFAULTS)
            .start()) {
      PdnsSigner p = lab.pdns();
      Name apex = lab.zones().get(0);
      ZoneName zone = ZoneName.of(apex.toString());
      PowerDnsAdapter pdns = LabAdapters.pdns(p);
      DNSKEYRecord foreign = TestKeys.zsk(apex);

      long hitsBefore = packetCacheHits(p);
      for (boolean tcp : new boolean[] {false, true}) {
        assertThat(servedDnskeys(p, apex, tcp)).doesNotContain(foreign);
        assertThat(servedDnskeys(p, apex, tcp)).doesNotContain(foreign);
      }
      assertThat(packetCacheHits(p) - hitsBefore)
          .as("the repeated queries were answered from the packet cache")
          .isGreaterThanOrEqualTo(2);

      pdns.importDnskeys(zone, List.of(foreign));
      for (boolean tcp : new boolean[] {false, true}) {
        assertThat(servedDnskeys(p, apex, tcp))
            .as("tcp=%s right after the import", tcp)
            .contains(foreign);
        assertThat(servedDnskeys(p, apex, tcp)).contains(foreign);
      }

      pdns.withdrawDnskeys(zone, List.of(foreign));
      for (boolean tcp : new boolean[] {false, true}) {
        assertThat(servedDnskeys(p, apex, tcp))
            .as("tcp=%s right after the withdrawal", tcp)
            .doesNotContain(foreign);
      }
    }
  }

  private static long packetCacheHits(PdnsSigner p) {
    return Long.parseLong(p.pdnsControl("show", "packetcache-hit").trim());
  }

  /** The DNSKEY RRset a validator would get: a DO query, over UDP or TCP. */
  private static List<DNSKEYRecord> servedDnskeys(PdnsSigner p, Name apex, boolean tcp)
      throws Exception {
    SimpleResolver r = new SimpleResolver(p.dnsAddress());
    r.setTCP(tcp);
    r.setEDNS(0, 1232, Flags.DO, List.of());
    r.setTimeout(Duration.ofSeconds(3));
    Message answer = r.send(Message.newQuery(Record.newRecord(apex, Type.DNSKEY, 1)));
    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    return answer.getSection(Section.ANSWER).stream()
        .filter(DNSKEYRecord.class::isInstance)
        .map(DNSKEYRecord.class::cast)
        .toList();
  }
}
