package dev.multisigner.collector;

import static dev.multisigner.collector.CollectorFixtures.failed;
import static dev.multisigner.collector.CollectorFixtures.observationsUntil;
import static dev.multisigner.collector.CollectorFixtures.observed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.collector.observe.ObservationScheduler;
import dev.multisigner.collector.observe.ObservationScheduler.Admission;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.ObservationFailed;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import dev.multisigner.schemas.avro.SignerObservation;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/**
 * Per-signer isolation against real things: a lab Knot signer and two "signers" whose nameserver
 * accepts TCP and never answers, all in one zone, on the embedded broker. Signer ids sort the
 * hanging ones first, so a sequential poller would never reach Knot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservationIsolationTest {

  private static final String ZONE = "example.test.";
  private static final String HANGING = "a-hanging";
  private static final String DEADLINED = "b-deadlined";
  private static final String KNOT = "knot-a";

  @TempDir static Path dir;
  private DnsLab lab;
  private EmbeddedKafka kafka;
  private BlackHoleServer blackHole;
  private ApplicationContext collector;
  private ApplicationContext deadlineCollector;
  private TopicProbe probe;

  @BeforeAll
  void start() throws Exception {
    lab = DnsLab.builder().zone(ZONE).knotSigner(KNOT).start();
    kafka = CollectorFixtures.broker(dir.resolve("kafka"));
    blackHole = new BlackHoleServer();
    KnotSigner knot = lab.knot(KNOT);
    // The hanging signer's queries would wait ten minutes, and so would its observations.
    Map<String, Object> p = new HashMap<>(CollectorFixtures.knot(KNOT, knot));
    p.putAll(hanging(HANGING));
    p.put("multisigner.collector.max-concurrency-per-signer", 1);
    p.put("multisigner.collector.observation-timeout", "10m");
    p.put("multisigner.collector.poll-interval", "1s");
    p.put("multisigner.collector.poll-initial-delay", "0s");
    collector = CollectorFixtures.collector(kafka, p);
    // A second deployment, for the other hanging signer only, with a short observation deadline.
    Map<String, Object> d = new HashMap<>(hanging(DEADLINED));
    d.put("multisigner.collector.observation-timeout", "1s");
    d.put("multisigner.collector.poll-interval", "1s");
    deadlineCollector = CollectorFixtures.collector(kafka, d);
    probe = new TopicProbe(kafka.bootstrapServers());
    CollectorFixtures.enroll(probe, ZONE, List.of(HANGING, DEADLINED, KNOT));
    CollectorFixtures.awaitManaged(collector, ZONE);
  }

  private Map<String, Object> hanging(String id) {
    return CollectorFixtures.rfc2136(
        id, blackHole.address(), id + "-ddns", "hmac-sha256", "c2VjcmV0LW5vdC11c2Vk", "PT10M");
  }

  @AfterAll
  void stop() throws Exception {
    if (probe != null) {
      probe.close();
    }
    for (ApplicationContext c : new ApplicationContext[] {collector, deadlineCollector}) {
      if (c != null) {
        c.close();
      }
    }
    if (kafka != null) {
      kafka.close();
    }
    if (blackHole != null) {
      blackHole.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void aHangingSignerDoesNotDelayObservationsOfAHealthyOne() {
    ObservationScheduler scheduler = collector.getBean(ObservationScheduler.class);
    KnotSigner knot = lab.knot(KNOT);
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> blackHole.accepted() > 0 && scheduler.busy(ZONE, HANGING));
    List<SignerKeysObserved> first =
        observed(observationsUntil(probe, ZONE, l -> !observed(l, KNOT).isEmpty()), KNOT);
    assertThat(first).isNotEmpty();

    // A change at Knot is seen while the hanging signer's first observation still waits.
    Set<Integer> before = tags(first.get(0).getDnskeys());
    new KnotKeystore(knot).rollZsk();
    List<SignerObservation> all =
        observationsUntil(
            probe,
            ZONE,
            l ->
                observed(l, KNOT).stream()
                    .anyMatch(o -> !before.containsAll(tags(o.getDnskeys()))));
    assertThat(observed(all, KNOT))
        .anySatisfy(o -> assertThat(tags(o.getAdded())).doesNotContainAnyElementsOf(before));
    assertThat(scheduler.busy(ZONE, HANGING)).isTrue();
    assertThat(failed(all, HANGING)).isEmpty();
  }

  @Test
  @Order(2)
  void requestsForAPairAlreadyRunningCoalesce() {
    ObservationScheduler scheduler = collector.getBean(ObservationScheduler.class);
    assertThat(scheduler.busy(ZONE, HANGING)).isTrue();
    // a poll while one runs adds nothing: the running read is as fresh
    assertThat(scheduler.request(ZONE, HANGING, ObservationSource.DNS_QUERY, Duration.ZERO))
        .isEqualTo(Admission.COALESCED);
    // a NOTIFY may signal a change the running read missed: one more, once
    assertThat(scheduler.requestZone(ZONE, ObservationSource.NOTIFY))
        .containsEntry(HANGING, Admission.QUEUED)
        .containsEntry(DEADLINED, Admission.SIGNER_NOT_CONFIGURED);
    for (int i = 0; i < 5; i++) {
      assertThat(scheduler.request(ZONE, HANGING, ObservationSource.NOTIFY, Duration.ZERO))
          .isEqualTo(Admission.COALESCED);
    }
    assertThat(scheduler.request(ZONE, "not-configured", ObservationSource.NOTIFY, Duration.ZERO))
        .isEqualTo(Admission.SIGNER_NOT_CONFIGURED);
  }

  @Test
  @Order(3)
  void anObservationPastItsDeadlineIsPublishedAsARetryableTimeoutNamingZoneAndSigner() {
    List<ObservationFailed> failures =
        failed(observationsUntil(probe, ZONE, l -> !failed(l, DEADLINED).isEmpty()), DEADLINED);
    assertThat(failures).isNotEmpty();
    ObservationFailed failed = failures.get(0);
    assertThat(failed.getRetryable()).isTrue();
    assertThat(failed.getReason())
        .contains("zone=" + ZONE)
        .contains("provider=" + DEADLINED)
        .contains("TIMEOUT")
        .contains("multisigner.collector.observation-timeout")
        .doesNotContain("c2VjcmV0LW5vdC11c2Vk");
  }

  private static Set<Integer> tags(List<Dnskey> keys) {
    return keys.stream().map(Dnskey::getKeyTag).collect(Collectors.toSet());
  }
}
