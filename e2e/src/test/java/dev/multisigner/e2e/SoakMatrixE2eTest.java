package dev.multisigner.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.cli.soak.Soak;
import dev.multisigner.cli.soak.SoakResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few scenarios of the randomized matrix ({@code multisigner soak}; issue 15), all real and at
 * once, each on its own lab against one broker and the three services: 2–3 Knot/PowerDNS signers,
 * KSK+ZSK or CSK, a ZSK, KSK or CSK roll at each signer at a random second, a signer joining or
 * leaving, the DS by DNS UPDATE or by the parent's CDS scan. Each must converge (every member
 * serving every member's keys, identical CDS, the parent's DS and NS matching the group, the
 * checker valid) with no halt, and Unbound, probing across providers from a warm cache of another
 * provider's DNSKEY RRset, must never see a bogus answer. The long run is the soak command's.
 */
@EnabledIfSystemProperty(
    named = "multisigner.e2e.soak",
    matches = "true",
    disabledReason =
        "not in the default run yet: on the loaded machine of its session too few scenarios reached"
            + " a verdict to trust it in CI; -Dmultisigner.e2e.soak=true runs it")
class SoakMatrixE2eTest {

  /**
   * Scenarios of seed 1 that passed in the soak and together hold every roll kind (ZSK, KSK, CSK),
   * a Knot and a PowerDNS joining, a leave, 2 and 3 signers, and both DS channels. The soak's open
   * failures (a rolling Knot's CDS under a CDS-scanning parent; a join's delegation not following
   * under load) are in the issue note, not here.
   */
  private static final List<Integer> SCENARIOS = List.of(1, 35, 38, 39);

  @TempDir Path dir;

  @Test
  void randomizedScenariosConvergeWithoutABogusAnswer() throws Exception {
    List<SoakResult> results =
        new Soak(System.out, Duration.ofMinutes(3)).run(1, SCENARIOS, SCENARIOS.size(), dir);
    System.out.println("e2e soak matrix: " + Soak.summary(results));
    assertThat(results).hasSize(SCENARIOS.size());
    for (SoakResult r : results) {
      assertThat(r.failure()).as(r.row()).isEmpty();
      assertThat(r.counts().bogus()).as(r.row()).isZero();
      assertThat(r.counts().secure()).as(r.row()).isPositive();
    }
  }
}
