package dev.multisigner.collector;

import static dev.multisigner.collector.CollectorFixtures.observationsUntil;
import static dev.multisigner.collector.CollectorFixtures.observed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.collector.notify.NotifyListener;
import dev.multisigner.collector.observe.ChangeDetector;
import dev.multisigner.collector.observe.ObservationService;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.PdnsKeystore;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.dns.DnsKeyReader;
import dev.multisigner.providers.powerdns.PowerDnsAdapter;
import dev.multisigner.providers.rfc2136.Rfc2136Adapter;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import dev.multisigner.support.signers.SignerRegistry;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Cheap change detection against a real Knot and a real PowerDNS on the embedded broker: Knot's
 * zone is read fully once and then only its SOA serial is asked, until the serial moves, and a
 * re-read whose served DNSKEYs keymgr already listed does not run keymgr again, nor one whose key
 * that signs nothing PowerDNS lists as its own (an imported ZSK); PowerDNS, whose key changes do
 * not move the serial, is read fully once and then only its served key state is asked (serial,
 * DNSKEY, CDS, CDNSKEY, NS, CSYNC and who signs), so a key added or activated through its
 * cryptokeys API is seen by the check and read fully; and PowerDNS's NOTIFY (configured in the
 * running server) reaches a second collector that does not poll.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChangeDetectionTest {

  private static final String ZONE = "example.test.";
  private static final String KNOT = "knot-a";
  private static final String PDNS = "pdns-b";

  @TempDir static Path dir;
  private DnsLab lab;
  private EmbeddedKafka kafka;
  private ApplicationContext collector;
  private ApplicationContext notified;
  private TopicProbe probe;

  @BeforeAll
  void start() {
    lab = DnsLab.builder().zone(ZONE).knotSigner(KNOT).pdnsSigner(PDNS).start();
    kafka = CollectorFixtures.broker(dir.resolve("kafka"));
    Map<String, Object> p = new HashMap<>(CollectorFixtures.knot(KNOT, lab.knot(KNOT)));
    p.put("multisigner.signers." + KNOT + ".keymgr", "keymgr -c " + lab.knot(KNOT).configFile());
    p.putAll(CollectorFixtures.pdns(PDNS, lab.pdns(PDNS)));
    p.put("multisigner.collector.poll-interval", "300ms");
    p.put("multisigner.collector.poll-initial-delay", "0s");
    p.put("multisigner.collector.full-resync-interval", "10m");
    collector = CollectorFixtures.collector(kafka, p);
    // A collector that reads PowerDNS only on NOTIFY: one poll at start, the next in an hour.
    Map<String, Object> n = new HashMap<>(CollectorFixtures.pdns(PDNS, lab.pdns(PDNS)));
    n.put("multisigner.collector.poll-interval", "1h");
    n.put("multisigner.collector.poll-initial-delay", "0s");
    n.put("multisigner.collector.notify.enabled", true);
    n.put("multisigner.collector.notify.port", 0);
    notified = CollectorFixtures.collector(kafka, n);
    probe = new TopicProbe(kafka.bootstrapServers());
    CollectorFixtures.enroll(probe, ZONE, List.of(KNOT, PDNS));
    CollectorFixtures.awaitManaged(collector, ZONE);
    CollectorFixtures.awaitManaged(notified, ZONE);
  }

  @AfterAll
  void stop() {
    if (probe != null) {
      probe.close();
    }
    for (ApplicationContext c : new ApplicationContext[] {collector, notified}) {
      if (c != null) {
        c.close();
      }
    }
    if (kafka != null) {
      kafka.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void unchangedZonesAreCheckedCheaplyAndNotReadAgainAtKnotNorAtPowerDns() {
    ObservationService service = collector.getBean(ObservationService.class);
    ChangeDetector detector = collector.getBean(ChangeDetector.class);
    observationsUntil(
        probe, ZONE, l -> !observed(l, KNOT).isEmpty() && !observed(l, PDNS).isEmpty());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                service.lastFullRead(ZONE, KNOT).isPresent()
                    && service.lastFullRead(ZONE, PDNS).isPresent());
    long knotReads = service.fullReads(ZONE, KNOT);
    long pdnsReads = service.fullReads(ZONE, PDNS);
    long checks = detector.checks();
    long changes = detector.changes();

    // 300 ms polls: 16 checks are about 8 polls of both signers
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> detector.checks() >= checks + 16);

    assertThat(detector.changes()).isEqualTo(changes);
    assertThat(service.fullReads(ZONE, KNOT)).isEqualTo(knotReads);
    assertThat(service.fullReads(ZONE, PDNS)).isEqualTo(pdnsReads);
  }

  @Test
  @Order(2)
  void aKeyImportedAtKnotThatPowerDnsListsAsItsOwnIsToldWithoutKeymgrAPlantedOneWithIt()
      throws Exception {
    Rfc2136Adapter knot = knotAdapter();
    ZoneName zone = ZoneName.of(ZONE);
    Dnskey pdnsZsk =
        lastObserved(PDNS).getOwnKeys().stream()
            .filter(k -> k.getFlags() == 256)
            .findFirst()
            .orElseThrow();
    DNSKEYRecord imported =
        new DNSKEYRecord(
            zone.toName(),
            DClass.IN,
            10,
            pdnsZsk.getFlags(),
            pdnsZsk.getProtocol(),
            pdnsZsk.getAlgorithm(),
            pdnsZsk.getPublicKey().array());
    long listings = knot.ownKeyListings();

    // as a signer writer does for model 2: PowerDNS's ZSK into Knot's DNSKEY RRset
    knot.importDnskeys(zone, List.of(imported));

    SignerKeysObserved withImport =
        firstObserved(KNOT, o -> tags(o.getDnskeys()).contains(imported.getFootprint()));
    assertThat(tags(withImport.getOwnKeys())).doesNotContain(imported.getFootprint()).isNotEmpty();
    assertThat(knot.ownKeyListings()).as("PowerDNS lists it: keymgr not asked").isEqualTo(listings);

    // a key no signer lists signs nothing at Knot: keymgr tells whose it is
    DNSKEYRecord planted = foreignZsk();
    knot.importDnskeys(zone, List.of(planted));
    SignerKeysObserved withPlanted =
        firstObserved(KNOT, o -> tags(o.getDnskeys()).contains(planted.getFootprint()));
    assertThat(tags(withPlanted.getOwnKeys()))
        .doesNotContain(planted.getFootprint(), imported.getFootprint())
        .isEqualTo(tags(withImport.getOwnKeys()));
    assertThat(knot.ownKeyListings()).isGreaterThan(listings);

    knot.withdrawDnskeys(zone, List.of(imported, planted));
    firstObserved(KNOT, o -> tags(o.getRemoved()).contains(imported.getFootprint()));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !tags(lastObserved(KNOT).getDnskeys()).contains(imported.getFootprint())
                    && !tags(lastObserved(KNOT).getDnskeys()).contains(planted.getFootprint()));
  }

  @Test
  @Order(3)
  void aKnotKeyRollMovesTheSerialAndIsObservedWithKeymgrAndAReSignWithoutIt() {
    ObservationService service = collector.getBean(ObservationService.class);
    long knownSerial = service.lastFullRead(ZONE, KNOT).orElseThrow().soaSerial();
    long knotReads = service.fullReads(ZONE, KNOT);
    long listings = knotAdapter().ownKeyListings();
    // every key Knot served so far, the previous test's imported ones included
    Set<Integer> before =
        observed(observationsUntil(probe, ZONE, l -> !observed(l, KNOT).isEmpty()), KNOT).stream()
            .flatMap(o -> tags(o.getDnskeys()).stream())
            .collect(Collectors.toSet());

    new KnotKeystore(lab.knot(KNOT)).rollZsk();

    SignerKeysObserved rolled = firstObserved(KNOT, o -> !before.containsAll(tags(o.getDnskeys())));
    assertThat(rolled.getSoaSerial()).isNotEqualTo(knownSerial);
    assertThat(rolled.getSource()).isEqualTo(ObservationSource.DNS_QUERY);
    assertThat(service.fullReads(ZONE, KNOT)).isGreaterThan(knotReads);
    // a new key served: keymgr tells whose it is, and it is Knot's own
    assertThat(knotAdapter().ownKeyListings()).isGreaterThan(listings);
    assertThat(tags(rolled.getOwnKeys())).containsAll(tags(rolled.getAdded()));

    // a re-sign moves the serial, not the key set: read fully, keymgr not run again
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> service.lastFullRead(ZONE, KNOT).isPresent());
    long resignedFrom = service.lastFullRead(ZONE, KNOT).orElseThrow().soaSerial();
    long readsBeforeResign = service.fullReads(ZONE, KNOT);
    long listingsBeforeResign = knotAdapter().ownKeyListings();
    lab.knot(KNOT).knotc("zone-sign", ZONE);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                service.fullReads(ZONE, KNOT) > readsBeforeResign
                    && service.lastFullRead(ZONE, KNOT).isPresent()
                    && service.lastFullRead(ZONE, KNOT).get().soaSerial() != resignedFrom);
    assertThat(knotAdapter().ownKeyListings()).isEqualTo(listingsBeforeResign);
  }

  @Test
  @Order(4)
  void aPowerDnsKeyAddedThenActivatedThroughItsCryptokeysApiIsSeenByTheCheckAndReadFully() {
    PdnsSigner pdns = lab.pdns(PDNS);
    ObservationService service = collector.getBean(ObservationService.class);
    ChangeDetector detector = collector.getBean(ChangeDetector.class);
    long serialBefore = serial(pdns);
    Set<Integer> before = tags(lastObserved(PDNS).getDnskeys());
    long changes = detector.changes();
    long reads = service.fullReads(ZONE, PDNS);

    PdnsKeystore keystore = new PdnsKeystore(pdns);
    PdnsKeystore.CryptoKey added = keystore.add("zsk", false, true);

    SignerKeysObserved seen =
        firstObserved(PDNS, o -> tags(o.getDnskeys()).contains(added.keyTag()));
    assertThat(before).doesNotContain(added.keyTag());
    // why PowerDNS needs more than its serial: the serial did not move with its keys
    assertThat(serial(pdns)).isEqualTo(serialBefore);
    assertThat(seen.getSoaSerial()).isEqualTo(serialBefore);
    assertThat(seen.getSource()).isEqualTo(ObservationSource.DNS_QUERY);
    assertThat(tags(seen.getOwnKeys())).contains(added.keyTag());
    assertThat(detector.changes()).isGreaterThan(changes);
    assertThat(service.fullReads(ZONE, PDNS)).isGreaterThan(reads);

    // activated: the served key set stays, the zone's signers change; the check sees that too
    keystore.set(added, true, true);
    SignerKeysObserved active =
        firstObserved(PDNS, o -> o.getZoneSignerTags().contains(added.keyTag()));
    assertThat(tags(active.getDnskeys())).isEqualTo(tags(seen.getDnskeys()));
    assertThat(serial(pdns)).isEqualTo(serialBefore);
  }

  @Test
  @Order(5)
  void powerDnsNotifiesTheCollectorWhenARecordsTableChangeMovesItsSerial() throws Exception {
    PdnsSigner pdns = lab.pdns(PDNS);
    pdns.setNotifyTarget(notified.getBean(NotifyListener.class).address());
    DNSKEYRecord foreign = foreignZsk();

    PowerDnsAdapter adapter =
        new PowerDnsAdapter(
            SignerId.of(PDNS),
            pdns.apiUrl(),
            pdns.serverId(),
            Secret.of(pdns.apiKey()),
            pdns.dnsAddress(),
            Duration.ofSeconds(3));
    // as a signer writer does, a retryable refusal is tried again (the lab's SQLite PowerDNS
    // answered HTTP 500 here once, on a quiet machine, right after the previous test's key change)
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreException(ProviderException.RetryableProviderException.class)
        .until(
            () -> {
              adapter.importDnskeys(ZoneName.of(ZONE), List.of(foreign));
              return true;
            });

    SignerKeysObserved byNotify =
        firstObserved(
            PDNS,
            o ->
                o.getSource() == ObservationSource.NOTIFY
                    && tags(o.getDnskeys()).contains(foreign.getFootprint()));
    assertThat(byNotify.getAdded()).extracting(Dnskey::getKeyTag).contains(foreign.getFootprint());
  }

  private Rfc2136Adapter knotAdapter() {
    return (Rfc2136Adapter) collector.getBean(SignerRegistry.class).provider(KNOT).orElseThrow();
  }

  /** The first snapshot of {@code signer} on the topic that {@code match} accepts. */
  private SignerKeysObserved firstObserved(String signer, Predicate<SignerKeysObserved> match) {
    return observed(
            observationsUntil(probe, ZONE, l -> observed(l, signer).stream().anyMatch(match)),
            signer)
        .stream()
        .filter(match)
        .findFirst()
        .orElseThrow();
  }

  private SignerKeysObserved lastObserved(String signer) {
    List<SignerKeysObserved> all =
        observed(observationsUntil(probe, ZONE, l -> !observed(l, signer).isEmpty()), signer);
    return all.get(all.size() - 1);
  }

  private static long serial(PdnsSigner pdns) {
    List<Record> soa =
        new DnsKeyReader(SignerId.of(PDNS), pdns.dnsAddress(), Duration.ofSeconds(3))
            .query(ZoneName.of(ZONE), Type.SOA);
    return soa.stream()
        .filter(SOARecord.class::isInstance)
        .map(r -> ((SOARecord) r).getSerial())
        .findFirst()
        .orElseThrow();
  }

  private static DNSKEYRecord foreignZsk() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return new DNSKEYRecord(
        ZoneName.of(ZONE).toName(), DClass.IN, 10, 256, 3, 13, g.generateKeyPair().getPublic());
  }

  private static Set<Integer> tags(List<Dnskey> keys) {
    return keys == null
        ? Set.of()
        : keys.stream().map(Dnskey::getKeyTag).collect(Collectors.toSet());
  }
}
