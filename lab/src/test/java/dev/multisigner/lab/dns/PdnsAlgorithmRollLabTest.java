package dev.multisigner.lab.dns;

import static dev.multisigner.lab.dns.AlgorithmRollChecks.ECDSA;
import static dev.multisigner.lab.dns.AlgorithmRollChecks.ED25519;
import static dev.multisigner.lab.dns.AlgorithmRollChecks.WWW;
import static dev.multisigner.lab.dns.AlgorithmRollChecks.assertBogus;
import static dev.multisigner.lab.dns.AlgorithmRollChecks.assertSecure;
import static dev.multisigner.lab.dns.AlgorithmRollChecks.assertSignedWith;
import static dev.multisigner.lab.dns.AlgorithmRollChecks.cdsAlgorithms;
import static dev.multisigner.lab.dns.AlgorithmRollChecks.dnskeyAlgorithms;
import static dev.multisigner.lab.dns.AlgorithmRollChecks.dsAlgorithms;
import static dev.multisigner.lab.dns.AlgorithmRollChecks.moveDsToEd25519;
import static dev.multisigner.lab.dns.AlgorithmRollChecks.rrsigAlgorithms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.lab.dns.PdnsKeystore.CryptoKey;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Type;

/**
 * PowerDNS 4.7's part of an algorithm rollover, ECDSA P-256 (13) to Ed25519 (15), through its
 * cryptokeys API as the provider's operator would, with the DS at the BIND parent moved by the test
 * as Multisigner would; Unbound validates every step. PowerDNS signs with every active key of every
 * algorithm, published or not, and all its caches are off: no step waits on PowerDNS.
 */
class PdnsAlgorithmRollLabTest {

  private static DnsLab lab() {
    return DnsLab.builder()
        .zone("example.test.")
        .pdnsSigner("pdns-b")
        .parentDsForAllSigners()
        .withValidator()
        .start();
  }

  @Test
  void rollsFromEcdsaToEd25519WithDoubleSignaturesAndStaysSecure() {
    try (DnsLab lab = lab()) {
      PdnsSigner p = lab.pdns("pdns-b");
      BindParent parent = lab.parent();
      PdnsKeystore keystore = new PdnsKeystore(p);
      assertThat(keystore.keys()).extracting(CryptoKey::algorithm).containsOnly(ECDSA);
      assertThat(dsAlgorithms(parent)).containsExactly(ECDSA);
      // the lab's Unbound does not insist on a signature of every DS algorithm
      assertThat(lab.validator().control("get_option", "harden-algo-downgrade").trim())
          .isEqualTo("no");
      List<DSRecord> oldDs = parent.ds();

      List<CryptoKey> added = keystore.startAlgorithmRoll(ED25519);
      assertThat(added).extracting(CryptoKey::keyType).containsExactly("ksk", "zsk");
      assertThat(added).allMatch(k -> k.algorithm() == ED25519 && k.active() && k.published());
      assertThatThrownBy(() -> keystore.startAlgorithmRoll(ED25519))
          .isInstanceOf(LabException.class);
      // one DNSKEY RRset of four keys, every RRset signed by both algorithms, CDS for both KSKs
      assertThat(DnsLab.servedDnskeys(p)).hasSize(4);
      assertThat(dnskeyAlgorithms(p)).containsExactly(ECDSA, ED25519);
      assertSignedWith(p, Set.of(ECDSA, ED25519));
      assertThat(cdsAlgorithms(p)).containsExactly(ECDSA, ED25519);
      assertSecure(lab, p, "(a) double-signed, DS 13 only");

      List<DSRecord> newDs = moveDsToEd25519(lab, p, oldDs);

      // RFC 6781 §4.1.4: the old DNSKEYs leave first, their signatures one DNSKEY TTL later
      keystore.unpublishAlgorithm(ECDSA);
      assertThat(dnskeyAlgorithms(p)).containsExactly(ED25519);
      assertThat(rrsigAlgorithms(p, p.zone(), Type.SOA)).containsExactly(ECDSA, ED25519);
      assertThat(cdsAlgorithms(p)).containsExactly(ED25519);
      assertSecure(lab, p, "(c) old DNSKEYs withdrawn, DS 15 only");

      keystore.removeAlgorithm(ECDSA);
      assertThat(keystore.keys())
          .extracting(CryptoKey::algorithm, CryptoKey::keyType)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(ED25519, "ksk"),
              org.assertj.core.groups.Tuple.tuple(ED25519, "zsk"));
      assertSignedWith(p, Set.of(ED25519));
      assertThat(DnsLab.servedDnskeys(p)).hasSize(2);
      assertSecure(lab, p, "(c) old keys removed, DS 15 only");
      // negative control: the old DS alone no longer leads to any key
      parent.putDs(oldDs);
      assertBogus(lab, p, "old keys removed, DS 13 only");
      parent.putDs(newDs);
      assertThatThrownBy(() -> keystore.removeAlgorithm(ED25519)).isInstanceOf(LabException.class);
    }
  }

  @Test
  void signsWithTheNewAlgorithmBeforePublishingItsKeys() {
    try (DnsLab lab = lab()) {
      PdnsSigner p = lab.pdns("pdns-b");
      PdnsKeystore keystore = new PdnsKeystore(p);
      keystore.startAlgorithmRoll(ED25519, false);
      // active but unpublished keys sign everything, the DNSKEY RRset included
      assertThat(dnskeyAlgorithms(p)).containsExactly(ECDSA);
      assertSignedWith(p, Set.of(ECDSA, ED25519));
      assertThat(cdsAlgorithms(p)).containsExactly(ECDSA);
      assertSecure(lab, p, "new signatures only, DS 13");

      keystore.publishAlgorithm(ED25519);
      assertThat(dnskeyAlgorithms(p)).containsExactly(ECDSA, ED25519);
      assertThat(rrsigAlgorithms(p, WWW, Type.A)).containsExactly(ECDSA, ED25519);
      assertSecure(lab, p, "double-signed, DS 13");
    }
  }
}
