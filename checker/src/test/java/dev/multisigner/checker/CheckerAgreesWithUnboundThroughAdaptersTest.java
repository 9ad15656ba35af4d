package dev.multisigner.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.CrossProviderProbe;
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
 * matrix and Unbound's verdict in case (c) agree, in both directions. Issue 16's: with the ZSKs
 * shared but not the KSKs, the broadened probe (every kind a resolver or a parent's scanner asks)
 * finds CDS/CDNSKEY bogus, as the checker's (d) does; with the KSKs shared too, nothing is.
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

      // Before issue 16: the ZSKs and the CDS/CDNSKEY are shared, the KSKs are not. Zone data
      // validates across providers, but the broadened probe catches CDS/CDNSKEY: Knot signs them
      // with its KSK alone, which PowerDNS's DNSKEY RRset lacks (RFC 7344 §4.1, RFC 9975).
      for (Map.Entry<DnsProvider, Own> e : foreign.entrySet()) {
        e.getKey().importDnskeys(ZONE, e.getValue().zsks());
        e.getKey().publishCdsCdnskey(ZONE, e.getValue().cds(), e.getValue().cdnskeys());
      }
      assertAgreement(lab, true);
      List<CrossProviderProbe.Result> zsksOnly = probeAgreesWithChecker(lab);
      assertThat(zsksOnly)
          .filteredOn(r -> r.verdict() == CrossProviderProbe.Verdict.BOGUS)
          .as("the probe catches the old behaviour")
          .isNotEmpty()
          .allMatch(r -> r.asked().equals("CDS") || r.asked().equals("CDNSKEY"))
          .anyMatch(r -> r.answersFrom().equals("knot-a") && r.keysFrom().equals("pdns-b"));

      // Issue 16: the KSKs are shared too; every kind of probe validates both ways.
      for (Map.Entry<DnsProvider, Own> e : foreign.entrySet()) {
        e.getKey().importDnskeys(ZONE, e.getValue().ksks());
      }
      assertAgreement(lab, true);
      List<CrossProviderProbe.Result> shared = probeAgreesWithChecker(lab);
      assertThat(shared)
          .hasSize(2 * 7)
          .allMatch(r -> r.verdict() == CrossProviderProbe.Verdict.SECURE);
      assertThat(shared).extracting(CrossProviderProbe.Result::kind).contains("CDS", "CDNSKEY");

      for (Map.Entry<DnsProvider, Own> e : foreign.entrySet()) {
        e.getKey().withdrawDnskeys(ZONE, e.getValue().zsks());
        e.getKey().withdrawDnskeys(ZONE, e.getValue().ksks());
        e.getKey().withdrawCdsCdnskey(ZONE, e.getValue().cds(), e.getValue().cdnskeys());
      }
      assertAgreement(lab, false);
    }
  }

  /**
   * Runs the cross-provider probe; its verdict on CDS/CDNSKEY agrees with the checker's check (d)
   * for every ordered pair.
   */
  static List<CrossProviderProbe.Result> probeAgreesWithChecker(DnsLab lab) {
    CheckReport report = check(lab);
    List<CrossProviderProbe.Result> probe = CrossProviderProbe.round(lab, java.util.Set.of());
    probe.forEach(r -> System.out.println("probe: " + r));
    for (CrossProviderProbe.Result r : probe) {
      if (r.kind().equals("CDS") || r.kind().equals("CDNSKEY")) {
        boolean checker =
            report.cdsSignatures().stream()
                .filter(p -> p.answerSigner().equals(r.answersFrom()))
                .filter(p -> p.keySource().equals(r.keysFrom()))
                .allMatch(PairResult::valid);
        assertThat(r.verdict() == CrossProviderProbe.Verdict.SECURE)
            .as("checker (d) agrees with Unbound: %s\n%s", r, report.render())
            .isEqualTo(checker);
      }
    }
    return probe;
  }

  /** A signer's own ZSKs, KSKs and CDS/CDNSKEY, read before anything was imported. */
  record Own(
      List<DNSKEYRecord> zsks,
      List<DNSKEYRecord> ksks,
      List<CDSRecord> cds,
      List<CDNSKEYRecord> cdnskeys) {
    static Own of(LabSigner s) {
      List<DNSKEYRecord> zsks = new ArrayList<>();
      List<DNSKEYRecord> ksks = new ArrayList<>();
      for (Record r : ManualCrossImport.served(s, Type.DNSKEY)) {
        DNSKEYRecord k = (DNSKEYRecord) r;
        ((k.getFlags() & DNSKEYRecord.Flags.SEP_KEY) == 0 ? zsks : ksks).add(k);
      }
      return new Own(
          zsks,
          ksks,
          ManualCrossImport.served(s, Type.CDS).stream().map(r -> (CDSRecord) r).toList(),
          ManualCrossImport.served(s, Type.CDNSKEY).stream().map(r -> (CDNSKEYRecord) r).toList());
    }
  }

  static CheckReport check(DnsLab lab) {
    return new CrossSignerChecker()
        .check(
            ZONE,
            lab.signers().stream().map(s -> new SignerEndpoint(s.id(), s.dnsAddress())).toList(),
            new ParentEndpoint(lab.parent().dnsAddress(), lab.parent().trustAnchor()),
            Instant.now());
  }

  /** The answer matrix (zone data, check (b)) and Unbound's case (c) for www agree. */
  static void assertAgreement(DnsLab lab, boolean expectSecure) {
    CheckReport report = check(lab);
    System.out.println(report.render());
    assertThat(report.matrixValid()).as(report.render()).isEqualTo(expectSecure);
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
