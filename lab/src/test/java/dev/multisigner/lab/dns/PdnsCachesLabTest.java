package dev.multisigner.lab.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The lab's PowerDNS runs with every cache off unless a benchmark asks for PowerDNS's defaults: on
 * the real server, repeated DO queries are answered from its packet cache only then.
 */
class PdnsCachesLabTest {

  @Test
  void powerDnsAnswersFromItsPacketCacheOnlyWithItsDefaultCaches() throws Exception {
    assertThat(packetCacheHitsAfterRepeatedQueries(PdnsSigner.Caches.OFF)).isZero();
    assertThat(packetCacheHitsAfterRepeatedQueries(PdnsSigner.Caches.DEFAULTS)).isGreaterThan(0);
  }

  private static long packetCacheHitsAfterRepeatedQueries(PdnsSigner.Caches caches)
      throws Exception {
    List<String> zones = MultiZoneLab.numberedZones(2, "test.");
    try (MultiZoneLab lab =
        MultiZoneLab.builder()
            .zones(zones)
            .knotSigner("knot-a")
            .pdnsSigner("pdns-b")
            .pdnsCaches(caches)
            .start()) {
      PdnsSigner pdns = lab.pdns();
      Name zone = lab.zones().get(0);
      for (int i = 0; i < 3; i++) {
        Message m =
            DnsQueries.query(
                pdns.dnsAddress(), zone, Type.DNSKEY, false, false, Duration.ofSeconds(3));
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(DnsQueries.signedAnswer(m, Type.DNSKEY)).isTrue();
      }
      return Long.parseLong(pdns.pdnsControl("show", "packetcache-hit").trim());
    }
  }
}
