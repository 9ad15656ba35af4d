package dev.multisigner.providers.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.dns.DnsKeyReader.OwnKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A full read's queries sent together, against a real Knot and a real PowerDNS: the snapshot holds
 * exactly what one query per type answers, and many reads of the zone at once from as many threads
 * each get all of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsKeyReaderLabTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final int[] TYPES = {
    Type.SOA, Type.DNSKEY, Type.CDS, Type.CDNSKEY, Type.NS, Type.CSYNC
  };

  private DnsLab lab;

  @BeforeAll
  void startLab() {
    lab = DnsLab.builder().zone(ZONE.value()).knotSigner("knot-a").pdnsSigner("pdns-b").start();
  }

  @AfterAll
  void stopLab() {
    if (lab != null) {
      lab.close();
    }
  }

  private DnsKeyReader reader(String signer) {
    LabSigner s = "knot".equals(signer) ? lab.knot("knot-a") : lab.pdns("pdns-b");
    return new DnsKeyReader(SignerId.of(s.id()), s.dnsAddress(), Duration.ofSeconds(3));
  }

  /** What one query per type, one after the other, answers (records and their RRSIGs). */
  private static Set<String> oneByOne(DnsKeyReader reader) {
    Set<String> out = new HashSet<>();
    for (int type : TYPES) {
      reader.query(ZONE, type).forEach(r -> out.add(text(r)));
    }
    return out;
  }

  private static Set<String> records(ZoneKeySnapshot s) {
    Set<String> out = new HashSet<>();
    List<Record> all = new ArrayList<>(s.dnskeys());
    all.addAll(s.cds());
    all.addAll(s.cdnskeys());
    all.addAll(s.ns());
    s.soa().ifPresent(all::add);
    all.addAll(s.signatures());
    all.forEach(r -> out.add(text(r)));
    s.csync().forEach(r -> out.add(text(r)));
    return out;
  }

  /**
   * A record as text; an RRSIG by what it covers and its key only (PowerDNS signs live, and an
   * ECDSA signature differs at each signing).
   */
  private static String text(Record r) {
    return r instanceof RRSIGRecord s
        ? "RRSIG " + Type.string(s.getTypeCovered()) + " " + s.getFootprint()
        : r.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"knot", "pdns"})
  void aReadHoldsWhatOneQueryPerTypeAnswers(String signer) {
    DnsKeyReader reader = reader(signer);

    ZoneKeySnapshot read = reader.read(ZONE, OwnKeys.fromSignatures());

    assertThat(read.dnskeys()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(read.cds()).isNotEmpty();
    assertThat(read.ns()).isNotEmpty();
    assertThat(read.soa()).isPresent();
    assertThat(read.ownKeys()).as("its own keys sign the DNSKEY RRset").isNotEmpty();
    assertThat(records(read)).isEqualTo(oneByOne(reader));
  }

  @ParameterizedTest
  @ValueSource(strings = {"knot", "pdns"})
  void manyReadsAtOnceEachGetTheWholeZone(String signer) throws Exception {
    DnsKeyReader reader = reader(signer);
    Set<String> expected = oneByOne(reader);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<ZoneKeySnapshot>> reads = new ArrayList<>();
      for (int i = 0; i < 48; i++) {
        reads.add(pool.submit(() -> reader.read(ZONE, OwnKeys.fromSignatures())));
      }
      for (Future<ZoneKeySnapshot> f : reads) {
        assertThat(records(f.get())).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
