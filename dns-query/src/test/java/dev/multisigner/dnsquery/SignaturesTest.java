package dev.multisigner.dnsquery;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Real ECDSA P-256 signatures made with dnsjava, checked at fixed instants. */
class SignaturesTest {

  private static final Name ZONE = Name.fromConstantString("example.test.");
  private static final Instant NOW = Instant.parse("2026-01-10T00:00:00Z");
  private static final Name CHILD = Name.fromConstantString("child.example.test.");
  private static final int[] DELEGATION = {Type.NS, Type.RRSIG, Type.NSEC};
  private static final int[] DELEGATION_WITH_DS = {Type.NS, Type.DS, Type.RRSIG, Type.NSEC};

  @Test
  void acceptsAnRrsetSignedByAZoneKeyOfTheSet() throws Exception {
    KeyPair pair = p256();
    DNSKEYRecord key = dnskey(pair, 257);
    RRset set = signed(key, pair, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));

    assertThat(Signatures.verify(set, List.of(key), NOW)).isEmpty();
  }

  @Test
  void refusesAnUnsignedRrsetAndSaysSo() {
    RRset set = new RRset(a());

    assertThat(Signatures.verify(set, List.of(), NOW)).hasValue("A example.test.: no RRSIG");
  }

  @Test
  void refusesASignatureByAKeyOutsideTheSetNamingTheTagAndTheSet() throws Exception {
    KeyPair signer = p256();
    KeyPair other = p256();
    DNSKEYRecord signerKey = dnskey(signer, 256);
    DNSKEYRecord otherKey = dnskey(other, 257);
    RRset set = signed(signerKey, signer, NOW.minusSeconds(60), NOW.plusSeconds(3600));

    assertThat(Signatures.verify(set, List.of(otherKey), NOW))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("RRSIG by " + signerKey.getFootprint())
                    .contains("key not in the DNSKEY RRset [KSK:" + otherKey.getFootprint()));
  }

  @Test
  void refusesAnExpiredSignature() throws Exception {
    KeyPair pair = p256();
    DNSKEYRecord key = dnskey(pair, 256);
    RRset set = signed(key, pair, NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofDays(1)));

    assertThat(Signatures.verify(set, List.of(key), NOW)).isPresent();
  }

  @Test
  void refusesAKeyWithoutTheZoneKeyFlag() throws Exception {
    KeyPair pair = p256();
    DNSKEYRecord notZoneKey = dnskey(pair, 0);
    RRset set = signed(notZoneKey, pair, NOW.minusSeconds(60), NOW.plusSeconds(3600));

    assertThat(Signatures.verify(set, List.of(notZoneKey), NOW)).isPresent();
  }

  @Test
  void aSignedNsecAtTheNameWithoutTheTypeProvesNoData() throws Exception {
    KeyPair pair = p256();
    DNSKEYRecord key = dnskey(pair, 257);

    Message withoutDs = nodata(CHILD, key, pair, DELEGATION);
    Message withDs = nodata(CHILD, key, pair, DELEGATION_WITH_DS);
    Message unsigned = new Message();
    unsigned.addRecord(nsec(CHILD, new int[] {Type.NS}), Section.AUTHORITY);

    assertThat(Signatures.noData(withoutDs, CHILD, Type.DS, List.of(key), NOW)).isEmpty();
    assertThat(Signatures.noData(withDs, CHILD, Type.DS, List.of(key), NOW))
        .hasValueSatisfying(why -> assertThat(why).contains("lists DS"));
    assertThat(Signatures.noData(unsigned, CHILD, Type.DS, List.of(key), NOW))
        .hasValueSatisfying(why -> assertThat(why).contains("no RRSIG"));
    assertThat(Signatures.noData(new Message(), CHILD, Type.DS, List.of(key), NOW))
        .hasValueSatisfying(why -> assertThat(why).contains("no NSEC"));
  }

  @Test
  void theMemoVerifiesAnUnchangedRrsetOnceUntilItsSignatureExpires() throws Exception {
    KeyPair pair = p256();
    DNSKEYRecord key = dnskey(pair, 257);
    Instant expires = NOW.plus(Duration.ofHours(1));
    RRset set = signed(key, pair, NOW.minusSeconds(60), expires);
    Signatures.Memo memo = new Signatures.Memo(10);

    assertThat(memo.verify(set, List.of(key), NOW)).isEmpty();
    assertThat(memo.verify(set, List.of(key), NOW.plusSeconds(600))).isEmpty();
    assertThat(memo.verifications()).isEqualTo(1);
    assertThat(memo.remembered()).isEqualTo(1);

    // at its expiration the signature is checked anew, and fails
    assertThat(memo.verify(set, List.of(key), expires.plusSeconds(1))).isPresent();
    assertThat(memo.verifications()).isEqualTo(2);
  }

  @Test
  void theMemoKnowsAnRrsetInAnyOrder() throws Exception {
    KeyPair pair = p256();
    DNSKEYRecord key = dnskey(pair, 257);
    ARecord one = new ARecord(ZONE, DClass.IN, 300, java.net.InetAddress.getByName("192.0.2.1"));
    ARecord two = new ARecord(ZONE, DClass.IN, 300, java.net.InetAddress.getByName("192.0.2.2"));
    RRset first = new RRset(one);
    first.addRR(two);
    RRSIGRecord sig =
        DNSSEC.sign(first, key, pair.getPrivate(), NOW.minusSeconds(60), NOW.plusSeconds(60));
    first.addRR(sig);
    RRset rotated = new RRset(two);
    rotated.addRR(one);
    rotated.addRR(sig);
    Signatures.Memo memo = new Signatures.Memo(10);

    assertThat(memo.verify(first, List.of(key), NOW)).isEmpty();
    assertThat(memo.verify(rotated, List.of(key), NOW)).isEmpty();
    assertThat(memo.verifications()).isEqualTo(1);
    assertThat(memo.remembered()).isEqualTo(1);
  }

  @Test
  void theMemoNeverAnswersForAnotherRrsetOrOtherKeysOrAFailure() throws Exception {
    KeyPair pair = p256();
    DNSKEYRecord key = dnskey(pair, 257);
    DNSKEYRecord stranger = dnskey(p256(), 257);
    RRset set = signed(key, pair, NOW.minusSeconds(60), NOW.plusSeconds(3600));
    Signatures.Memo memo = new Signatures.Memo(10);
    assertThat(memo.verify(set, List.of(key), NOW)).isEmpty();

    // the same signature over other data: not authentic, though the RRSIG is the one remembered
    RRset forged =
        new RRset(new ARecord(ZONE, DClass.IN, 300, java.net.InetAddress.getByName("192.0.2.1")));
    forged.addRR(set.sigs().get(0));
    assertThat(memo.verify(forged, List.of(key), NOW)).isPresent();
    // the remembered RRset under keys without its signer: checked, and refused
    assertThat(memo.verify(set, List.of(stranger), NOW)).isPresent();
    // a refusal is not remembered: checked again each time
    assertThat(memo.verify(forged, List.of(key), NOW)).isPresent();
    assertThat(memo.verifications()).isEqualTo(4);
    assertThat(memo.remembered()).isZero();
  }

  @Test
  void theMemoRemembersANoDataProofAndStartsOverWhenFull() throws Exception {
    KeyPair pair = p256();
    DNSKEYRecord key = dnskey(pair, 257);

    Message withoutDs = nodata(CHILD, key, pair, DELEGATION);
    Message withDs = nodata(CHILD, key, pair, DELEGATION_WITH_DS);
    Signatures.Memo memo = new Signatures.Memo(1);

    assertThat(memo.noData(withoutDs, CHILD, Type.DS, List.of(key), NOW)).isEmpty();
    assertThat(memo.noData(withoutDs, CHILD, Type.DS, List.of(key), NOW)).isEmpty();
    assertThat(memo.remembered()).isEqualTo(1);
    // an NSEC that lists DS proves nothing, remembered or not
    assertThat(memo.noData(withDs, CHILD, Type.DS, List.of(key), NOW)).isPresent();

    RRset other = signed(key, pair, NOW.minusSeconds(60), NOW.plusSeconds(3600));
    assertThat(memo.verify(other, List.of(key), NOW)).isEmpty();
    // capacity 1: remembering the A RRset dropped the NSEC proof, which is verified again
    assertThat(memo.noData(withoutDs, CHILD, Type.DS, List.of(key), NOW)).isEmpty();
    assertThat(memo.verifications()).isEqualTo(3);
  }

  private static Message nodata(Name child, DNSKEYRecord key, KeyPair pair, int[] types)
      throws Exception {
    RRset set = new RRset(nsec(child, types));
    set.addRR(DNSSEC.sign(set, key, pair.getPrivate(), NOW.minusSeconds(60), NOW.plusSeconds(60)));
    Message m = new Message();
    set.rrs().forEach(r -> m.addRecord(r, Section.AUTHORITY));
    set.sigs().forEach(r -> m.addRecord(r, Section.AUTHORITY));
    return m;
  }

  private static NSECRecord nsec(Name owner, int[] types) {
    return new NSECRecord(owner, DClass.IN, 300, Name.fromConstantString("z." + ZONE), types);
  }

  private static RRset signed(DNSKEYRecord key, KeyPair pair, Instant from, Instant to)
      throws Exception {
    RRset set = new RRset(a());
    RRSIGRecord sig = DNSSEC.sign(set, key, pair.getPrivate(), from, to);
    set.addRR(sig);
    return set;
  }

  private static ARecord a() {
    return new ARecord(ZONE, DClass.IN, 300, java.net.InetAddress.getLoopbackAddress());
  }

  private static DNSKEYRecord dnskey(KeyPair pair, int flags) throws Exception {
    return new DNSKEYRecord(
        ZONE,
        DClass.IN,
        300,
        flags,
        DNSKEYRecord.Protocol.DNSSEC,
        DNSSEC.Algorithm.ECDSAP256SHA256,
        pair.getPublic());
  }

  private static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }
}
