package dev.multisigner.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.UnboundValidator;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The checker's verdict against the real validator: with and without the ZSK cross-import, in both
 * directions of "DNSKEY RRset cached from A, answer from B" (RFC 8901 §5), checker and Unbound
 * agree.
 */
class CheckerAgreesWithUnboundTest {

  static final ZoneName ZONE = ZoneName.of("example.test.");
  static final Name WWW = Name.fromConstantString("www.example.test.");

  static DnsLab lab;
  static ManualCrossImport crossImport;
  final CrossSignerChecker checker = new CrossSignerChecker();

  @BeforeAll
  static void startLab() {
    lab =
        DnsLab.builder()
            .zone(ZONE.value())
            .knotSigner("knot-a")
            .pdnsSigner("pdns-b")
            .parentDsForAllSigners()
            .withValidator()
            .start();
    crossImport = new ManualCrossImport(lab);
  }

  @AfterAll
  static void stopLab() {
    if (lab != null) {
      lab.close();
    }
  }

  CheckReport check() {
    List<SignerEndpoint> signers =
        lab.signers().stream().map(s -> new SignerEndpoint(s.id(), s.dnsAddress())).toList();
    ParentEndpoint parent =
        new ParentEndpoint(lab.parent().dnsAddress(), lab.parent().trustAnchor());
    return checker.check(ZONE, signers, parent, Instant.now());
  }

  /**
   * Case (c): DNSKEY RRset cached from {@code keys}, then the answer for www from {@code answers}.
   */
  Message unboundCaseC(LabSigner keys, LabSigner answers) {
    UnboundValidator v = lab.validator();
    Message dnskey = v.cacheDnskeyFrom(keys);
    assertThat(dnskey.getRcode())
        .as("DNSKEY via %s\n%s", keys.id(), v.logTail())
        .isEqualTo(Rcode.NOERROR);
    assertThat(dnskey.getHeader().getFlag(Flags.AD))
        .as("DNSKEY via %s is secure", keys.id())
        .isTrue();
    v.useOnly(answers);
    return v.query(WWW, Type.A);
  }

  static boolean secure(Message m) {
    return m.getRcode() == Rcode.NOERROR && m.getHeader().getFlag(Flags.AD);
  }

  @Test
  void withoutCrossImportCheckerReportsBothPairsAndUnboundFailsBothWays() throws Exception {
    crossImport.withdrawAll();
    LabSigner a = lab.signer("knot-a");
    LabSigner b = lab.signer("pdns-b");

    CheckReport report = check();
    System.out.println(report.render());

    assertThat(report.allValid()).isFalse();
    assertThat(report.failingChains()).isEmpty();
    assertThat(report.failingPairs())
        .extracting(p -> p.answerSigner() + "x" + p.keySource())
        .containsExactlyInAnyOrder("knot-axpdns-b", "pdns-bxknot-a");
    assertThat(report.pair("pdns-b", "knot-a").reasons())
        .anySatisfy(r -> assertThat(r).contains("key not in the DNSKEY RRset"));

    Message bAfterA = unboundCaseC(a, b);
    Message aAfterB = unboundCaseC(b, a);
    assertThat(Rcode.string(bAfterA.getRcode())).isEqualTo("SERVFAIL");
    assertThat(Rcode.string(aAfterB.getRcode())).isEqualTo("SERVFAIL");
    assertThat(secure(bAfterA)).isEqualTo(report.pair("pdns-b", "knot-a").valid());
    assertThat(secure(aAfterB)).isEqualTo(report.pair("knot-a", "pdns-b").valid());
  }

  @Test
  void afterCrossImportCheckerSaysAllValidAndUnboundValidatesBothWays() throws Exception {
    crossImport.importAll();
    LabSigner a = lab.signer("knot-a");
    LabSigner b = lab.signer("pdns-b");

    CheckReport report = check();
    System.out.println(report.render());

    assertThat(report.allValid()).as(report.render()).isTrue();

    Message bAfterA = unboundCaseC(a, b);
    Message aAfterB = unboundCaseC(b, a);
    assertThat(secure(bAfterA))
        .as("answer from pdns-b with DNSKEY from knot-a: %s", bAfterA)
        .isTrue();
    assertThat(secure(aAfterB))
        .as("answer from knot-a with DNSKEY from pdns-b: %s", aAfterB)
        .isTrue();
    assertThat(secure(bAfterA)).isEqualTo(report.pair("pdns-b", "knot-a").valid());
    assertThat(secure(aAfterB)).isEqualTo(report.pair("knot-a", "pdns-b").valid());
  }

  /** Issue 16's old behaviour: ZSKs shared, KSKs not. */
  @Test
  void cdsSignedOnlyByKnotsKskIsBogusWithPdnsKeysAndTheCheckerSaysSo() throws Exception {
    crossImport.withdrawAll();
    crossImport.importZsksOnly();
    LabSigner a = lab.signer("knot-a");
    LabSigner b = lab.signer("pdns-b");
    CheckReport report = check();
    boolean checkerKnotCdsWithPdnsKeys =
        report.failingCdsSignatures().stream()
            .noneMatch(p -> p.answerSigner().equals("knot-a") && p.keySource().equals("pdns-b"));
    boolean checkerPdnsCdsWithKnotKeys =
        report.failingCdsSignatures().stream()
            .noneMatch(p -> p.answerSigner().equals("pdns-b") && p.keySource().equals("knot-a"));

    UnboundValidator v = lab.validator();
    v.cacheDnskeyFrom(b);
    v.useOnly(a);
    Message knotCds = v.query(ZONE.toName(), Type.CDS);
    v.cacheDnskeyFrom(a);
    v.useOnly(b);
    Message pdnsCds = v.query(ZONE.toName(), Type.CDS);

    // Knot signs CDS/CDNSKEY with its KSK only; in model 2 that KSK is not in PowerDNS's RRset
    assertThat(checkerKnotCdsWithPdnsKeys).isFalse();
    assertThat(secure(knotCds)).isEqualTo(checkerKnotCdsWithPdnsKeys);
    // PowerDNS signs them with its KSK and its ZSK, which Knot's RRset holds after the import
    assertThat(checkerPdnsCdsWithKnotKeys).isTrue();
    assertThat(secure(pdnsCds)).isEqualTo(checkerPdnsCdsWithKnotKeys);
    // check (d) is a failure now, while the answer matrix (zone data) validates
    assertThat(report.matrixValid()).as(report.render()).isTrue();
    assertThat(report.allValid()).as(report.render()).isFalse();
    crossImport.withdrawAll();
  }

  /** Issue 16: with every signer's KSK in every DNSKEY RRset, Knot's CDS validates everywhere. */
  @Test
  void withKsksSharedTooKnotsCdsValidatesWithPdnsKeysAndCheckDHolds() throws Exception {
    crossImport.withdrawAll();
    crossImport.importAll();
    CheckReport report = check();
    System.out.println(report.render());

    UnboundValidator v = lab.validator();
    v.cacheDnskeyFrom(lab.signer("pdns-b"));
    v.useOnly(lab.signer("knot-a"));
    Message knotCds = v.query(ZONE.toName(), Type.CDS);

    assertThat(secure(knotCds)).as("Knot's CDS with PowerDNS's DNSKEY RRset: %s", knotCds).isTrue();
    assertThat(report.failingCdsSignatures()).as(report.render()).isEmpty();
    assertThat(report.allValid()).as(report.render()).isTrue();
  }
}
