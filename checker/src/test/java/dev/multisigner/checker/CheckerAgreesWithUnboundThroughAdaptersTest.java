package dev.multisigner.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.lab.dns.UnboundValidator;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.powerdns.PowerDnsAdapter;
import dev.multisigner.providers.rfc2136.Rfc2136Adapter;
import dev.multisigner.providers.rfc2136.TsigKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Issue 4's proof through the provider adapters (RFC 2136 + TSIG for Knot, the HTTP API for
 * PowerDNS): before the ZSK cross-import, after it, and after withdrawing it again, the checker's
 * matrix and Unbound's verdict in case (c) agree, in both directions.
 */
class CheckerAgreesWithUnboundThroughAdaptersTest {

  static final ZoneName ZONE = ZoneName.of("example.test.");
  static final Name WWW = Name.fromConstantString("www.example.test.");

  @Test
  void checkerAndUnboundAgreeBeforeAfterAndWithoutTheCrossImport() throws Exception {
    try (DnsLab lab =
        DnsLab.builder()
            .zone(ZONE.value())
            .knotSigner("knot-a")
            .pdnsSigner("pdns-b")
            .parentDsForAllSigners()
            .withValidator()
            .start()) {
      KnotSigner k = lab.knot("knot-a");
      PdnsSigner p = lab.pdns("pdns-b");
      DnsProvider knot =
          Rfc2136Adapter.knot(
              SignerId.of(k.id()),
              k.dnsAddress(),
              new TsigKey(k.tsig().name(), k.tsig().algorithm(), Secret.of(k.tsig().secret())));
      DnsProvider pdns =
          new PowerDnsAdapter(
              SignerId.of(p.id()),
              p.apiUrl(),
              p.serverId(),
              Secret.of(p.apiKey()),
              p.dnsAddress(),
              Duration.ofSeconds(3));
      // before any import, everything a signer serves is its own
      Own knotOwn = Own.of(k);
      Own pdnsOwn = Own.of(p);
      Map<DnsProvider, Own> foreign = Map.of(knot, pdnsOwn, pdns, knotOwn);

      assertAgreement(lab, false);

      for (Map.Entry<DnsProvider, Own> e : foreign.entrySet()) {
        e.getKey().importDnskeys(ZONE, e.getValue().zsks());
        e.getKey().publishCdsCdnskey(ZONE, e.getValue().cds(), e.getValue().cdnskeys());
      }
      assertAgreement(lab, true);

      for (Map.Entry<DnsProvider, Own> e : foreign.entrySet()) {
        e.getKey().withdrawDnskeys(ZONE, e.getValue().zsks());
        e.getKey().withdrawCdsCdnskey(ZONE, e.getValue().cds(), e.getValue().cdnskeys());
      }
      assertAgreement(lab, false);
    }
  }

  /** A signer's own ZSKs and CDS/CDNSKEY, read before anything was imported. */
  record Own(List<DNSKEYRecord> zsks, List<CDSRecord> cds, List<CDNSKEYRecord> cdnskeys) {
    static Own of(LabSigner s) {
      List<DNSKEYRecord> zsks = new ArrayList<>();
      for (Record r : ManualCrossImport.served(s, Type.DNSKEY)) {
        if ((((DNSKEYRecord) r).getFlags() & DNSKEYRecord.Flags.SEP_KEY) == 0) {
          zsks.add((DNSKEYRecord) r);
        }
      }
      return new Own(
          zsks,
          ManualCrossImport.served(s, Type.CDS).stream().map(r -> (CDSRecord) r).toList(),
          ManualCrossImport.served(s, Type.CDNSKEY).stream().map(r -> (CDNSKEYRecord) r).toList());
    }
  }

  static void assertAgreement(DnsLab lab, boolean expectSecure) {
    CheckReport report =
        new CrossSignerChecker()
            .check(
                ZONE,
                lab.signers().stream()
                    .map(s -> new SignerEndpoint(s.id(), s.dnsAddress()))
                    .toList(),
                new ParentEndpoint(lab.parent().dnsAddress(), lab.parent().trustAnchor()),
                Instant.now());
    System.out.println(report.render());
    assertThat(report.allValid()).as(report.render()).isEqualTo(expectSecure);
    for (LabSigner keys : lab.signers()) {
      for (LabSigner answers : lab.signers()) {
        if (keys == answers) {
          continue;
        }
        UnboundValidator v = lab.validator();
        v.cacheDnskeyFrom(keys);
        v.useOnly(answers);
        Message m = v.query(WWW, Type.A);
        boolean unboundSecure = m.getRcode() == Rcode.NOERROR && m.getHeader().getFlag(Flags.AD);
        String what = "answers from " + answers.id() + ", DNSKEY from " + keys.id();
        assertThat(unboundSecure).as("Unbound, " + what).isEqualTo(expectSecure);
        assertThat(report.pair(answers.id(), keys.id()).valid())
            .as("checker agrees with Unbound, " + what)
            .isEqualTo(unboundSecure);
      }
    }
  }
}
