package dev.multisigner.domain.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.RrsigData;
import dev.multisigner.domain.model.ZoneName;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.TXTRecord;

/**
 * The simulator judges a resolver cache by key membership: an answer signed by key Z validates with
 * a cached DNSKEY RRset V if Z is in V, and V validates with a cached DS set D if a key that signs
 * V has its DS in D. This test holds that rule against real DNSSEC: ECDSA P-256 keys (generated
 * once for the class), RRSIGs made and verified by dnsjava, DS digests by dnsjava, over random
 * combinations of DNSKEY RRsets, signing keys and DS sets (the seed failure among them: DNSKEY
 * cached from one signer, answer signed by another).
 */
class ValidationOracleTest {

  private static final ZoneName ZONE = ZoneName.of("oracle.test.");
  private static final Instant NOW = Instant.parse("2026-11-29T20:00:00Z");
  private static final List<KeyPair> PAIRS = new ArrayList<>();
  private static final List<DNSKEYRecord> KEYS = new ArrayList<>();

  @BeforeAll
  static void generateKeys() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    int[] flags = {257, 256, 256, 257, 256, 256};
    for (int f : flags) {
      KeyPair p = gen.generateKeyPair();
      PAIRS.add(p);
      KEYS.add(
          new DNSKEYRecord(
              ZONE.toName(), DClass.IN, 60, f, DNSKEYRecord.Protocol.DNSSEC, 13, p.getPublic()));
    }
  }

  @Test
  void membershipRuleAgreesWithRealSignaturesOnRandomCaches() throws Exception {
    Random rnd = new Random(8901);
    int agreed = 0;
    int validCases = 0;
    for (int i = 0; i < 300; i++) {
      Set<Integer> inRrset = randomSubset(rnd);
      int kskSigner = rnd.nextBoolean() ? 0 : 3;
      int zskSigner = 1 + rnd.nextInt(2) + (rnd.nextBoolean() ? 0 : 3);
      Set<Integer> inDs = new TreeSet<>();
      if (rnd.nextBoolean()) {
        inDs.add(0);
      }
      if (rnd.nextBoolean()) {
        inDs.add(3);
      }
      inRrset.add(kskSigner);

      boolean real = realValidation(inRrset, kskSigner, zskSigner, inDs);
      boolean oracle = inRrset.contains(zskSigner) && inDs.contains(kskSigner);

      assertThat(real)
          .as("rrset %s signed by %d, answer by %d, DS %s", inRrset, kskSigner, zskSigner, inDs)
          .isEqualTo(oracle);
      agreed++;
      validCases += real ? 1 : 0;
    }
    assertThat(agreed).isEqualTo(300);
    assertThat(validCases).isBetween(20, 280);
  }

  @Test
  void theSeedFailureIsBogusAndTheImportFixesIt() throws Exception {
    // DNSKEY RRset of signer A (KSK 0, ZSK 1) cached; answer from signer B signed by its ZSK 4.
    assertThat(realValidation(Set.of(0, 1), 0, 4, Set.of(0, 3))).isFalse();
    // After B's ZSK was imported into A's RRset, the same answer validates.
    assertThat(realValidation(Set.of(0, 1, 4), 0, 4, Set.of(0, 3))).isTrue();
  }

  @Test
  void modelOneAnRrsetSignedByTheHolderValidatesOnlyForTheKeysItWasSignedOver() throws Exception {
    // Model 1 (RFC 8901 §2.1.1): signer B serves the RRset holder A signed for it: A's KSK 0, A's
    // ZSK 1, B's ZSK 4. The RRSIG travels as RrsigData (SignDnskeyRrset -> InstallSigned...).
    Instant inception = NOW.minusSeconds(3600);
    Instant expiration = NOW.plusSeconds(86400);
    RRset signedFor = rrset(0, 1, 4);
    RRSIGRecord made =
        DNSSEC.sign(signedFor, KEYS.get(0), PAIRS.get(0).getPrivate(), inception, expiration);
    RRSIGRecord carried = RrsigData.of(made).toRecord(ZONE, 60);

    assertThat(RrsigData.of(carried)).isEqualTo(RrsigData.of(made));
    assertThat(verifies(signedFor, carried, KEYS.get(0))).isTrue();
    // B's new ZSK 5 served with the old signature (not re-signed by the holder) is bogus ...
    assertThat(verifies(rrset(0, 1, 4, 5), carried, KEYS.get(0))).isFalse();
    // ... which is why the holder signs the RRset with it before B signs with it.
    RRSIGRecord resigned =
        DNSSEC.sign(
            rrset(0, 1, 4, 5), KEYS.get(0), PAIRS.get(0).getPrivate(), inception, expiration);
    assertThat(verifies(rrset(0, 1, 4, 5), resigned, KEYS.get(0))).isTrue();
    // And no key of B can stand in for the holder's KSK.
    RRSIGRecord byB =
        DNSSEC.sign(signedFor, KEYS.get(4), PAIRS.get(4).getPrivate(), inception, expiration);
    assertThat(verifies(signedFor, byB, KEYS.get(0))).isFalse();
  }

  private static RRset rrset(int... keys) {
    RRset set = new RRset();
    for (int k : keys) {
      set.addRR(KEYS.get(k));
    }
    return set;
  }

  private static Set<Integer> randomSubset(Random rnd) {
    Set<Integer> s = new TreeSet<>();
    for (int k = 0; k < KEYS.size(); k++) {
      if (rnd.nextBoolean()) {
        s.add(k);
      }
    }
    return s;
  }

  /** A validating resolver's verdict, with real RRSIGs and DS digests, for one cache content. */
  private static boolean realValidation(
      Set<Integer> inRrset, int kskSigner, int zskSigner, Set<Integer> inDs) throws Exception {
    Instant inception = NOW.minusSeconds(3600);
    Instant expiration = NOW.plusSeconds(86400);
    RRset dnskeys = new RRset();
    for (int k : inRrset) {
      dnskeys.addRR(KEYS.get(k));
    }
    RRSIGRecord dnskeySig =
        DNSSEC.sign(
            dnskeys, KEYS.get(kskSigner), PAIRS.get(kskSigner).getPrivate(), inception, expiration);
    RRset answer = new RRset();
    answer.addRR(
        new TXTRecord(Name.fromString("www", ZONE.toName()), DClass.IN, 60, "signed answer"));
    RRSIGRecord answerSig =
        DNSSEC.sign(
            answer, KEYS.get(zskSigner), PAIRS.get(zskSigner).getPrivate(), inception, expiration);
    List<DsData> ds = new ArrayList<>();
    for (int k : inDs) {
      ds.add(
          DsData.of(
              new DSRecord(ZONE.toName(), DClass.IN, 60, DSRecord.Digest.SHA256, KEYS.get(k))));
    }
    boolean dnskeyValid = false;
    for (var rr : dnskeys.rrs()) {
      DNSKEYRecord key = (DNSKEYRecord) rr;
      boolean hasDs = ds.stream().anyMatch(d -> d.references(ZONE, KeyData.of(key)));
      if (hasDs
          && key.getFootprint() == dnskeySig.getFootprint()
          && verifies(dnskeys, dnskeySig, key)) {
        dnskeyValid = true;
      }
    }
    if (!dnskeyValid) {
      return false;
    }
    for (var rr : dnskeys.rrs()) {
      DNSKEYRecord key = (DNSKEYRecord) rr;
      if (key.getFootprint() == answerSig.getFootprint() && verifies(answer, answerSig, key)) {
        return true;
      }
    }
    return false;
  }

  private static boolean verifies(RRset set, RRSIGRecord sig, DNSKEYRecord key) {
    try {
      DNSSEC.verify(set, sig, key, NOW);
      return true;
    } catch (DNSSEC.DNSSECException e) {
      return false;
    }
  }

  static {
    assertThat(GroupPolicy.SHA256).isEqualTo(DSRecord.Digest.SHA256);
  }
}
