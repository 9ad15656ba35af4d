package dev.multisigner.dspublisher.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multisigner.dnsquery.DSYNCRecord;
import dev.multisigner.dspublisher.parent.LabParentConfig;
import dev.multisigner.dspublisher.parent.ParentConfig;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.parent.CdsParentAgent;
import dev.multisigner.lab.parent.CdsScanResult;
import dev.multisigner.lab.parent.CdsScanResult.Outcome;
import dev.multisigner.lab.parent.CdsScanResult.Trigger;
import dev.multisigner.schemas.avro.DsChangeRequested;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.DsPublicationFailed;
import dev.multisigner.schemas.avro.DsRequest;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.ParentChannel;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The ds-publisher's NOTIFY(CDS) (RFC 9859) against the real BIND parent and the lab's CDS parental
 * agent at the DSYNC target the parent publishes: a DS change left to a CDS-scanning parent with
 * {@code notify-cds} discovers the target, notifies it once the signer serves the requested CDS,
 * and the agent acts on that NOTIFY; the ds-publisher, configured without a TSIG key, writes
 * nothing. Every failure names zone and parent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotifyCdsLabTest {

  private static final String ZONE = "example.test.";
  private static final Name CHILD = Name.fromConstantString(ZONE);

  @TempDir static Path dir;
  private DnsLab lab;
  private LabKafka kafka;
  private SignerChildKsks child;
  private CdsParentAgent agent;
  private InetSocketAddress agentAt;
  private List<DSRecord> knotDs;
  private Name target;

  @BeforeAll
  void start() {
    lab =
        DnsLab.builder()
            .zone(ZONE)
            .knotSigner("knot-a")
            .parentDsForAllSigners()
            .workDir(dir.resolve("lab"))
            .start();
    kafka = LabKafka.start(dir.resolve("kafka"));
    child = (SignerChildKsks) kafka.childOf(lab, ZONE);
    InetSocketAddress knot = lab.signer("knot-a").dnsAddress();
    // the lab delegates to ns1/ns2: here both are the one Knot signer
    agent =
        CdsParentAgent.forLabChild(
            lab.parent(),
            Map.of(
                Name.fromConstantString("ns1." + ZONE), knot,
                Name.fromConstantString("ns2." + ZONE), knot),
            null,
            60);
    target = Name.fromConstantString("ns." + lab.parent().zone());
    agentAt = agent.listen(target);
    knotDs = lab.dsOfAllSigners();
  }

  @AfterAll
  void stop() {
    agent.close();
    kafka.close();
    lab.close();
  }

  @BeforeEach
  void reset() {
    lab.parent().putDs(knotDs);
    lab.parent().putDsync(lab.parent().dsyncName(CHILD), List.of());
    lab.parent()
        .putDsync(
            lab.parent().dsyncName(),
            List.of(
                DSYNCRecord.notify(
                    lab.parent().dsyncName(), 60, Type.CDS, agentAt.getPort(), target)));
  }

  @Test
  void aChangeLeftToTheCdsScanIsNotifiedAndTheParentsAgentActsOnIt() {
    List<DSRecord> withStale = new ArrayList<>(knotDs);
    withStale.add(ds(4711));
    lab.parent().putDs(withStale);
    int before = agent.results().size();

    Optional<DsEvent> answered = publication().handle(scanOnly(knotDs));

    // nothing answered: the parent watcher reports the parent's DS when it changes
    assertThat(answered).isEmpty();
    await().atMost(Duration.ofSeconds(20)).until(() -> agent.results().size() > before);
    CdsScanResult r = agent.results().get(before);
    assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.UPDATED);
    assertThat(r.trigger().kind()).isEqualTo(Trigger.Kind.NOTIFY);
    assertThat(r.trigger().cause().zone()).isEqualTo(CHILD);
    assertThat(r.trigger().cause().type()).isEqualTo(Type.CDS);
    assertThat(tags(lab.parent().ds())).isEqualTo(tags(knotDs));
  }

  @Test
  void theSameSetIsNotNotifiedAgainWithinTheRepeatInterval() {
    int notifies = agent.notifies().size();
    DsPublication publication = publication();

    publication.handle(scanOnly(knotDs));
    publication.handle(scanOnly(knotDs));

    await().atMost(Duration.ofSeconds(10)).until(() -> agent.notifies().size() > notifies);
    assertThat(agent.notifies()).hasSize(notifies + 1);
  }

  @Test
  void aParentWithoutADsyncForCdsCannotBeNotifiedAndTheFailureNamesZoneAndParent() {
    lab.parent().putDsync(lab.parent().dsyncName(), List.of());

    DsPublicationFailed f = failure(publication().handle(scanOnly(knotDs)));

    assertThat(f.getRetryable()).isFalse();
    assertThat(f.getReason())
        .contains("zone=" + ZONE)
        .contains("parent=lab")
        .contains("no DSYNC record for CDS")
        .contains("example._dsync.test.")
        .contains("_dsync.test.");
  }

  @Test
  void theChildSpecificDsyncComesFirstAndAnUnansweredNotifyIsRepeatedThenFails() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Name specific = lab.parent().dsyncName(CHILD);
    lab.parent()
        .putDsync(specific, List.of(DSYNCRecord.notify(specific, 60, Type.CDS, closed, target)));
    int notifies = agent.notifies().size();

    long t0 = System.nanoTime();
    DsPublicationFailed f = failure(publication().handle(scanOnly(knotDs)));

    assertThat(f.getRetryable()).isTrue();
    assertThat(f.getReason())
        .contains("zone=" + ZONE)
        .contains("parent=lab")
        .contains(":" + closed)
        .contains("did not answer 3 NOTIFYs");
    // backoff 100 ms, then 200 ms, between three sends of 300 ms timeout
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(300));
    assertThat(agent.notifies()).hasSize(notifies);
  }

  @Test
  void aCdsSetTheSignersDoNotServeIsNotNotified() {
    int notifies = agent.notifies().size();

    DsPublicationFailed f = failure(publication().handle(scanOnly(List.of(ds(4711)))));

    assertThat(f.getRetryable()).isTrue();
    assertThat(f.getReason())
        .contains("zone=" + ZONE)
        .contains("parent=lab")
        .contains("the signers do not all serve the requested CDS set")
        .contains("signer=knot-a serves");
    assertThat(agent.notifies()).hasSize(notifies);
  }

  @Test
  void withoutATsigKeyTheDsPublisherSendsTheParentNoUpdate() {
    List<DSRecord> before = lab.parent().ds();

    DsPublicationFailed f =
        failure(
            publication()
                .handle(request(List.of(ParentChannel.DNS_UPDATE), List.of(knotDs.get(0), ds(1)))));

    assertThat(f.getRetryable()).isFalse();
    assertThat(f.getReason()).contains("parent=lab").contains("no TSIG key is configured");
    assertThat(tags(lab.parent().ds())).isEqualTo(tags(before));
  }

  private DsPublication publication() {
    ParentConfig config = LabParentConfig.of(lab.parent(), null);
    config.setTsigKeyName(null);
    config.setNotifyCds(true);
    config.setNotifyAttempts(3);
    config.setNotifyBackoff(Duration.ofMillis(100));
    config.setTimeout(Duration.ofMillis(300));
    return kafka.publication(config, child, child);
  }

  private static DsPublicationFailed failure(Optional<DsEvent> event) {
    assertThat(event).isPresent();
    assertThat(event.get().getEvent()).isInstanceOf(DsPublicationFailed.class);
    return (DsPublicationFailed) event.get().getEvent();
  }

  private static DsRequest scanOnly(List<DSRecord> ds) {
    return request(List.of(ParentChannel.CDS_SCAN), ds);
  }

  private static DsRequest request(List<ParentChannel> channels, List<DSRecord> ds) {
    return new DsRequest(
        new Envelope(UUID.randomUUID().toString(), ZONE, Instant.now(), "test", null, null),
        "request-" + UUID.randomUUID(),
        new DsChangeRequested(DsPublication.toData(ds), List.of(), channels));
  }

  private static DSRecord ds(int tag) {
    return new DSRecord(CHILD, DClass.IN, 60, tag, 13, 2, new byte[32]);
  }

  private static List<String> tags(List<DSRecord> ds) {
    return ds.stream().map(d -> d.getFootprint() + "/" + d.getDigestID()).sorted().toList();
  }
}
