package dev.multisigner.dspublisher.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.dspublisher.parent.DnsUpdateParent;
import dev.multisigner.dspublisher.parent.LabParentConfig;
import dev.multisigner.dspublisher.parent.ParentConfig;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.schemas.avro.DsChangeRequested;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.DsPublicationFailed;
import dev.multisigner.schemas.avro.DsRequest;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.ParentChannel;
import dev.multisigner.schemas.avro.ParentDsObserved;
import dev.multisigner.schemas.avro.ParentNsObserved;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/**
 * The ds-publisher's parent side against a real BIND parent (which rotates the order of an RRset
 * between answers) and the real broker: the watcher reports a DS set once whatever its order, and a
 * DS change counts as done only when every listed parent nameserver serves it, validated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParentLabTest {

  private static final String ZONE = "example.test.";
  private static final Name CHILD = Name.fromConstantString(ZONE);

  @TempDir static Path dir;
  private DnsLab lab;
  private LabKafka kafka;
  private ChildKsks child;
  private DSRecord ksk;

  @BeforeAll
  void start() {
    lab =
        DnsLab.builder()
            .zone(ZONE)
            .knotSigner("knot-a")
            .withParent()
            .workDir(dir.resolve("lab"))
            .start();
    kafka = LabKafka.start(dir.resolve("kafka"));
    child = kafka.childOf(lab, ZONE);
    ksk = lab.dsOfAllSigners().get(0);
  }

  @AfterAll
  void stop() {
    kafka.close();
    lab.close();
  }

  @Test
  void reportsTheParentsDsAndNsOnceWhateverOrderTheParentAnswersIn() {
    DnsUpdateParent parent = new DnsUpdateParent(config());
    parent.replaceDs(CHILD, List.of(ds(11111, 1), ds(22222, 2), ds(33333, 3)));
    Set<List<Integer>> orders = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      orders.add(
          parent.readDs(CHILD, Instant.now()).ds().stream().map(DSRecord::getFootprint).toList());
    }
    // Without a rotating parent this test would prove nothing.
    assertThat(orders).as("the parent rotates the DS RRset").hasSizeGreaterThan(1);

    ParentWatcher watcher = kafka.watcher(config(), ZONE);
    for (int i = 0; i < 10; i++) {
      watcher.watch();
    }

    List<DsEvent> events = kafka.dsEvents(ZONE);
    assertThat(events.stream().filter(e -> e.getEvent() instanceof ParentDsObserved))
        .singleElement()
        .satisfies(
            e -> {
              ParentDsObserved ds = (ParentDsObserved) e.getEvent();
              assertThat(ds.getValidated()).isTrue();
              assertThat(ds.getDs())
                  .extracting(d -> d.getKeyTag())
                  .containsExactly(11111, 22222, 33333);
            });
    assertThat(events.stream().filter(e -> e.getEvent() instanceof ParentNsObserved)).hasSize(1);
  }

  @Test
  void aSettledZoneIsReadAgainAfterTheSettledIntervalOrAsSoonAsAChangeIsExpected() {
    DnsUpdateParent parent = new DnsUpdateParent(config());
    parent.replaceDs(CHILD, List.of(ds(11111, 1)));
    ParentWatcher watcher =
        kafka.watcher(config(), ZONE, Duration.ofHours(1), Duration.ofMinutes(10));
    watcher.watch();
    assertThat(lastDs()).containsExactly(11111);

    // a change nobody asked for, while the zone is settled: not read before the hour is out
    parent.replaceDs(CHILD, List.of(ds(22222, 2)));
    watcher.watch();
    assertThat(lastDs()).containsExactly(11111);

    // a DS request for the zone reached the publisher: read on the next pass, and reported
    watcher.expectChange(ZONE, ParentWatcher.Watched.DS);
    watcher.watch();
    assertThat(lastDs()).containsExactly(22222);

    // the requested change was seen: the zone is settled again, not read every pass
    parent.replaceDs(CHILD, List.of(ds(33333, 3)));
    watcher.watch();
    assertThat(lastDs()).containsExactly(22222);

    // an NS request: the pass reads the zone and sees a DS change nobody requested ...
    watcher.expectChange(ZONE, ParentWatcher.Watched.NS);
    watcher.watch();
    assertThat(lastDs()).containsExactly(33333);

    // ... after which the zone is in motion: read every pass for the next 10 minutes
    parent.replaceDs(CHILD, List.of(ds(44444, 4)));
    watcher.watch();
    assertThat(lastDs()).containsExactly(44444);

    // A new watcher (nothing in motion): a request that reached the publisher before the parent
    // changed is awaited over every pass until the parent shows it. One test with the one above:
    // the class shares the zone, and the first test counts the zone's events.
    parent.replaceDs(CHILD, List.of(ds(55555, 5)));
    watcher = kafka.watcher(config(), ZONE, Duration.ofHours(1), Duration.ofMinutes(10));
    watcher.watch();
    assertThat(lastDs()).containsExactly(55555);

    // the request reached the publisher before the parent changed: that pass sees nothing new
    watcher.expectChange(ZONE, ParentWatcher.Watched.DS);
    watcher.watch();
    assertThat(lastDs()).containsExactly(55555);

    // still awaited on the next pass, which sees the change
    parent.replaceDs(CHILD, List.of(ds(12345, 6)));
    watcher.watch();
    assertThat(lastDs()).containsExactly(12345);

    // and then no longer: a later change waits for the settled interval
    parent.replaceDs(CHILD, List.of(ds(23456, 7)));
    watcher.watch();
    assertThat(lastDs()).containsExactly(12345);
  }

  /** The key tags of the last ParentDsObserved the watcher reported for the zone. */
  private List<Integer> lastDs() {
    List<DsEvent> events = kafka.dsEvents(ZONE);
    ParentDsObserved last =
        events.stream()
            .map(DsEvent::getEvent)
            .filter(ParentDsObserved.class::isInstance)
            .map(ParentDsObserved.class::cast)
            .reduce((a, b) -> b)
            .orElseThrow();
    return last.getDs().stream().map(d -> d.getKeyTag()).toList();
  }

  @Test
  void aDsChangeIsDoneWhenEveryListedParentServerServesItValidated() {
    ParentConfig config = config();
    String bind = config.getServer();
    config.setVerifyServers(List.of(bind, bind));

    DsEvent event =
        kafka.publication(config, child).handle(request(ksk, ds(55555, 5))).orElseThrow();

    assertThat(event.getEvent())
        .isInstanceOfSatisfying(
            ParentDsObserved.class,
            o -> {
              assertThat(o.getMatchesRequest()).isTrue();
              assertThat(o.getValidated()).isTrue();
              assertThat(o.getDs())
                  .extracting(d -> d.getKeyTag())
                  .contains(ksk.getFootprint(), 55555);
            });
  }

  @Test
  void anEmptyDsSetIsRefusedNonRetryablyAndNothingIsWritten() {
    lab.parent().putDs(List.of(ksk));
    DsRequest empty = request();

    DsEvent event = kafka.publication(config(), child).handle(empty).orElseThrow();

    assertThat(event.getEvent())
        .isInstanceOfSatisfying(
            DsPublicationFailed.class,
            f -> {
              assertThat(f.getRetryable()).isFalse();
              assertThat(f.getReason()).contains("zone=" + ZONE).contains("empty DS set");
            });
    assertThat(lab.parent().ds()).containsExactly(ksk);
  }

  @Test
  void aDsSetCoveringNoKskTheChildServesIsRefusedNamingTheKeysAndNothingIsWritten() {
    lab.parent().putDs(List.of(ksk));
    // Right tag and algorithm, wrong digest: only the digest tells it from the real KSK's DS.
    DSRecord forged = ds(ksk.getFootprint(), 9);

    DsEvent event =
        kafka.publication(config(), child).handle(request(forged, ds(12345, 8))).orElseThrow();

    assertThat(event.getEvent())
        .isInstanceOfSatisfying(
            DsPublicationFailed.class,
            f -> {
              assertThat(f.getRetryable()).isFalse();
              assertThat(f.getReason())
                  .contains("zone=" + ZONE)
                  .contains("parent=lab")
                  .contains("covers no KSK the child serves")
                  .contains("KSK:" + ksk.getFootprint());
            });
    assertThat(lab.parent().ds()).containsExactly(ksk);
  }

  @Test
  void aParentServerThatCannotBeAskedFailsTheChangeRetryablyAndSaysWhich() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    ParentConfig config = config();
    config.setVerifyServers(List.of(config.getServer(), "127.0.0.1:" + closed));

    DsEvent event = kafka.publication(config, child).handle(request(ksk)).orElseThrow();

    assertThat(event.getEvent())
        .isInstanceOfSatisfying(
            DsPublicationFailed.class,
            f -> {
              assertThat(f.getRetryable()).isTrue();
              assertThat(f.getReason())
                  .contains(ZONE)
                  .contains(":" + closed)
                  .doesNotContain(lab.parent().tsig().secret());
            });
    assertThat(kafka.dsEvents(ZONE)).anyMatch(e -> e.getEvent() instanceof DsPublicationFailed);
  }

  @Test
  void forACdsScanningParentNothingIsWrittenOrAnswered() {
    List<DSRecord> before = lab.parent().ds();
    DsRequest scanOnly = request(List.of(ParentChannel.CDS_SCAN), ksk, ds(7777, 7));

    assertThat(kafka.publication(config(), child).handle(scanOnly)).isEmpty();

    assertThat(lab.parent().ds()).isEqualTo(before);
    assertThat(kafka.dsEvents(ZONE))
        .noneMatch(e -> scanOnly.getRequestId().equals(e.getRequestId()));
  }

  private static DsRequest request(DSRecord... ds) {
    return request(List.of(), ds);
  }

  private static DsRequest request(List<ParentChannel> channels, DSRecord... ds) {
    return new DsRequest(
        new Envelope(UUID.randomUUID().toString(), ZONE, Instant.now(), "test", null, null),
        "request-" + UUID.randomUUID(),
        new DsChangeRequested(DsPublication.toData(List.of(ds)), List.of(), channels));
  }

  private ParentConfig config() {
    return LabParentConfig.of(lab.parent(), lab.parent().tsig().secret());
  }

  private static DSRecord ds(int tag, int fill) {
    byte[] digest = new byte[32];
    java.util.Arrays.fill(digest, (byte) fill);
    return new DSRecord(CHILD, DClass.IN, 60, tag, 13, 2, digest);
  }
}
