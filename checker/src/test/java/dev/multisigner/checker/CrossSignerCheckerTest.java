package dev.multisigner.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.ZoneName;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/** The checker's judgement on signed data made here, at a fixed instant (no network). */
class CrossSignerCheckerTest {

  static final ZoneName ZONE = ZoneName.of("example.test.");
  static final Name APEX = ZONE.toName();
  static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  static final Instant INCEPTION = NOW.minus(Duration.ofHours(1));
  static final Instant EXPIRATION = NOW.plus(Duration.ofDays(7));

  record Keys(
      String id, KeyPair ksk, DNSKEYRecord kskRecord, KeyPair zsk, DNSKEYRecord zskRecord) {}

  static Keys a;
  static Keys b;

  @BeforeAll
  static void keys() throws Exception {
    a = keys("signer-a");
    b = keys("signer-b");
  }

  static Keys keys(String id) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ksk = g.generateKeyPair();
    KeyPair zsk = g.generateKeyPair();
    return new Keys(
        id,
        ksk,
        new DNSKEYRecord(APEX, DClass.IN, 10, 257, 3, 13, ksk.getPublic()),
        zsk,
        new DNSKEYRecord(APEX, DClass.IN, 10, 256, 3, 13, zsk.getPublic()));
  }

  /**
   * What signer {@code k} serves; {@code foreign} are the other signers whose KSK and ZSK it
   * imported (model 2 as Multisigner runs it, issue 16); CDS/CDNSKEY signed with its KSK.
   */
  static SignerSnapshot snapshot(Keys k, List<Keys> foreign, List<Keys> cdsFor) throws Exception {
    return snapshot(k, foreign, cdsFor, true);
  }

  /** As {@link #snapshot(Keys, List, List)}, importing the other signers' ZSKs only. */
  static SignerSnapshot snapshotZsksOnly(Keys k, List<Keys> foreign, List<Keys> cdsFor)
      throws Exception {
    return snapshot(k, foreign, cdsFor, false);
  }

  private static SignerSnapshot snapshot(
      Keys k, List<Keys> foreign, List<Keys> cdsFor, boolean kskToo) throws Exception {
    List<Record> dnskeys = new ArrayList<>(List.of(k.kskRecord(), k.zskRecord()));
    for (Keys f : foreign) {
      dnskeys.add(f.zskRecord());
      if (kskToo) {
        dnskeys.add(f.kskRecord());
      }
    }
    RRset dnskey = signed(new RRset(dnskeys), k.kskRecord(), k.ksk());
    SOARecord soa =
        new SOARecord(
            APEX,
            DClass.IN,
            60,
            Name.fromConstantString("ns1.example.test."),
            Name.fromConstantString("hostmaster.example.test."),
            1,
            60,
            30,
            600,
            10);
    NSECRecord nsec =
        new NSECRecord(
            APEX,
            DClass.IN,
            10,
            Name.fromConstantString("www.example.test."),
            new int[] {Type.SOA, Type.NS, Type.DNSKEY, Type.RRSIG, Type.NSEC});
    List<RRset> answers =
        List.of(
            signed(new RRset(soa), k.zskRecord(), k.zsk()),
            signed(new RRset(nsec), k.zskRecord(), k.zsk()));
    List<Record> cds = new ArrayList<>();
    List<Record> cdnskey = new ArrayList<>();
    for (Keys c : cdsFor) {
      cds.add(new CDSRecord(APEX, DClass.IN, 10, DSRecord.SHA256_DIGEST_ID, c.kskRecord()));
      cdnskey.add(new CDNSKEYRecord(APEX, DClass.IN, 10, 257, 3, 13, c.kskRecord().getKey()));
    }
    return new SignerSnapshot(
        new SignerEndpoint(k.id(), new InetSocketAddress("127.0.0.1", 53)),
        dnskey,
        answers,
        cds.isEmpty() ? new RRset() : signed(new RRset(cds), k.kskRecord(), k.ksk()),
        cdnskey.isEmpty() ? new RRset() : signed(new RRset(cdnskey), k.kskRecord(), k.ksk()),
        List.of());
  }

  static RRset signed(RRset rrset, DNSKEYRecord key, KeyPair pair) throws Exception {
    rrset.addRR(DNSSEC.sign(rrset, key, pair.getPrivate(), INCEPTION, EXPIRATION));
    return rrset;
  }

  static List<DSRecord> ds(Keys... keys) {
    List<DSRecord> out = new ArrayList<>();
    for (Keys k : keys) {
      out.add(new DSRecord(APEX, DClass.IN, 60, DSRecord.SHA256_DIGEST_ID, k.kskRecord()));
    }
    return out;
  }

  static CheckReport evaluate(List<SignerSnapshot> s, List<DSRecord> ds, Instant at) {
    return CrossSignerChecker.evaluate(ZONE, s, ds, List.of(), at);
  }

  @Test
  void crossImportedSignersValidateInEveryPair() throws Exception {
    CheckReport r =
        evaluate(
            List.of(snapshot(a, List.of(b), List.of(a, b)), snapshot(b, List.of(a), List.of(a, b))),
            ds(a, b),
            NOW);
    assertThat(r.allValid()).as(r.render()).isTrue();
    assertThat(r.matrix()).hasSize(4).allMatch(PairResult::valid);
    assertThat(r.render()).contains("ALL VALID");
  }

  @Test
  void missingZskImportFailsExactlyTheCrossPairWithTheUnknownKey() throws Exception {
    // b imported a's ZSK, a did not import b's: answers from b cannot validate with a's keys
    CheckReport r =
        evaluate(
            List.of(snapshot(a, List.of(), List.of(a, b)), snapshot(b, List.of(a), List.of(a, b))),
            ds(a, b),
            NOW);
    assertThat(r.allValid()).isFalse();
    assertThat(r.failingPairs())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.answerSigner()).isEqualTo("signer-b");
              assertThat(p.keySource()).isEqualTo("signer-a");
              assertThat(p.reasons())
                  .allMatch(
                      reason ->
                          reason.contains(
                              "RRSIG by "
                                  + b.zskRecord().getFootprint()
                                  + ": key not in the DNSKEY RRset"));
            });
    assertThat(r.pair("signer-a", "signer-b").valid()).isTrue();
    assertThat(r.render()).contains("FAIL answers=signer-b keys=signer-a");
  }

  @Test
  void expiredSignaturesFailEveryPair() throws Exception {
    CheckReport r =
        evaluate(
            List.of(snapshot(a, List.of(b), List.of(a, b)), snapshot(b, List.of(a), List.of(a, b))),
            ds(a, b),
            EXPIRATION.plus(Duration.ofMinutes(1)));
    assertThat(r.failingPairs()).hasSize(4);
    assertThat(r.failingChains()).hasSize(2);
    assertThat(r.failingPairs().get(0).reasons().get(0)).containsIgnoringCase("expired");
  }

  @Test
  void signerWhoseKskHasNoDsDoesNotChain() throws Exception {
    CheckReport r =
        evaluate(
            // ZSKs shared only: with the KSKs shared, a's DS would match a key in b's RRset too
            List.of(
                snapshotZsksOnly(a, List.of(b), List.of(a, b)),
                snapshotZsksOnly(b, List.of(a), List.of(a, b))),
            ds(a),
            NOW);
    assertThat(r.chain("signer-a").orElseThrow().valid()).isTrue();
    assertThat(r.chain("signer-b").orElseThrow().valid()).isFalse();
    assertThat(r.chain("signer-b").orElseThrow().detail()).contains("no DS matches");
    assertThat(r.matrixValid()).isTrue();
    assertThat(r.allValid()).isFalse();
  }

  /** Issue 16's old behaviour: ZSKs shared, KSKs not; CDS/CDNSKEY signed by the KSK alone. */
  @Test
  void cdsSignedByAKskTheOtherSignerDoesNotServeFailsCheckD() throws Exception {
    CheckReport r =
        evaluate(
            List.of(
                snapshotZsksOnly(a, List.of(b), List.of(a, b)),
                snapshotZsksOnly(b, List.of(a), List.of(a, b))),
            ds(a, b),
            NOW);

    assertThat(r.matrixValid()).isTrue();
    assertThat(r.cds().consistent()).isTrue();
    assertThat(r.failingCdsSignatures())
        .extracting(p -> p.answerSigner() + " with keys of " + p.keySource())
        .containsExactlyInAnyOrder(
            "signer-a with keys of signer-b", "signer-b with keys of signer-a");
    assertThat(r.allValid()).isFalse();
    assertThat(r.render())
        .contains("(d) CDS/CDNSKEY signatures validate with every signer's DNSKEY RRset: FAIL")
        .contains("FAIL answers=signer-a keys=signer-b");
  }

  @Test
  void differentCdsAtTheSignersIsReported() throws Exception {
    CheckReport r =
        evaluate(
            List.of(snapshot(a, List.of(b), List.of(a)), snapshot(b, List.of(a), List.of(a, b))),
            ds(a, b),
            NOW);
    assertThat(r.cds().consistent()).isFalse();
    assertThat(r.cds().reasons())
        .anyMatch(s -> s.startsWith("CDS at signer-b"))
        .anyMatch(s -> s.startsWith("CDNSKEY at signer-b"));
    assertThat(r.matrixValid()).isTrue();
    assertThat(r.allValid()).isFalse();
  }

  @Test
  void parentProblemsFailEveryChain() throws Exception {
    CheckReport r =
        CrossSignerChecker.evaluate(
            ZONE,
            List.of(snapshot(a, List.of(b), List.of(a, b)), snapshot(b, List.of(a), List.of(a, b))),
            List.of(),
            List.of("DS RRset for example.test. is not signed"),
            NOW);
    assertThat(r.failingChains()).hasSize(2).allMatch(c -> c.detail().contains("not signed"));
    assertThat(r.render()).contains("parent: DS RRset for example.test. is not signed");
  }
}
