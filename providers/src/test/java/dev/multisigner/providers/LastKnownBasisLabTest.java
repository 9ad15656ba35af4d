package dev.multisigner.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.providers.LastKnownBasis.ReadReason;
import dev.multisigner.providers.powerdns.PowerDnsAdapter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/**
 * Writes planned from the last known state instead of a read, on a real Knot (RFC 2136 UPDATE with
 * prerequisites) and a real PowerDNS (records-table check before the PATCH): in the common case a
 * write reads nothing; a change made meanwhile by someone else makes the provider refuse the basis
 * (NXRRSET at Knot), and the write is planned again from one read and lands without losing that
 * change; a repeated command is a no-op confirmed by one read; a change the provider lost is
 * written again. The adapter's reads and writes are counted by a wrapper around the real adapter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LastKnownBasisLabTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final Name APEX = ZONE.toName();

  private DnsLab lab;
  private final Map<String, DnsProvider> plain = new java.util.HashMap<>();
  private final Map<String, ZoneKeySnapshot> initial = new java.util.HashMap<>();

  @BeforeAll
  void startLab() {
    lab = DnsLab.builder().zone(ZONE.value()).knotSigner("knot-a").pdnsSigner("pdns-b").start();
    KnotSigner k = lab.knot("knot-a");
    PdnsSigner p = lab.pdns("pdns-b");
    plain.put("knot", LabAdapters.knot(k));
    plain.put("pdns", LabAdapters.pdns(p));
    plain.forEach((name, provider) -> initial.put(name, provider.read(ZONE)));
  }

  @AfterAll
  void stopLab() {
    if (lab != null) {
      lab.close();
    }
  }

  /** Each case leaves both signers as they started: no foreign key, the first CDS/CDNSKEY. */
  @AfterEach
  void restore() {
    plain.forEach(
        (name, provider) -> {
          ZoneKeySnapshot now = provider.read(ZONE);
          provider.withdrawDnskeys(ZONE, foreign(now));
          ZoneKeySnapshot first = initial.get(name);
          provider.replaceCdsCdnskey(ZONE, first.cds(), first.cdnskeys());
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"knot", "pdns"})
  void writesWithoutReadingFirstOnceTheStateIsKnown(String signer) {
    Counting counted = new Counting(plain.get(signer));
    LastKnownBasis writer = LastKnownBasis.around(counted, true, 100);
    assertThat(writer.remembers()).as("%s checks the basis on write", signer).isTrue();
    DNSKEYRecord k1 = TestKeys.zsk(APEX);
    DNSKEYRecord k2 = TestKeys.zsk(APEX);

    assertThat(writer.importDnskeys(ZONE, List.of(k1)).isEmpty()).isFalse();
    assertThat(counted.reads.get()).as("the first write reads the zone once").isEqualTo(1);

    assertThat(writer.importDnskeys(ZONE, List.of(k2)).isEmpty()).isFalse();
    assertThat(writer.withdrawDnskeys(ZONE, List.of(k1)).isEmpty()).isFalse();
    List<CDSRecord> cds = List.of(TestKeys.cds(k2));
    List<CDNSKEYRecord> cdnskeys = List.of(TestKeys.cdnskey(k2));
    assertThat(writer.replaceCdsCdnskey(ZONE, cds, cdnskeys).isEmpty()).isFalse();

    assertThat(counted.reads.get()).as("three more writes, no read before any").isEqualTo(1);
    assertThat(counted.applies.get()).as("one write per command").isEqualTo(4);
    assertThat(writer.reads(ReadReason.CONFLICT)).isZero();
    ZoneKeySnapshot served = plain.get(signer).read(ZONE);
    assertThat(served.dnskeys()).contains(k2).doesNotContain(k1);
    assertThat(served.cds()).containsAll(cds);
    assertThat(served.cdnskeys()).containsAll(cdnskeys);
  }

  @ParameterizedTest
  @ValueSource(strings = {"knot", "pdns"})
  void aChangeMadeMeanwhileIsRefusedThenReplannedWithoutLosingIt(String signer) {
    DnsProvider other = plain.get(signer);
    Counting counted = new Counting(other);
    LastKnownBasis writer = LastKnownBasis.around(counted, true, 100);
    DNSKEYRecord mine = TestKeys.zsk(APEX);
    DNSKEYRecord theirs = TestKeys.zsk(APEX);
    DNSKEYRecord next = TestKeys.zsk(APEX);
    writer.importDnskeys(ZONE, List.of(mine));

    // someone else (an operator, another writer) adds a key the writer does not know about
    other.importDnskeys(ZONE, List.of(theirs));
    int appliesBefore = counted.applies.get();
    int readsBefore = counted.reads.get();
    ProviderPlan plan = writer.importDnskeys(ZONE, List.of(next));

    assertThat(writer.reads(ReadReason.CONFLICT))
        .as("the provider refused the stale basis once, and the writer asked again once")
        .isEqualTo(1);
    assertThat(counted.dnskeyQueries.get())
        .as("an import asks only for the served DNSKEY RRset after a refusal")
        .isEqualTo(1);
    assertThat(counted.reads.get()).as("no full read (no keymgr)").isEqualTo(readsBefore);
    assertThat(counted.applies.get() - appliesBefore)
        .as("the refused write, then the replanned one")
        .isEqualTo(2);
    assertThat(plan.lines()).hasSize(1);
    assertThat(plan.basis().dnskeys()).as("the new plan's basis").contains(theirs);
    ZoneKeySnapshot served = other.read(ZONE);
    assertThat(served.dnskeys()).as("no key lost").contains(mine, theirs, next);

    // the zone was forgotten (planned from a partial state): the next write reads it first
    DNSKEYRecord fourth = TestKeys.zsk(APEX);
    writer.importDnskeys(ZONE, List.of(fourth));
    assertThat(counted.reads.get()).isEqualTo(readsBefore + 1);
    assertThat(writer.reads(ReadReason.UNKNOWN)).isEqualTo(2);

    // and a key removed meanwhile is not written back by a stale plan
    other.withdrawDnskeys(ZONE, List.of(theirs));
    DNSKEYRecord last = TestKeys.zsk(APEX);
    writer.importDnskeys(ZONE, List.of(last));
    assertThat(writer.reads(ReadReason.CONFLICT)).isEqualTo(2);
    assertThat(other.read(ZONE).dnskeys())
        .contains(mine, next, fourth, last)
        .doesNotContain(theirs);
  }

  /**
   * PowerDNS's write tells its own keys by the basis's listing instead of asking the cryptokeys
   * endpoint again, unless the records table holds a key the basis calls own: after a refused basis
   * the replanned import takes the keys it did not know as own (a guess), and stripping those from
   * the records table would delete a foreign key. Then it lists, and keeps the key.
   */
  @org.junit.jupiter.api.Test
  void powerDnsTellsItsOwnKeysByTheBasisUnlessTheRecordsTableContradictsIt() {
    PowerDnsAdapter pdns = (PowerDnsAdapter) plain.get("pdns");
    LastKnownBasis writer = LastKnownBasis.around(pdns, true, 100);
    long listings = pdns.ownKeyListings();
    long byBasis = pdns.writesWithBasisOwnKeys();
    DNSKEYRecord k1 = TestKeys.zsk(APEX);
    DNSKEYRecord k2 = TestKeys.zsk(APEX);

    writer.importDnskeys(ZONE, List.of(k1));
    writer.importDnskeys(ZONE, List.of(k2));
    writer.replaceCdsCdnskey(ZONE, List.of(TestKeys.cds(k2)), List.of(TestKeys.cdnskey(k2)));

    assertThat(pdns.ownKeyListings() - listings)
        .as("one listing, for the first write's read; none for the three writes")
        .isEqualTo(1);
    assertThat(pdns.writesWithBasisOwnKeys() - byBasis).isEqualTo(3);

    // someone else adds a key to the records table; the next import is refused, then replanned
    // from the served DNSKEY RRset, which takes that key as own
    DNSKEYRecord theirs = TestKeys.zsk(APEX);
    DNSKEYRecord next = TestKeys.zsk(APEX);
    plain.get("pdns").importDnskeys(ZONE, List.of(theirs));
    long listingsBefore = pdns.ownKeyListings();
    long byBasisBefore = pdns.writesWithBasisOwnKeys();
    writer.importDnskeys(ZONE, List.of(next));

    assertThat(writer.reads(ReadReason.CONFLICT)).isEqualTo(1);
    assertThat(pdns.ownKeyListings())
        .as("the records table holds a key the replanned basis calls own: listed")
        .isGreaterThan(listingsBefore);
    assertThat(pdns.writesWithBasisOwnKeys())
        .as("only the refused write used the basis")
        .isEqualTo(byBasisBefore + 1);
    assertThat(pdns.read(ZONE).dnskeys()).as("no key lost").contains(k1, k2, theirs, next);
  }

  @ParameterizedTest
  @ValueSource(strings = {"knot", "pdns"})
  void aWithdrawAfterAChangeMeanwhileIsPlannedFromAFullRead(String signer) {
    DnsProvider other = plain.get(signer);
    Counting counted = new Counting(other);
    LastKnownBasis writer = LastKnownBasis.around(counted, true, 100);
    DNSKEYRecord mine = TestKeys.zsk(APEX);
    DNSKEYRecord theirs = TestKeys.zsk(APEX);
    writer.importDnskeys(ZONE, List.of(mine));
    other.importDnskeys(ZONE, List.of(theirs));
    int readsBefore = counted.reads.get();

    ProviderPlan plan = writer.withdrawDnskeys(ZONE, List.of(mine));

    assertThat(plan.lines()).hasSize(1);
    assertThat(counted.reads.get())
        .as("a write that removes reads the zone (own keys included) after a refusal")
        .isEqualTo(readsBefore + 1);
    assertThat(counted.dnskeyQueries.get()).isZero();
    assertThat(other.read(ZONE).dnskeys()).contains(theirs).doesNotContain(mine);
  }

  @ParameterizedTest
  @ValueSource(strings = {"knot", "pdns"})
  void aRepeatedCommandIsANoOpConfirmedByOneRead(String signer) {
    Counting counted = new Counting(plain.get(signer));
    LastKnownBasis writer = LastKnownBasis.around(counted, true, 100);
    DNSKEYRecord k = TestKeys.zsk(APEX);
    writer.importDnskeys(ZONE, List.of(k));
    int applies = counted.applies.get();

    ProviderPlan again = writer.importDnskeys(ZONE, List.of(k));

    assertThat(again.isEmpty()).as("changed=false").isTrue();
    assertThat(counted.applies.get()).as("nothing written").isEqualTo(applies);
    assertThat(writer.reads(ReadReason.CONFIRM)).as("checked against the provider").isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"knot", "pdns"})
  void aChangeTheProviderLostIsWrittenAgain(String signer) {
    DnsProvider other = plain.get(signer);
    LastKnownBasis writer = LastKnownBasis.around(new Counting(other), true, 100);
    DNSKEYRecord k = TestKeys.zsk(APEX);
    writer.importDnskeys(ZONE, List.of(k));
    other.withdrawDnskeys(ZONE, List.of(k));

    ProviderPlan again = writer.importDnskeys(ZONE, List.of(k));

    assertThat(again.isEmpty()).as("the last known state said done; the read said not").isFalse();
    assertThat(other.read(ZONE).dnskeys()).contains(k);
  }

  @ParameterizedTest
  @ValueSource(strings = {"knot", "pdns"})
  void readModeReadsBeforeEveryWrite(String signer) {
    Counting counted = new Counting(plain.get(signer));
    LastKnownBasis writer = LastKnownBasis.around(counted, false, 100);
    writer.importDnskeys(ZONE, List.of(TestKeys.zsk(APEX)));
    writer.importDnskeys(ZONE, List.of(TestKeys.zsk(APEX)));

    assertThat(writer.remembers()).isFalse();
    assertThat(counted.reads.get()).isEqualTo(2);
    assertThat(writer.reads(ReadReason.UNKNOWN)).isEqualTo(2);
  }

  private static List<DNSKEYRecord> foreign(ZoneKeySnapshot s) {
    Set<DNSKEYRecord> own = new HashSet<>(s.ownKeys());
    return s.dnskeys().stream().filter(k -> !own.contains(k)).toList();
  }

  /** The real adapter, its reads and writes counted; its writes are DnsProvider's own. */
  private static final class Counting implements DnsProvider {
    private final DnsProvider real;
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger dnskeyQueries = new AtomicInteger();
    final AtomicInteger applies = new AtomicInteger();

    Counting(DnsProvider real) {
      this.real = real;
    }

    @Override
    public ZoneKeySnapshot read(ZoneName zone) {
      reads.incrementAndGet();
      return real.read(zone);
    }

    @Override
    public List<DNSKEYRecord> servedDnskeys(ZoneName zone) {
      dnskeyQueries.incrementAndGet();
      return real.servedDnskeys(zone);
    }

    @Override
    public void apply(ProviderPlan plan) {
      applies.incrementAndGet();
      real.apply(plan);
    }

    @Override
    public boolean checksBasisOnWrite() {
      return real.checksBasisOnWrite();
    }

    @Override
    public SignerId id() {
      return real.id();
    }

    @Override
    public String kind() {
      return real.kind();
    }

    @Override
    public dev.multisigner.domain.model.Capabilities capabilities() {
      return real.capabilities();
    }

    @Override
    public ProviderLimits limits() {
      return real.limits();
    }
  }
}
