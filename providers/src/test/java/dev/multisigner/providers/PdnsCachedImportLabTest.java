package dev.multisigner.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.MultiZoneLab;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.providers.powerdns.PowerDnsAdapter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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
 * answer, over UDP and TCP alike, although both answers were just cached: the zone PATCH purges the
 * apex's cache entries. Only changes made around the API reach answers as the caches expire
 * (bench/README.md §15).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PdnsCachedImportLabTest {

  private MultiZoneLab lab;
  private PdnsSigner p;

  @BeforeAll
  void startLab() {
    lab =
        MultiZoneLab.builder()
            .zones(MultiZoneLab.numberedZones(2, "test."))
            .knotSigner("knot-a")
            .pdnsSigner("pdns-b")
            .pdnsCaches(PdnsSigner.Caches.DEFAULTS)
            .start();
    p = lab.pdns();
  }

  @AfterAll
  void stopLab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void aKeyImportedOrWithdrawnThroughTheApiIsAnsweredAtOnceDespiteTheCaches() throws Exception {
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

  /**
   * A change made around the API (here with pdnsutil, as an operator's tool or PowerDNS's own key
   * handling would) is not in the answer cached just before it; it shows once the caches expire,
   * and then in the answers of other shapes too (UDP and TCP, RD set and clear, checked at once).
   * So with caches on, such a change reaches the collector up to the caches' TTL late, which a
   * signer's own pre-publication must allow for; the writes Multisigner makes do not wait.
   */
  @Test
  void aKeyAddedAroundTheApiShowsOnlyOnceTheCachesExpire() throws Exception {
    Name apex = lab.zones().get(1);
    DNSKEYRecord planted = TestKeys.zsk(apex);
    assertThat(servedDnskeys(p, apex, false, true)).doesNotContain(planted);
    p.pdnsutil("add-record", apex.toString(), "@", "DNSKEY", "60", planted.rdataToString());
    assertThat(servedDnskeys(p, apex, false, true))
        .as("the cached answer, right after the change")
        .doesNotContain(planted);

    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!servedDnskeys(p, apex, false, true).contains(planted)) {
      assertThat(System.nanoTime()).as("the key shows within 60 s").isLessThan(deadline);
      Thread.sleep(100);
    }
    assertThat(servedDnskeys(p, apex, true, true)).as("over TCP").contains(planted);
    assertThat(servedDnskeys(p, apex, false, false)).as("without RD").contains(planted);
  }

  private static long packetCacheHits(PdnsSigner p) {
    return Long.parseLong(p.pdnsControl("show", "packetcache-hit").trim());
  }

  /** The DNSKEY RRset a validator would get: a DO query, over UDP or TCP. */
  private static List<DNSKEYRecord> servedDnskeys(PdnsSigner p, Name apex, boolean tcp)
      throws Exception {
    return servedDnskeys(p, apex, tcp, true);
  }

  /** The same, with the RD bit set or clear. */
  private static List<DNSKEYRecord> servedDnskeys(PdnsSigner p, Name apex, boolean tcp, boolean rd)
      throws Exception {
    SimpleResolver r = new SimpleResolver(p.dnsAddress());
    r.setTCP(tcp);
    r.setEDNS(0, 1232, Flags.DO, List.of());
    r.setTimeout(Duration.ofSeconds(3));
    Message query = Message.newQuery(Record.newRecord(apex, Type.DNSKEY, 1));
    if (!rd) {
      query.getHeader().unsetFlag(Flags.RD);
    }
    Message answer = r.send(query);
    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    return answer.getSection(Section.ANSWER).stream()
        .filter(DNSKEYRecord.class::isInstance)
        .map(DNSKEYRecord.class::cast)
        .toList();
  }
}
