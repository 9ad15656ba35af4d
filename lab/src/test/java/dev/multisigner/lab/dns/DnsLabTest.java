package dev.multisigner.lab.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The whole world for one zone: BIND parent, Knot + PowerDNS signers, Unbound validator. */
class DnsLabTest {

  static final Name WWW = Name.fromConstantString("www.example.test.");
  static DnsLab lab;

  @BeforeAll
  static void start() {
    lab =
        DnsLab.builder()
            .zone("example.test.")
            .knotSigner("knot-a")
            .pdnsSigner("pdns-b")
            .parentDsForAllSigners()
            .withValidator()
            .start();
  }

  @AfterAll
  static void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void startsParentTwoSignersAndValidatorWithinSeconds() {
    System.out.println("lab startup_ms=" + lab.startupTime().toMillis());
    assertThat(lab.startupTime()).isLessThan(Duration.ofSeconds(15));
    assertThat(lab.signers()).extracting(LabSigner::id).containsExactly("knot-a", "pdns-b");
    assertThat(lab.signers())
        .extracting(LabSigner::kind)
        .containsExactly(SignerKind.KNOT, SignerKind.PDNS);
    assertThat(lab.signers().stream().map(s -> s.dnsAddress().getPort()).distinct()).hasSize(2);
    assertThat(lab.parent().zone()).isEqualTo(Name.fromConstantString("test."));
  }

  @Test
  void validatorSecurelyResolvesEachSignerAlone() {
    UnboundValidator v = lab.validator();
    for (LabSigner s : lab.signers()) {
      v.flushZone();
      v.useOnly(s);
      Message m = v.query(WWW, Type.A);
      assertThat(Rcode.string(m.getRcode())).as("%s\n%s", s.id(), v.logTail()).isEqualTo("NOERROR");
      assertThat(m.getHeader().getFlag(Flags.AD)).as("AD via %s", s.id()).isTrue();
      assertThat(v.upstream()).isSameAs(s);
    }
  }

  @Test
  void knotListsItsOwnKeysAndServesThem() {
    KnotSigner k = lab.knot("knot-a");
    List<KnotKey> keys = new KnotKeystore(k).keys();
    assertThat(keys).hasSize(2);
    assertThat(keys).filteredOn(KnotKey::ksk).hasSize(1);
    List<Integer> served =
        DnsLab.servedDnskeys(k).stream().map(DNSKEYRecord::getFootprint).sorted().toList();
    assertThat(served)
        .containsExactlyInAnyOrderElementsOf(keys.stream().map(KnotKey::keyTag).toList());
  }

  @Test
  void pdnsSecureZoneGivesKskAndZsk() {
    PdnsSigner p = lab.pdns("pdns-b");
    List<DNSKEYRecord> served = DnsLab.servedDnskeys(p);
    assertThat(served).extracting(DNSKEYRecord::getFlags).containsExactlyInAnyOrder(256, 257);
    assertThat(p.pdnsutil("list-keys", "example.test.")).contains("KSK").contains("ZSK");
    assertThat(p.apiUrl().toString()).startsWith("http://127.0.0.1:").endsWith("/api/v1");
    assertThat(p.serverId()).isEqualTo("localhost");
    assertThat(p.toString()).doesNotContain(p.apiKey());
  }

  @Test
  void parentReplacesTheDsSetOverTsigAndValidationFollowsIt() {
    BindParent parent = lab.parent();
    List<DSRecord> all = lab.dsOfAllSigners();
    assertThat(all).hasSize(2);
    assertThat(parent.ds())
        .extracting(DSRecord::getFootprint)
        .containsExactlyInAnyOrderElementsOf(all.stream().map(DSRecord::getFootprint).toList());
    UnboundValidator v = lab.validator();
    try {
      // only Knot's KSK in the parent: PowerDNS's DNSKEY RRset no longer chains -> bogus
      List<DSRecord> knotOnly = BindParent.dsFor(DnsLab.servedDnskeys(lab.signer("knot-a")));
      parent.putDs(knotOnly);
      assertThat(parent.ds()).hasSize(1);
      v.flushZone();
      v.useOnly(lab.signer("pdns-b"));
      assertThat(Rcode.string(v.query(WWW, Type.A).getRcode())).isEqualTo("SERVFAIL");
      v.flushZone();
      v.useOnly(lab.signer("knot-a"));
      assertThat(v.query(WWW, Type.A).getHeader().getFlag(Flags.AD)).isTrue();
    } finally {
      parent.putDs(all);
    }
    assertThat(parent.ds()).hasSize(2);
    assertThat(parent.tsig().toString()).doesNotContain(parent.tsig().secret());
  }
}
