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
import static dev.multisigner.lab.dns.AlgorithmRollChecks.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.multisigner.lab.dns.KnotKeystore.AlgorithmRollStep;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Type;

/**
 * Knot 3.2's own algorithm rollover, ECDSA P-256 (13) to Ed25519 (15), driven as its operator
 * would, with the DS at the BIND parent moved by the test as Multisigner would: Unbound validates
 * the zone through every step with the DS set holding the old algorithm only, both, and the new one
 * only. About 90 s: Knot publishes the new DNSKEYs 62 s after the start (propagation-delay +
 * zone-max-ttl) and readies the new KSK 12 s later.
 */
class KnotAlgorithmRollLabTest {

  @Test
  void rollsFromEcdsaToEd25519WithDoubleSignaturesAndStaysSecure() {
    try (DnsLab lab =
        DnsLab.builder()
            .zone("example.test.")
            .knotSigner("knot-a")
            .parentDsForAllSigners()
            .withValidator()
            .start()) {
      KnotSigner k = lab.knot("knot-a");
      KnotKeystore keys = new KnotKeystore(k);
      BindParent parent = lab.parent();
      assertThat(keys.policyAlgorithm()).isEqualTo(ECDSA);
      assertThat(keys.algorithmRollStep()).isEqualTo(AlgorithmRollStep.DONE);
      assertThat(dsAlgorithms(parent)).containsExactly(ECDSA);
      List<DSRecord> oldDs = parent.ds();
      assertThatThrownBy(() -> keys.startAlgorithmRoll(ECDSA))
          .isInstanceOf(IllegalArgumentException.class);

      long t0 = System.nanoTime();
      keys.startAlgorithmRoll(ED25519);
      assertThat(keys.policyAlgorithm()).isEqualTo(ED25519);
      // pre-active: new RRSIGs everywhere but over DNSKEY, no new DNSKEY yet
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(rrsigAlgorithms(k, k.zone(), Type.SOA))
                      .containsExactly(ECDSA, ED25519));
      assertThat(rrsigAlgorithms(k, WWW, Type.A)).containsExactly(ECDSA, ED25519);
      assertThat(dnskeyAlgorithms(k)).containsExactly(ECDSA);
      assertThat(rrsigAlgorithms(k, k.zone(), Type.DNSKEY)).containsExactly(ECDSA);
      assertSecure(lab, k, "new signatures only, DS 13");
      // too early: zone-ksk-submitted would confirm the old (ready) KSK
      assertThatThrownBy(keys::finishAlgorithmRoll).isInstanceOf(LabException.class);
      assertThatThrownBy(() -> keys.startAlgorithmRoll(14)).isInstanceOf(LabException.class);

      keys.awaitAlgorithmRollStep(AlgorithmRollStep.DOUBLE_SIGNED, Duration.ofSeconds(75));
      double doubleSigned = seconds(t0);
      await()
          .atMost(Duration.ofSeconds(3))
          .untilAsserted(() -> assertThat(dnskeyAlgorithms(k)).containsExactly(ECDSA, ED25519));
      assertSignedWith(k, Set.of(ECDSA, ED25519));
      assertThat(DnsLab.servedDnskeys(k)).hasSize(4);
      assertSecure(lab, k, "(a) double-signed, DS 13 only");

      List<DSRecord> newDs = moveDsToEd25519(lab, k, oldDs);

      keys.awaitAlgorithmRollStep(AlgorithmRollStep.AWAITING_DS, Duration.ofSeconds(20));
      double ready = seconds(t0);
      // Knot's own CDS/CDNSKEY now name the new KSK only
      await()
          .atMost(Duration.ofSeconds(3))
          .untilAsserted(() -> assertThat(cdsAlgorithms(k)).containsExactly(ED25519));
      assertSignedWith(k, Set.of(ECDSA, ED25519));
      assertSecure(lab, k, "new KSK ready, DS 15 only");

      long tFinish = System.nanoTime();
      keys.finishAlgorithmRoll();
      await()
          .atMost(Duration.ofSeconds(3))
          .untilAsserted(() -> assertThat(dnskeyAlgorithms(k)).containsExactly(ED25519));
      assertThat(rrsigAlgorithms(k, k.zone(), Type.DNSKEY)).containsExactly(ED25519);
      assertThat(keys.algorithmRollStep()).isEqualTo(AlgorithmRollStep.OLD_SIGNATURES);
      assertSecure(lab, k, "(c) old DNSKEYs withdrawn, DS 15 only");

      keys.awaitAlgorithmRollStep(AlgorithmRollStep.DONE, Duration.ofSeconds(20));
      double done = seconds(tFinish);
      await()
          .atMost(Duration.ofSeconds(3))
          .untilAsserted(() -> assertSignedWith(k, Set.of(ED25519)));
      assertThat(DnsLab.servedDnskeys(k))
          .extracting(d -> d.getFlags())
          .containsExactlyInAnyOrder(256, 257);
      assertSecure(lab, k, "(c) old keys removed, DS 15 only");
      // negative control: the old DS alone no longer leads to any key
      parent.putDs(oldDs);
      assertBogus(lab, k, "old keys removed, DS 13 only");
      parent.putDs(newDs);

      // the policy change is in knot.conf: a restart neither rolls back nor generates keys
      int count = keys.keys().size();
      k.restart();
      assertThat(keys.algorithmRollStep()).isEqualTo(AlgorithmRollStep.DONE);
      assertThat(keys.keys()).hasSize(count);
      assertThat(dnskeyAlgorithms(k)).containsExactly(ED25519);
      assertSecure(lab, k, "after a restart");
      System.out.printf(
          "knot algorithm roll 13->15: double-signed %.1f s, new KSK ready %.1f s after the"
              + " start; old keys gone %.1f s after the finish; total %.1f s%n",
          doubleSigned, ready, done, seconds(t0));
    }
  }
}
