package dev.multisigner.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotKey;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.UnboundValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The real failure model 2 exists to prevent: Knot rolls its ZSK (pre-publish, RFC 7583 §3.3.1) and
 * the coordinator imports the new ZSK into PowerDNS only after Knot already signs with it. Until
 * then, a resolver holding PowerDNS's DNSKEY RRset gets bogus answers from Knot; checker and
 * Unbound must both see it, and both must see it healed after the late import.
 */
class CheckerAgreesWithUnboundDuringZskRollTest {

  static final ZoneName ZONE = ZoneName.of("example.test.");
  static final Name WWW = Name.fromConstantString("www.example.test.");

  static DnsLab lab;
  static ManualCrossImport crossImport;
  final CrossSignerChecker checker = new CrossSignerChecker();

  @BeforeAll
  static void startLab() throws Exception {
    lab =
        DnsLab.builder()
            .zone(ZONE.value())
            .knotSigner("knot-a")
            .pdnsSigner("pdns-b")
            .parentDsForAllSigners()
            .withValidator()
            .start();
    crossImport = new ManualCrossImport(lab);
    crossImport.importAll();
  }

  @AfterAll
  static void stopLab() {
    if (lab != null) {
      lab.close();
    }
  }

  CheckReport check() {
    return checker.check(
        ZONE,
        lab.signers().stream().map(s -> new SignerEndpoint(s.id(), s.dnsAddress())).toList(),
        new ParentEndpoint(lab.parent().dnsAddress(), lab.parent().trustAnchor()),
        Instant.now());
  }

  boolean unboundSecure(LabSigner keys, LabSigner answers) {
    UnboundValidator v = lab.validator();
    Message dnskey = v.cacheDnskeyFrom(keys);
    assertThat(dnskey.getHeader().getFlag(Flags.AD)).as("DNSKEY via %s", keys.id()).isTrue();
    v.useOnly(answers);
    Message m = v.query(WWW, Type.A);
    return m.getRcode() == Rcode.NOERROR && m.getHeader().getFlag(Flags.AD);
  }

  static Set<Integer> soaSignedBy(LabSigner s) {
    return ManualCrossImport.signatures(s, Type.SOA).stream()
        .map(RRSIGRecord::getFootprint)
        .collect(Collectors.toSet());
  }

  @Test
  void lateImportOfTheNewKnotZskIsBogusForBothUntilImported() throws Exception {
    KnotSigner knot = lab.knot("knot-a");
    LabSigner pdns = lab.signer("pdns-b");
    assertThat(check().allValid()).isTrue();
    Set<Integer> before =
        new KnotKeystore(knot).keys().stream().map(KnotKey::keyTag).collect(Collectors.toSet());

    new KnotKeystore(knot).rollZsk();
    // publish -> active takes propagation-delay (2 s) + dnskey-ttl (10 s) in the lab policy
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !before.containsAll(soaSignedBy(knot)));

    CheckReport stale = check();
    System.out.println(stale.render());
    boolean knotAnswersWithPdnsKeys = unboundSecure(pdns, knot);
    boolean pdnsAnswersWithKnotKeys = unboundSecure(knot, pdns);
    assertThat(stale.pair("knot-a", "pdns-b").valid()).isFalse();
    assertThat(stale.pair("pdns-b", "knot-a").valid()).isTrue();
    assertThat(knotAnswersWithPdnsKeys).isEqualTo(stale.pair("knot-a", "pdns-b").valid());
    assertThat(pdnsAnswersWithKnotKeys).isEqualTo(stale.pair("pdns-b", "knot-a").valid());

    crossImport.refreshOwnKeys(knot);
    crossImport.importAll();

    CheckReport healed = check();
    System.out.println(healed.render());
    assertThat(healed.allValid()).as(healed.render()).isTrue();
    assertThat(unboundSecure(pdns, knot)).isTrue();
    assertThat(unboundSecure(knot, pdns)).isTrue();
  }
}
