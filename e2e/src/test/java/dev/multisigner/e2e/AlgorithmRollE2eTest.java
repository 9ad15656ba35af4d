package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.DNSKEY_TTL;
import static dev.multisigner.e2e.E2eWorld.PROPAGATION;
import static dev.multisigner.e2e.E2eWorld.ZONE;
import static dev.multisigner.e2e.E2eWorld.await;
import static dev.multisigner.e2e.E2eWorld.secondsSince;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.KnotSigner.AlgorithmRollStep;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.PdnsKeystore;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.schemas.avro.ZoneEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Type;

/**
 * An algorithm rollover of a live model 2 group, all real (draft-ietf-dnsop-dnssec-automation
 * "Algorithm rollover", RFC 6781 §4.1.4 double signature, RFC 7583 §3.4): example.test. signed by
 * Knot and PowerDNS with ECDSA P-256 (13) moves to Ed25519 (15) after {@code POST
 * /zones/{zone}/algorithm-rollover}, to the end: no signer serves an algorithm 13 key, the parent
 * holds DS of algorithm 15 only, and the group's policy says 15.
 *
 * <p>Multisigner does not start a provider's key rollover (no adapter can: Knot's algorithm is in
 * its configuration, and a real provider rolls its keys itself); the test plays each provider's
 * operator as the lab does: Knot's own automatic roll (policy algorithm changed, {@code
 * zone-ksk-submitted} once Multisigner says the old DS is gone), PowerDNS's keys through its
 * cryptokeys API (new keys signing first, published when Knot publishes, old ones unpublished and
 * then removed). Multisigner cross-imports the new ZSKs, keeps algorithm 15 out of CDS/DS until
 * both double-sign and the waits passed, moves the DS, tells the operators when the old keys may
 * go, and withdraws the foreign old ZSKs. Unbound, asked across providers the whole time, must
 * never see a bogus answer.
 */
class AlgorithmRollE2eTest {

  private static final int ECDSA = 13;
  private static final int ED25519 = 15;

  @TempDir Path dir;

  @Test
  void rollsTheGroupFromEcdsaToEd25519AtKnotAndPowerDnsWithoutABogusAnswer() throws Exception {
    try (E2eWorld w = E2eWorld.start(dir, false)) {
      KnotSigner knot = w.lab.knot(E2eWorld.KNOT);
      PdnsSigner pdns = w.lab.pdns(E2eWorld.PDNS);
      PdnsKeystore keystore = new PdnsKeystore(pdns);

      w.enroll();
      assertThat(await(Duration.ofMinutes(2), w::converged))
          .as("converged after enrollment:\n%s\n%s", w.check().render(), w.auditText())
          .isTrue();
      Set<Integer> oldDs = w.parentDsTags();
      assertThat(dsAlgorithms(w)).containsExactly(ECDSA);
      long t0 = System.nanoTime();

      // 1. The operator asks Multisigner for the roll before any provider starts it: until then a
      // key of another algorithm would halt the zone.
      w.sendToApi(
          "POST",
          "/zones/" + ZONE + "/algorithm-rollover",
          "{\"algorithm\":15,\"operator\":\"e2e\"}");
      assertThat(await(Duration.ofSeconds(30), () -> has(w, "AlgorithmRollStarted", "")))
          .as(w.auditText())
          .isTrue();

      // 2. Each provider's operator starts its own roll, new signatures first (RFC 6781 §4.1.4).
      knot.startAlgorithmRoll(ED25519);
      keystore.startAlgorithmRoll(ED25519, false);
      // Knot publishes its new DNSKEYs after propagation-delay + zone-max-ttl; PowerDNS's operator
      // publishes then too.
      knot.awaitAlgorithmRollStep(AlgorithmRollStep.DOUBLE_SIGNED, Duration.ofSeconds(120));
      keystore.publishAlgorithm(ED25519);
      double published = secondsSince(t0);

      // 3. Multisigner: both double-sign, max(DNSKEY-Wait-Time, signature wait), DS 13+15, DS-Wait,
      // DS 15 only, DS-Wait, then the operators may let the old keys go.
      assertThat(
              await(
                  Duration.ofMinutes(4),
                  () -> has(w, "AlgorithmRollAdvanced", "may now stop signing")))
          .as("the roll reached its last step\n%s", w.auditText())
          .isTrue();
      double oldKeysMayGo = secondsSince(t0);
      assertThat(dsAlgorithms(w)).containsExactly(ED25519);
      List<ZoneEvent> events = w.audit();
      assertThat(summaries(events, "AlgorithmRollAdvanced"))
          .anyMatch(s -> s.contains("parent DS holds algorithm 15"))
          .anyMatch(s -> s.contains("parent DS without algorithm 13"));
      // both algorithms' DS were at the parent together before the old one left (RFC 7583 §3.4.1)
      assertThat(dnskeyAlgorithms(w, knot)).contains(ECDSA, ED25519);
      assertThat(dnskeyAlgorithms(w, pdns)).contains(ECDSA, ED25519);

      // 4. Each operator ends its roll: Knot on zone-ksk-submitted (old DNSKEYs leave, old RRSIGs
      // 12 s later), PowerDNS unpublishes the old keys, and removes them a DNSKEY TTL later.
      knot.awaitAlgorithmRollStep(AlgorithmRollStep.AWAITING_DS, Duration.ofSeconds(60));
      knot.finishAlgorithmRoll();
      keystore.unpublishAlgorithm(ECDSA);
      Thread.sleep(DNSKEY_TTL.plus(PROPAGATION).toMillis());
      keystore.removeAlgorithm(ECDSA);

      // 5. Multisigner withdraws the foreign old ZSKs after the signature wait and ends the roll.
      assertThat(await(Duration.ofMinutes(3), () -> has(w, "AlgorithmRollCompleted", "")))
          .as("the roll completed\n%s", w.auditText())
          .isTrue();
      double completed = secondsSince(t0);
      assertThat(await(Duration.ofSeconds(30), w::converged))
          .as("converged on algorithm 15:\n%s\n%s", w.check().render(), w.auditText())
          .isTrue();
      for (LabSigner s : List.of(knot, pdns)) {
        assertThat(dnskeyAlgorithms(w, s)).as("DNSKEY at %s", s.id()).containsExactly(ED25519);
        assertThat(rrsigAlgorithms(w, s, Type.SOA))
            .as("RRSIG(SOA) at %s", s.id())
            .containsExactly(ED25519);
      }
      assertThat(dsAlgorithms(w)).containsExactly(ED25519);
      assertThat(w.parentDsTags()).doesNotContainAnyElementsOf(oldDs).hasSize(2);
      assertThat(w.zoneFromApi().path("policy").path("algorithm").asInt()).isEqualTo(ED25519);
      assertThat(E2eWorld.kinds(w.audit())).doesNotContain("ZoneHalted", "InputFailed");

      w.assertNoBogus(
          "algorithm roll 13->15",
          String.format(
              "new DNSKEYs published %.0f s, old keys may go %.0f s, completed %.0f s after the"
                  + " request",
              published, oldKeysMayGo, completed),
          20);
    }
  }

  private static boolean has(E2eWorld w, String type, String summaryPart) {
    return summaries(w.audit(), type).stream().anyMatch(s -> s.contains(summaryPart));
  }

  private static List<String> summaries(List<ZoneEvent> events, String type) {
    return events.stream()
        .filter(e -> e.getType().equals(type))
        .map(ZoneEvent::getSummary)
        .toList();
  }

  private static Set<Integer> dsAlgorithms(E2eWorld w) {
    return w.lab.parent().ds().stream()
        .map(DSRecord::getAlgorithm)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<Integer> dnskeyAlgorithms(E2eWorld w, LabSigner s) {
    return w.records(s, Type.DNSKEY).stream()
        .filter(r -> r instanceof DNSKEYRecord)
        .map(r -> ((DNSKEYRecord) r).getAlgorithm())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<Integer> rrsigAlgorithms(E2eWorld w, LabSigner s, int type) {
    return w.records(s, type).stream()
        .filter(r -> r instanceof RRSIGRecord)
        .map(r -> ((RRSIGRecord) r).getAlgorithm())
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
