package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.await;
import static dev.multisigner.e2e.E2eWorld.secondsSince;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.e2e.ModelOneWorld.Validity;
import dev.multisigner.lab.dns.LabSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 8901 model 1 through all services, all real (issue 11's acceptance): example.test. enrolled
 * on two Knot signers in offline-KSK mode with the zone owner's KSK held by Multisigner. Both Knots
 * come to serve the identical DNSKEY RRset (the owner's KSK and both ZSKs) with the owner's RRSIG
 * and the same CDS/CDNSKEY, the parent holds exactly the owner KSK's DS and the cross-provider
 * checker is all green. The owner signs in short lab windows (last signature valid 75 s after the
 * first window), so the zone lives past the first signatures' expiry on the coordinator's durable
 * re-sign alone. Unbound probes across the two Knots, with the DNSKEY RRset cached from the other,
 * from the first served answer on: none may be bogus.
 */
class ModelOneE2eTest {

  /** Windows 15 s apart, 3 of them, each valid 45 s from 10 s before it: re-sign due at ~47 s. */
  static final Validity SHORT =
      new Validity(Duration.ofSeconds(15), 3, Duration.ofSeconds(45), Duration.ofSeconds(10));

  @TempDir Path dir;

  @Test
  void twoOfflineKskKnotsServeTheOwnersSignedRrsetAndStaySecureAcrossItsExpiry() throws Exception {
    try (E2eWorld w = ModelOneWorld.start(dir, SHORT)) {
      double served = ModelOneWorld.enrollAndAwaitServed(w);
      int owner = ModelOneWorld.ownerKsk(dir, SHORT).getFootprint();
      long t0 = System.nanoTime();
      assertThat(await(Duration.ofMinutes(2), () -> ModelOneWorld.converged(w, owner)))
          .as("model 1 converged (owner KSK %d):\n%s\n%s", owner, w.check().render(), w.auditText())
          .isTrue();
      double secured = secondsSince(t0);
      List<LabSigner> knots = w.lab.signers();
      for (LabSigner k : knots) {
        assertThat(w.ownKsks(k)).as("KSKs signing %s's DNSKEY RRset", k.id()).containsOnly(owner);
        assertThat(w.dnskeys(k)).hasSize(3);
      }
      assertThat(w.parentDsTags()).containsExactly(owner);
      assertThat(w.check().allValid()).as(w.check().render()).isTrue();

      // The first signatures' last window expires at most two windows after the one served now;
      // the zone must outlive it on re-signatures the coordinator asks for on its own.
      Instant firstLast =
          knots.stream()
              .map(k -> ModelOneWorld.dnskeyExpiry(w, k))
              .min(Instant::compareTo)
              .orElseThrow()
              .plus(SHORT.interval().multipliedBy(SHORT.sections() - 1));
      int installsBefore = installs(w);
      long t1 = System.nanoTime();
      while (Instant.now().isBefore(firstLast.plusSeconds(5))) {
        for (LabSigner k : knots) {
          assertThat(ModelOneWorld.dnskeyExpiry(w, k))
              .as("%s serves an unexpired RRSIG over its DNSKEY RRset\n%s", k.id(), w.auditText())
              .isAfter(Instant.now());
        }
        Thread.sleep(1000);
      }
      for (LabSigner k : knots) {
        assertThat(ModelOneWorld.dnskeyExpiry(w, k))
            .as("%s serves re-signed keys", k.id())
            .isAfter(firstLast);
      }
      assertThat(await(Duration.ofSeconds(30), () -> ModelOneWorld.converged(w, owner)))
          .as("still converged after the first signatures expired:\n%s", w.check().render())
          .isTrue();
      int resigned = installs(w) - installsBefore;
      assertThat(resigned).as("re-signed installs at both Knots").isGreaterThanOrEqualTo(2);
      assertThat(E2eWorld.kinds(w.audit())).doesNotContain("ZoneHalted", "InputFailed");

      w.assertNoBogus(
          "model 1 (owner KSK, two offline-KSK Knots)",
          String.format(
              "both Knots served %.0f s after enrollment, converged (DS of owner KSK %d only)"
                  + " %.0f s later; %d re-signed installs in the %.0f s across the first"
                  + " signatures' expiry",
              served, owner, secured, resigned, secondsSince(t1)),
          20);
    }
  }

  /** The number of signed-RRset installations the coordinator asked for so far. */
  static int installs(E2eWorld w) {
    return (int)
        E2eWorld.kinds(w.audit()).stream()
            .filter(k -> k.equals("SignedDnskeyRrsetInstallRequested"))
            .count();
  }
}
