package dev.multisigner.lab.parent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.dnsquery.DSYNCRecord;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.parent.CdsScanResult.Outcome;
import dev.multisigner.lab.parent.CdsScanResult.Trigger;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The lab's CDS parental agent against real Knot and PowerDNS signers of a signed child, with the
 * BIND parent: it publishes its DSYNC, takes NOTIFY(CDS) there, and replaces the parent's DS RRset
 * only when both signers serve the same CDS set validated through the current DS; otherwise it says
 * why it did nothing, one test per reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CdsParentAgentLabTest {

  private static final Name ZONE = Name.fromConstantString("example.test.");
  private static final Name NS1 = Name.fromConstantString("ns1.example.test.");
  private static final Name NS2 = Name.fromConstantString("ns2.example.test.");

  private DnsLab lab;
  private LabSigner knot;
  private LabSigner pdns;
  private Map<Name, InetSocketAddress> addresses;
  private CdsParentAgent agent;
  private Name target;

  @BeforeAll
  void start() {
    lab =
        DnsLab.builder()
            .zone(ZONE)
            .knotSigner("knot-a")
            .pdnsSigner("pdns-b")
            .parentDsForAllSigners()
            .start();
    knot = lab.signer("knot-a");
    pdns = lab.signer("pdns-b");
    addresses = Map.of(NS1, knot.dnsAddress(), NS2, pdns.dnsAddress());
    agent = CdsParentAgent.forLabChild(lab.parent(), addresses, null, 10);
    target = Name.fromConstantString("ns." + lab.parent().zone());
  }

  @AfterAll
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  /** Back to the lab's start: both KSKs' DS at the parent, each signer serving its own CDS. */
  @BeforeEach
  void reset() {
    lab.parent().putDs(lab.dsOfAllSigners());
    ChildCds.put(knot, own(knot));
    ChildCds.put(pdns, own(pdns));
  }

  @Test
  void aNotifyAtTheDsyncTargetReplacesTheDsWithTheCdsSetBothSignersServe() throws Exception {
    InetSocketAddress at = agent.notifyAddress().orElseGet(() -> agent.listen(target));
    // the parent announces where it takes NOTIFY(CDS) (RFC 9859 §4.1)
    Message dsync =
        AuthoritativeDns.query(
            lab.parent().dnsAddress(),
            lab.parent().dsyncName(),
            DSYNCRecord.TYPE,
            Duration.ofSeconds(3));
    assertThat(dsync.getSection(Section.ANSWER))
        .filteredOn(r -> r.getType() == DSYNCRecord.TYPE)
        .singleElement()
        .satisfies(
            r -> {
              DSYNCRecord d = DSYNCRecord.of(r);
              assertThat(d.getRRType()).isEqualTo(Type.CDS);
              assertThat(d.getScheme()).isEqualTo(DSYNCRecord.SCHEME_NOTIFY);
              assertThat(d.getPort()).isEqualTo(at.getPort());
              assertThat(d.getTarget()).isEqualTo(target);
            });
    List<CDSRecord> both = bothOwn();
    serveAtBoth(both);
    List<DSRecord> withStale = new ArrayList<>(lab.dsOfAllSigners());
    withStale.add(new DSRecord(ZONE, DClass.IN, 60, 4711, 13, 2, new byte[32]));
    lab.parent().putDs(withStale);
    int before = agent.results().size();

    Message answer = notify(at, ZONE, Type.CDS);

    assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answer.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(answer.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
    CdsScanResult r = awaitResult(before);
    assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.UPDATED);
    assertThat(r.trigger().kind()).isEqualTo(Trigger.Kind.NOTIFY);
    assertThat(r.trigger().cause().id()).isEqualTo(answer.getHeader().getID());
    assertThat(tags(lab.parent().ds())).isEqualTo(CdsParentAgent.tags(both));
    assertThat(lab.parent().ds()).allSatisfy(ds -> assertThat(ds.getTTL()).isEqualTo(10));

    // the next notify finds the parent in step and leaves it alone
    notify(at, ZONE, Type.CDS);
    CdsScanResult again = awaitResult(before + 1);
    assertThat(again.outcome()).as(again.reason()).isEqualTo(Outcome.IN_SYNC);
  }

  @Test
  void differentCdsSetsAtTheSignersChangeNothing() {
    CdsScanResult r = agent.scanOnce();

    assertNothingChanged(r);
    assertThat(r.reason())
        .startsWith("CDS differs between ns1.example.test. [")
        .contains("and ns2.example.test. [")
        .endsWith("(RFC 7344 §4.1: every nameserver must serve the same set)");
  }

  @Test
  void aSignerWhoseKeyTheParentsDsDoesNotCoverIsNotValidated() {
    serveAtBoth(bothOwn());
    List<DSRecord> knotOnly = BindParent.dsFor(ChildCds.ownKsks(knot));
    lab.parent().putDs(knotOnly);

    CdsScanResult r = agent.scanOnce();

    assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(r.reason())
        .startsWith("CDS not validated: at ns2.example.test.: no DNSKEY matches the parent's DS");
    assertThat(tags(lab.parent().ds())).isEqualTo(tags(knotOnly));
  }

  @Test
  void aCdsDeleteRecordIsNotActedOn() {
    List<CDSRecord> withDelete = new ArrayList<>(bothOwn());
    // RFC 8078 §4: "0 0 0 00" asks the parent to remove the DS
    withDelete.add(new CDSRecord(ZONE, DClass.IN, 10, 0, 0, 0, new byte[] {0}));
    serveAtBoth(withDelete);

    CdsScanResult r = agent.scanOnce();

    assertNothingChanged(r);
    assertThat(r.reason()).contains("delete record (RFC 8078 §4)");
  }

  @Test
  void anInsecureChildIsNotBootstrappedWithoutAPolicy() {
    serveAtBoth(bothOwn());
    lab.parent().putDs(List.of());

    CdsScanResult r = agent.scanOnce();

    assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(r.reason())
        .contains("the parent holds no DS for example.test.")
        .contains("does not bootstrap");
    assertThat(lab.parent().ds()).isEmpty();
  }

  @Test
  void anInsecureChildIsBootstrappedOnceItsCdsWasServedUnchangedForTheDelay() throws Exception {
    serveAtBoth(bothOwn());
    lab.parent().putDs(List.of());
    try (CdsParentAgent bootstrapping =
        CdsParentAgent.forLabChild(lab.parent(), addresses, Duration.ofSeconds(3), 10)) {
      InetSocketAddress at = bootstrapping.listen(target);

      Message answer = notify(at, ZONE, Type.CDS);

      await().atMost(Duration.ofSeconds(20)).until(() -> bootstrapping.updates().size() == 1);
      List<CdsScanResult> results = bootstrapping.results();
      assertThat(results.get(0).outcome()).as(results.get(0).reason()).isEqualTo(Outcome.HELD);
      assertThat(results.get(0).reason()).contains("RFC 8078 §3.3").contains("re-check scheduled");
      CdsScanResult done = bootstrapping.updates().get(0);
      assertThat(done.trigger().kind()).isEqualTo(Trigger.Kind.BOOTSTRAP_RECHECK);
      assertThat(done.trigger().cause().id()).isEqualTo(answer.getHeader().getID());
      assertThat(Duration.between(results.get(0).at(), done.at()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(2500));
      assertThat(tags(lab.parent().ds())).isEqualTo(CdsParentAgent.tags(bothOwn()));
    } finally {
      // the class's agent owns the parent-wide DSYNC again
      agent.notifyAddress().ifPresent(a -> republish(a));
    }
  }

  @Test
  void aNotifyForAZoneThatIsNotAChildIsRefusedAndAnotherTypeIsNotImplemented() throws Exception {
    InetSocketAddress at = agent.notifyAddress().orElseGet(() -> agent.listen(target));
    int before = agent.results().size();

    assertThat(notify(at, Name.fromConstantString("other.test."), Type.CDS).getRcode())
        .isEqualTo(Rcode.REFUSED);
    assertThat(notify(at, ZONE, Type.CSYNC).getRcode()).isEqualTo(Rcode.NOTIMP);

    Thread.sleep(500);
    assertThat(agent.results()).hasSize(before);
    assertThat(agent.notifies())
        .extracting(NotifyReceived::rcode)
        .endsWith(Rcode.REFUSED, Rcode.NOTIMP);
  }

  private void republish(InetSocketAddress at) {
    lab.parent()
        .putDsync(
            lab.parent().dsyncName(),
            List.of(
                DSYNCRecord.notify(lab.parent().dsyncName(), 60, Type.CDS, at.getPort(), target)));
  }

  private CdsScanResult awaitResult(int before) {
    await().atMost(Duration.ofSeconds(20)).until(() -> agent.results().size() > before);
    return agent.results().get(before);
  }

  /** Sends a NOTIFY for {@code zone} and {@code type} to {@code at} over UDP, as RFC 9859 §4.2. */
  static Message notify(InetSocketAddress at, Name zone, int type) throws Exception {
    Message m = Message.newQuery(Record.newRecord(zone, type, DClass.IN));
    m.getHeader().setOpcode(Opcode.NOTIFY);
    m.getHeader().unsetFlag(Flags.RD);
    m.getHeader().setFlag(Flags.AA);
    SimpleResolver r = new SimpleResolver(at);
    r.setTimeout(Duration.ofSeconds(3));
    return r.send(m);
  }

  private static List<CDSRecord> own(LabSigner s) {
    return ChildCds.ownKsks(s).stream().map(ChildCds::of).toList();
  }

  private List<CDSRecord> bothOwn() {
    List<CDSRecord> out = new ArrayList<>(own(knot));
    out.addAll(own(pdns));
    return out;
  }

  private void serveAtBoth(List<CDSRecord> cds) {
    ChildCds.put(knot, cds);
    ChildCds.put(pdns, cds);
  }

  private void assertNothingChanged(CdsScanResult r) {
    assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(tags(r.dsAfter())).isEqualTo(tags(r.dsBefore()));
  }

  private static List<String> tags(List<DSRecord> ds) {
    return CdsParentAgent.tags(ds);
  }
}
