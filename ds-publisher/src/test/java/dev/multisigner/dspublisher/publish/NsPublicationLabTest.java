package dev.multisigner.dspublisher.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.dspublisher.parent.LabParentConfig;
import dev.multisigner.dspublisher.parent.ParentConfig;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.parent.ChildApex;
import dev.multisigner.lab.parent.CsyncParentAgent;
import dev.multisigner.lab.parent.CsyncRdata;
import dev.multisigner.lab.parent.CsyncScanResult;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.DsPublicationFailed;
import dev.multisigner.schemas.avro.DsRequest;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.NsChangeRequested;
import dev.multisigner.schemas.avro.ParentChannel;
import dev.multisigner.schemas.avro.ParentNsObserved;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
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
import org.xbill.DNS.Name;

/**
 * NS (delegation) changes against a real BIND parent delegating a signed child served by real Knot
 * and PowerDNS: by DNS UPDATE the ds-publisher replaces the delegation and reports it once every
 * verify server serves it; for a parent that scans CSYNC it writes nothing and the parent's own
 * scanner (the lab's CSYNC agent) makes the change, which the parent watcher then reports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NsPublicationLabTest {

  private static final String ZONE = "example.test.";
  private static final Name CHILD = Name.fromConstantString(ZONE);
  private static final List<String> LAB_DELEGATION =
      List.of("ns1.example.test.", "ns2.example.test.");

  @TempDir static Path dir;
  private DnsLab lab;
  private LabKafka kafka;

  @BeforeAll
  void start() {
    lab =
        DnsLab.builder()
            .zone(ZONE)
            .knotSigner("knot-a")
            .pdnsSigner("pdns-b")
            .parentDsForAllSigners()
            .workDir(dir.resolve("lab"))
            .start();
    kafka = LabKafka.start(dir.resolve("kafka"));
  }

  @AfterAll
  void stop() {
    kafka.close();
    lab.close();
  }

  /** The lab's delegation (ns1/ns2 inside the zone, with glue), as the lab starts with it. */
  @BeforeEach
  void reset() {
    lab.parent().putNs(CHILD, names(LAB_DELEGATION));
    for (LabSigner s : lab.signers()) {
      ChildApex.put(s, names(LAB_DELEGATION), Optional.empty());
    }
  }

  @Test
  void byDnsUpdateTheDelegationIsReplacedAndReportedOnceEveryVerifyServerServesIt() {
    ParentConfig config = config();
    config.setVerifyServers(List.of(config.getServer(), config.getServer()));
    DsRequest request =
        request(List.of("NS.PDNS-B.test.", "ns.knot-a.test."), List.of(ParentChannel.DNS_UPDATE));

    DsEvent event = kafka.publication(config).handle(request).orElseThrow();

    assertThat(event.getRequestId()).isEqualTo(request.getRequestId());
    assertThat(event.getEvent())
        .isInstanceOfSatisfying(
            ParentNsObserved.class,
            o ->
                assertThat(o.getNameservers())
                    .containsExactly("ns.knot-a.test.", "ns.pdns-b.test."));
    assertThat(lab.parent().ns())
        .containsExactlyElementsOf(names("ns.knot-a.test.", "ns.pdns-b.test."));
    assertThat(answers(request)).extracting(DsEvent::getEvent).containsExactly(event.getEvent());
  }

  @Test
  void withoutNamedChannelsOrWithCsyncScanBesideDnsUpdateTheUpdateIsUsed() {
    ParentConfig config = config();
    config.setNsTtl(90);
    DsPublication publication = kafka.publication(config);

    // The answer carries the TTL the parent serves the delegation with (NS-Wait-Time uses it).
    DsEvent any = publication.handle(request(List.of("ns.knot-c.test."), List.of())).orElseThrow();
    assertThat(any.getEvent()).isEqualTo(new ParentNsObserved(List.of("ns.knot-c.test."), 90));
    assertThat(lab.parent().ns()).containsExactlyElementsOf(names("ns.knot-c.test."));

    DsEvent both =
        publication
            .handle(
                request(
                    List.of("ns.knot-a.test.", "ns.pdns-b.test."),
                    List.of(ParentChannel.CSYNC_SCAN, ParentChannel.DNS_UPDATE)))
            .orElseThrow();
    assertThat(both.getEvent())
        .isEqualTo(new ParentNsObserved(List.of("ns.knot-a.test.", "ns.pdns-b.test."), 90));
    assertThat(lab.parent().ns())
        .containsExactlyElementsOf(names("ns.knot-a.test.", "ns.pdns-b.test."));
  }

  @Test
  void aNameserverInsideTheZoneIsRefusedNonRetryablyNamingZoneAndName() {
    DsRequest request =
        request(List.of("ns.knot-a.test.", "ns3.example.test."), List.of(ParentChannel.DNS_UPDATE));

    DsPublicationFailed f = failure(kafka.publication(config()).handle(request));

    assertThat(f.getRetryable()).isFalse();
    assertThat(f.getReason())
        .startsWith("zone=example.test. parent=lab: nameserver ns3.example.test.")
        .contains("needs glue");
    assertThat(lab.parent().ns()).containsExactlyElementsOf(names(LAB_DELEGATION));
  }

  @Test
  void aVerifyServerThatCannotBeAskedFailsTheChangeRetryablyAndSaysWhich() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    ParentConfig config = config();
    config.setVerifyServers(List.of(config.getServer(), "127.0.0.1:" + closed));

    DsPublicationFailed f =
        failure(
            kafka
                .publication(config)
                .handle(request(List.of("ns.knot-a.test."), List.of(ParentChannel.DNS_UPDATE))));

    assertThat(f.getRetryable()).isTrue();
    assertThat(f.getReason())
        .startsWith("zone=example.test. parent=lab: ")
        .contains(":" + closed)
        .doesNotContain(lab.parent().tsig().secret());
  }

  @Test
  void aChannelListWithNeitherDnsUpdateNorCsyncScanIsRefused() {
    DsPublicationFailed f =
        failure(
            kafka
                .publication(config())
                .handle(request(List.of("ns.knot-a.test."), List.of(ParentChannel.REGISTRAR_API))));

    assertThat(f.getRetryable()).isFalse();
    assertThat(f.getReason()).contains("no usable parent channel");
    assertThat(lab.parent().ns()).containsExactlyElementsOf(names(LAB_DELEGATION));
  }

  /**
   * The whole CSYNC path: the signers serve the new apex NS and the same CSYNC (the coordinator's
   * part), the ds-publisher writes and answers nothing, the parent's scanner replaces the
   * delegation, and the parent watcher reports the parent's new NS set.
   */
  @Test
  void forACsyncScanningParentNothingIsWrittenAndTheParentsScannerMakesTheChange() {
    List<Name> wanted = names("ns.knot-a.test.", "ns.pdns-b.test.");
    for (LabSigner s : lab.signers()) {
      ChildApex.put(s, wanted, Optional.of(CsyncRdata.immediateNsAndAddresses()));
    }
    DsRequest request =
        request(wanted.stream().map(Name::toString).toList(), List.of(ParentChannel.CSYNC_SCAN));

    assertThat(kafka.publication(config()).handle(request)).isEmpty();

    assertThat(lab.parent().ns()).containsExactlyElementsOf(names(LAB_DELEGATION));
    assertThat(answers(request)).isEmpty();

    LabSigner knot = lab.signer("knot-a");
    LabSigner pdns = lab.signer("pdns-b");
    try (CsyncParentAgent agent =
        CsyncParentAgent.forLabChild(
            lab.parent(),
            Map.of(
                Name.fromConstantString("ns1.example.test."), knot.dnsAddress(),
                Name.fromConstantString("ns2.example.test."), pdns.dnsAddress()))) {
      CsyncScanResult scan = agent.scanOnce();
      assertThat(scan.outcome()).as(scan.reason()).isEqualTo(CsyncScanResult.Outcome.REPLACED);
    }
    assertThat(lab.parent().ns()).containsExactlyElementsOf(wanted);

    kafka.watcher(config(), ZONE).watch();
    assertThat(kafka.dsEvents(ZONE))
        .filteredOn(e -> e.getRequestId() == null)
        .extracting(DsEvent::getEvent)
        .contains(
            new ParentNsObserved(
                List.of("ns.knot-a.test.", "ns.pdns-b.test."), (int) BindParent.NS_TTL));
  }

  private static DsPublicationFailed failure(Optional<DsEvent> answer) {
    assertThat(answer).isPresent();
    assertThat(answer.get().getEvent()).isInstanceOf(DsPublicationFailed.class);
    return (DsPublicationFailed) answer.get().getEvent();
  }

  private List<DsEvent> answers(DsRequest request) {
    return kafka.dsEvents(ZONE).stream()
        .filter(e -> request.getRequestId().equals(e.getRequestId()))
        .toList();
  }

  private static DsRequest request(List<String> nameservers, List<ParentChannel> channels) {
    return new DsRequest(
        new Envelope(UUID.randomUUID().toString(), ZONE, Instant.now(), "test", null, null),
        "request-" + UUID.randomUUID(),
        new NsChangeRequested(nameservers, channels));
  }

  private ParentConfig config() {
    return LabParentConfig.of(lab.parent(), lab.parent().tsig().secret());
  }

  private static List<Name> names(String... names) {
    return names(List.of(names));
  }

  private static List<Name> names(List<String> names) {
    return names.stream().map(Name::fromConstantString).sorted().toList();
  }
}
