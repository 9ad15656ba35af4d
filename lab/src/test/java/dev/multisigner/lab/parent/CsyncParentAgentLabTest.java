package dev.multisigner.lab.parent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.parent.CsyncScanResult.Outcome;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The lab's CSYNC parental agent against real Knot and PowerDNS signers of a signed child (both
 * KSKs' DS at the BIND parent): it replaces the delegation only when both signers serve the same
 * validated CSYNC and the same apex NS set, and otherwise says why it did nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CsyncParentAgentLabTest {

  private static final Name ZONE = Name.fromConstantString("example.test.");
  private static final Name NS1 = Name.fromConstantString("ns1.example.test.");
  private static final Name NS2 = Name.fromConstantString("ns2.example.test.");

  private DnsLab lab;
  private LabSigner knot;
  private LabSigner pdns;
  private Name knotHost;
  private Name pdnsHost;
  private Map<Name, InetSocketAddress> addresses;
  private CsyncParentAgent agent;

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
    knotHost = lab.parent().providerNsHost("knot-a");
    pdnsHost = lab.parent().providerNsHost("pdns-b");
    // the lab delegates to ns1/ns2 (glue 127.0.0.1, no port): here they are the two signers
    addresses =
        Map.of(
            NS1, knot.dnsAddress(),
            NS2, pdns.dnsAddress(),
            knotHost, knot.dnsAddress(),
            pdnsHost, pdns.dnsAddress());
    agent = CsyncParentAgent.forLabChild(lab.parent(), addresses);
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

  /** Back to the lab's start: delegated to ns1/ns2, both signers serve ns1/ns2 and no CSYNC. */
  @BeforeEach
  void reset() {
    BindParent parent = lab.parent();
    parent.putNs(ZONE, List.of(NS1, NS2));
    parent.putDs(lab.dsOfAllSigners());
    ChildApex.put(knot, List.of(NS1, NS2), Optional.empty());
    ChildApex.put(pdns, List.of(NS1, NS2), Optional.empty());
  }

  @Test
  void noCsyncAnywhereChangesNothing() {
    CsyncScanResult r = agent.scanOnce();

    assertNothingChanged(r);
    assertThat(r.reason()).contains("no nameserver serves a CSYNC");
  }

  @Test
  void aCsyncAtOnlyOneSignerChangesNothingAndNamesTheOtherNameserver() {
    ChildApex.put(knot, newNs(), Optional.of(CsyncRdata.immediateNsAndAddresses()));

    CsyncScanResult r = agent.scanOnce();

    assertNothingChanged(r);
    assertThat(r.reason()).isEqualTo("ns2.example.test. serves no CSYNC");
  }

  @Test
  void theSameValidatedCsyncAndNsAtBothSignersReplaceTheDelegation() {
    CsyncRdata csync = CsyncRdata.immediateNsAndAddresses();
    serveAtBoth(newNs(), csync);

    CsyncScanResult r = agent.scanOnce();

    assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.REPLACED);
    assertThat(r.parentNsBefore()).containsExactly(NS1, NS2);
    assertThat(r.parentNsAfter()).containsExactlyElementsOf(ChildApex.sorted(newNs()));
    // read back from BIND, the referral's authority section
    assertThat(lab.parent().ns()).containsExactlyElementsOf(ChildApex.sorted(newNs()));

    // the next scan asks the new nameservers, finds the same and leaves the parent alone
    CsyncScanResult again = agent.scanOnce();
    assertThat(again.outcome()).as(again.reason()).isEqualTo(Outcome.IN_SYNC);
    assertThat(agent.lastResult(ZONE)).contains(again);
  }

  @Test
  void differentNsSetsAtTheSignersChangeNothing() {
    CsyncRdata csync = CsyncRdata.immediateNsAndAddresses();
    ChildApex.put(knot, newNs(), Optional.of(csync));
    ChildApex.put(
        pdns,
        List.of(knotHost, pdnsHost, lab.parent().providerNsHost("knot-c")),
        Optional.of(csync));

    CsyncScanResult r = agent.scanOnce();

    assertNothingChanged(r);
    assertThat(r.reason())
        .startsWith("NS differs between ns1.example.test. ")
        .contains("ns2.example.test.")
        .contains("ns.knot-c.test.");
  }

  @Test
  void differentCsyncRecordsChangeNothing() {
    ChildApex.put(knot, newNs(), Optional.of(CsyncRdata.immediateNsAndAddresses()));
    ChildApex.put(
        pdns, newNs(), Optional.of(new CsyncRdata(0, CsyncRdata.IMMEDIATE, List.of(Type.NS))));

    CsyncScanResult r = agent.scanOnce();

    assertNothingChanged(r);
    assertThat(r.reason())
        .isEqualTo(
            "CSYNC differs between ns1.example.test. (0 1 A NS AAAA) and ns2.example.test. (0 1"
                + " NS)");
  }

  @Test
  void aCsyncWithoutTheImmediateFlagWaitsForApproval() {
    CsyncRdata notImmediate = new CsyncRdata(0, 0, List.of(Type.NS));
    serveAtBoth(newNs(), notImmediate);

    CsyncScanResult r = agent.scanOnce();

    assertNothingChanged(r);
    assertThat(r.reason()).contains("no immediate flag");
  }

  @Test
  void aSignerWhoseKeyTheParentsDsDoesNotCoverIsNotValidated() {
    CsyncRdata csync = CsyncRdata.immediateNsAndAddresses();
    serveAtBoth(newNs(), csync);
    List<DSRecord> knotOnly = BindParent.dsFor(ChildApex.dnskeys(knot));
    assertThat(knotOnly).hasSize(1);
    lab.parent().putDs(knotOnly);

    CsyncScanResult r = agent.scanOnce();

    assertNothingChanged(r);
    assertThat(r.reason())
        .startsWith("CSYNC not validated: at ns2.example.test.: no DNSKEY matches the parent's DS");
  }

  @Test
  void aChildWithoutDsAtTheParentIsNotActedOn() {
    CsyncRdata csync = CsyncRdata.immediateNsAndAddresses();
    serveAtBoth(newNs(), csync);
    lab.parent().putDs(List.of());

    CsyncScanResult r = agent.scanOnce();

    assertNothingChanged(r);
    assertThat(r.reason()).contains("the parent holds no DS for example.test.");
  }

  @Test
  void aSoaMinimumAboveWhatASignerServesWaits() {
    long above = Math.max(ChildApex.serial(knot), ChildApex.serial(pdns)) + 10;
    CsyncRdata csync =
        new CsyncRdata(above, CsyncRdata.IMMEDIATE | CsyncRdata.SOA_MINIMUM, List.of(Type.NS));
    serveAtBoth(newNs(), csync);
    // the changes above raised the serials: still below, as long as they rose by less than 10
    assertThat(Math.min(ChildApex.serial(knot), ChildApex.serial(pdns))).isLessThan(above);

    CsyncScanResult r = agent.scanOnce();

    assertNothingChanged(r);
    assertThat(r.reason()).contains("below the CSYNC soaminimum serial " + above);
  }

  @Test
  void aNameserverInsideTheChildNeedsGlueAndIsNotCopied() {
    CsyncRdata csync = CsyncRdata.immediateNsAndAddresses();
    List<Name> withInChild = List.of(NS1, knotHost);
    serveAtBoth(withInChild, csync);

    CsyncScanResult r = agent.scanOnce();

    assertNothingChanged(r);
    assertThat(r.reason())
        .isEqualTo(
            "the child's NS ns1.example.test. is inside example.test. and needs glue, which this"
                + " agent does not copy");
  }

  @Test
  void theBackgroundScannerActsOnItsOwnAndStops() {
    try (CsyncParentAgent background = CsyncParentAgent.forLabChild(lab.parent(), addresses)) {
      background.start(Duration.ofMillis(200));
      // nothing to act on yet: it scans and leaves the parent alone
      await().atMost(Duration.ofSeconds(10)).until(() -> background.lastResult(ZONE).isPresent());
      assertNothingChanged(background.lastResult(ZONE).orElseThrow());

      serveAtBoth(newNs(), CsyncRdata.immediateNsAndAddresses());

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(lab.parent().ns())
                      .containsExactlyElementsOf(ChildApex.sorted(newNs())));
      background.stop();
      assertThat(background.lastResult(ZONE).map(CsyncScanResult::outcome).orElseThrow())
          .isIn(Outcome.REPLACED, Outcome.IN_SYNC);
      // stopped: a change at the signers is no longer acted on
      serveAtBoth(List.of(knotHost), CsyncRdata.immediateNsAndAddresses());
      sleep(600);
      assertThat(lab.parent().ns()).containsExactlyElementsOf(ChildApex.sorted(newNs()));
    }
  }

  /** Both signers serve {@code ns} as the apex NS RRset and {@code csync}. */
  private void serveAtBoth(List<Name> ns, CsyncRdata csync) {
    ChildApex.put(knot, ns, Optional.of(csync));
    ChildApex.put(pdns, ns, Optional.of(csync));
  }

  /** The scan left the parent alone: it still delegates to ns1/ns2. */
  private void assertNothingChanged(CsyncScanResult r) {
    assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(r.parentNsAfter()).containsExactly(NS1, NS2);
    assertThat(lab.parent().ns()).containsExactly(NS1, NS2);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The signers' own host names in the parent zone: a delegation to them needs no glue. */
  private List<Name> newNs() {
    return List.of(knotHost, pdnsHost);
  }
}
