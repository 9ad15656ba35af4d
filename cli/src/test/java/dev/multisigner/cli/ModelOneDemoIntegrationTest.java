package dev.multisigner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multisigner demo --model 1}, for real: two Knot signers in offline-KSK mode, the zone
 * owner's KSK held by Multisigner, BIND as parent, Unbound validating across the two Knots.
 */
class ModelOneDemoIntegrationTest {

  @TempDir Path dataDir;

  @Test
  void theOwnersKskSignsBothKnotsRrsetAndAnswersValidateAcrossThem() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Demo.Result result =
        new ModelOneDemo(
                new PrintStream(console, true, StandardCharsets.UTF_8), Duration.ofMinutes(3))
            .run(dataDir);
    String printed = console.toString(StandardCharsets.UTF_8);
    result.watch().render().forEach(l -> System.out.println("demo --model 1 probes: " + l));

    assertThat(result.converged()).as(printed).isTrue();
    assertThat(result.report().allValid()).as(result.report().render()).isTrue();
    assertThat(result.validation())
        .as(printed)
        .hasSize(2 * 7)
        .allSatisfy((pair, verdict) -> assertThat(verdict).as(pair).endsWith(" ad"));
    assertThat(result.watch().bogus()).as(printed).isZero();
    assertThat(result.watch().of("CDS").secure()).as(printed).isPositive();
    assertThat(result.auditTrail())
        .anyMatch(l -> l.startsWith("ZoneEnrolled") && l.contains("MODEL_1"))
        .anyMatch(l -> l.startsWith("DnskeyRrsetSignatureRequested") && l.contains("for knot-b"))
        .anyMatch(l -> l.startsWith("SignedDnskeyRrsetInstallRequested"))
        .anyMatch(l -> l.startsWith("DsChangeRequested"));
  }
}
