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
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerKeysObserved;
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
 * zone is read fully once and then only its SOA serial is asked, until the serial moves; PowerDNS,
 * whose key changes do not move the serial, is read fully on every poll, so a key added through its
 * cryptokeys API is still seen; and PowerDNS's NOTIFY (configured in the running server) reaches a
 * second collector that does not poll.
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
  void anUnchangedKnotZoneIsCheckedBySerialNotReadAgainWhilePowerDnsIsReadEveryPoll() {
    ObservationService service = collector.getBean(ObservationService.class);
    ChangeDetector detector = collector.getBean(ChangeDetector.class);
    observationsUntil(
        probe, ZONE, l -> !observed(l, KNOT).isEmpty() && !observed(l, PDNS).isEmpty());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> service.lastFullRead(ZONE, KNOT).isPresent());
    long knotReads = service.fullReads(ZONE, KNOT);
    long pdnsReads = service.fullReads(ZONE, PDNS);
    long checks = detector.checks();
    long changes = detector.changes();

    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                detector.checks() >= checks + 8 && service.fullReads(ZONE, PDNS) >= pdnsReads + 8);

    assertThat(detector.changes()).isEqualTo(changes);
    assertThat(service.fullReads(ZONE, KNOT)).isEqualTo(knotReads);
  }

  @Test
  @Order(2)
  void aKnotKeyRollMovesTheSerialAndIsObserved() {
    ObservationService service = collector.getBean(ObservationService.class);
    long knownSerial = service.lastFullRead(ZONE, KNOT).orElseThrow().soaSerial();
    long knotReads = service.fullReads(ZONE, KNOT);
    Set<Integer> before = tags(lastObserved(KNOT).getDnskeys());

    new KnotKeystore(lab.knot(KNOT)).rollZsk();

    SignerKeysObserved rolled = firstObserved(KNOT, o -> !before.containsAll(tags(o.getDnskeys())));
    assertThat(rolled.getSoaSerial()).isNotEqualTo(knownSerial);
    assertThat(rolled.getSource()).isEqualTo(ObservationSource.DNS_QUERY);
    assertThat(service.fullReads(ZONE, KNOT)).isGreaterThan(knotReads);
  }

  @Test
  @Order(3)
  void aPowerDnsKeyAddedThroughItsCryptokeysApiLeavesTheSerialAndIsStillObserved() {
    PdnsSigner pdns = lab.pdns(PDNS);
    long serialBefore = serial(pdns);
    Set<Integer> before = tags(lastObserved(PDNS).getDnskeys());

    PdnsKeystore.CryptoKey added = new PdnsKeystore(pdns).add("zsk", false, true);

    SignerKeysObserved seen =
        firstObserved(PDNS, o -> tags(o.getDnskeys()).contains(added.keyTag()));
    assertThat(before).doesNotContain(added.keyTag());
    // why PowerDNS declares no serial change signal: its serial did not move with its keys
    assertThat(serial(pdns)).isEqualTo(serialBefore);
    assertThat(seen.getSoaSerial()).isEqualTo(serialBefore);
  }

  @Test
  @Order(4)
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
    return keys.stream().map(Dnskey::getKeyTag).collect(Collectors.toSet());
  }
}
