package dev.multisigner.providers.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.PdnsKeystore;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.providers.ChangeSignal;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.LabAdapters;
import dev.multisigner.providers.ZoneKeySnapshot;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * PowerDNS's cheap change check on the real daemon: the served-state digest the probe gets over UDP
 * equals the one of a full read over TCP while nothing changes, and it moves, with the serial
 * standing still, when a key is added, activated, or the CDNSKEY publication is switched off and
 * on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServedDigestLabTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private DnsLab lab;
  private PdnsSigner pdns;
  private DnsProvider adapter;
  private SerialProbe probe;

  @BeforeAll
  void start() {
    lab = DnsLab.builder().zone(ZONE.value()).pdnsSigner("pdns-b").start();
    pdns = lab.pdns("pdns-b");
    adapter = LabAdapters.pdns(pdns);
    probe = new SerialProbe(SignerId.of("pdns-b"), pdns.dnsAddress(), Duration.ofSeconds(3), 16);
  }

  @AfterAll
  void stop() {
    if (probe != null) {
      probe.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void theDigestMatchesAFullReadAndMovesWithEveryKeyChangeWhileTheSerialStaysPut() {
    assertThat(adapter.changeSignal().scope()).isEqualTo(ChangeSignal.Scope.SERVED_KEYS);
    ZoneKeySnapshot first = adapter.read(ZONE);
    long serial = first.soa().orElseThrow().getSerial();
    assertThat(probe.servedDigest(ZONE).join()).isEqualTo(first.servedDigest());
    assertThat(probe.servedDigest(ZONE).join()).isEqualTo(adapter.read(ZONE).servedDigest());

    PdnsKeystore keys = new PdnsKeystore(pdns);
    PdnsKeystore.CryptoKey added = keys.add("zsk", false, true);
    long published = probe.servedDigest(ZONE).join();
    ZoneKeySnapshot withKey = adapter.read(ZONE);
    assertThat(published).isNotEqualTo(first.servedDigest()).isEqualTo(withKey.servedDigest());
    assertThat(withKey.soa().orElseThrow().getSerial()).isEqualTo(serial);

    keys.set(added, true, true);
    long active = probe.servedDigest(ZONE).join();
    ZoneKeySnapshot signing = adapter.read(ZONE);
    assertThat(active).isNotEqualTo(published).isEqualTo(signing.servedDigest());
    assertThat(signing.soaSignerTags()).contains(added.keyTag());
    assertThat(signing.dnskeys()).isEqualTo(withKey.dnskeys());

    // the lab's default-publish-cdnskey=1 applies while the zone has no such metadata; 0 makes
    // PowerDNS 4.7 serve the RFC 8078 delete CDNSKEY instead of its KSK's
    pdns.pdnsutil("set-meta", ZONE.value(), "PUBLISH-CDNSKEY", "0");
    long noCdnskey = probe.servedDigest(ZONE).join();
    ZoneKeySnapshot withoutCdnskey = adapter.read(ZONE);
    assertThat(withoutCdnskey.cdnskeys()).isNotEqualTo(signing.cdnskeys());
    assertThat(noCdnskey).isNotEqualTo(active).isEqualTo(withoutCdnskey.servedDigest());

    pdns.pdnsutil("set-meta", ZONE.value(), "PUBLISH-CDNSKEY", "1");
    assertThat(probe.servedDigest(ZONE).join()).isEqualTo(active);
    assertThat(adapter.read(ZONE).soa().orElseThrow().getSerial()).isEqualTo(serial);
  }
}
