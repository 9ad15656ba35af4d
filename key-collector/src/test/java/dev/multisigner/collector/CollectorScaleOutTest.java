package dev.multisigner.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.collector.observe.ObservationService;
import dev.multisigner.collector.observe.ZoneOwnership;
import dev.multisigner.lab.dns.MultiZoneLab;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.topics.TopicCatalog;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Two collector instances of one deployment (one group id) on the real broker, polling 24 zones of
 * a real Knot: each zone is polled by exactly one of them, and when one instance goes, the other
 * takes its zones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CollectorScaleOutTest {

  private static final String KNOT = "knot-a";
  private static final List<String> ZONES = MultiZoneLab.numberedZones(24, "test.");

  @TempDir static Path dir;
  private MultiZoneLab lab;
  private EmbeddedKafka kafka;
  private ApplicationContext a;
  private ApplicationContext b;
  private TopicProbe probe;

  @BeforeAll
  void start() {
    lab = MultiZoneLab.builder().zones(ZONES).knotSigner(KNOT).start();
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    kafka.createTopics(TopicCatalog.all(), 6);
    Map<String, Object> p = new HashMap<>(CollectorFixtures.knot(KNOT, lab.knot()));
    p.put("multisigner.collector.poll-interval", "500ms");
    p.put("multisigner.collector.poll-initial-delay", "0s");
    p.put("multisigner.collector.group-id", "collectors-of-knot-a");
    p.put("multisigner.collector.group-session-timeout", "6s");
    a = CollectorFixtures.collector(kafka, p);
    b = CollectorFixtures.collector(kafka, p);
    probe = new TopicProbe(kafka.bootstrapServers());
    ZONES.forEach(z -> CollectorFixtures.enroll(probe, z, List.of(KNOT)));
  }

  @AfterAll
  void stop() {
    if (probe != null) {
      probe.close();
    }
    for (ApplicationContext c : new ApplicationContext[] {a, b}) {
      if (c != null && c.isRunning()) {
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
  void eachZoneIsPolledByExactlyOneInstance() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              Set<String> inA = polled(a);
              Set<String> inB = polled(b);
              Set<String> both = new HashSet<>(inA);
              both.retainAll(inB);
              Set<String> all = new HashSet<>(inA);
              all.addAll(inB);
              return both.isEmpty() && all.containsAll(ZONES) && !inA.isEmpty() && !inB.isEmpty();
            });
    Set<Integer> partitionsA = a.getBean(ZoneOwnership.class).ownedPartitions();
    Set<Integer> partitionsB = b.getBean(ZoneOwnership.class).ownedPartitions();
    assertThat(partitionsA).doesNotContainAnyElementsOf(partitionsB);
    assertThat(partitionsA.size() + partitionsB.size()).isEqualTo(6);
    ZoneOwnership ownerA = a.getBean(ZoneOwnership.class);
    for (String zone : ZONES) {
      assertThat(polled(a).contains(zone)).as(zone).isEqualTo(ownerA.owns(zone));
    }
  }

  @Test
  @Order(2)
  void whenOneInstanceGoesTheOtherPollsItsZones() {
    Set<String> left = polled(a);
    assertThat(left).isNotEmpty();
    a.close();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> polled(b).containsAll(ZONES));
    assertThat(b.getBean(ZoneOwnership.class).ownedPartitions()).hasSize(6);
  }

  /** The zones this instance holds a successful read of Knot for. */
  private static Set<String> polled(ApplicationContext collector) {
    ObservationService service = collector.getBean(ObservationService.class);
    Set<String> zones = new HashSet<>();
    for (String z : ZONES) {
      if (service.lastFullRead(z, KNOT).isPresent()) {
        zones.add(z);
      }
    }
    return zones;
  }
}
