package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.schemas.avro.GroupPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 5: with an unreachable limit of 30 s, PowerDNS stopped halts the zone with
 * SIGNER_UNREACHABLE within 60 s (the collector repeats ObservationFailed while the signer keeps
 * failing, so the decider sees the outage outlast the limit), and the zone resumes by itself and
 * converges once PowerDNS answers again.
 */
class SignerUnreachableE2eTest {

  @TempDir Path dir;

  @Test
  void aSignerDownLongerThanTheUnreachableLimitHaltsTheZoneWhichResumesWhenItAnswers()
      throws Exception {
    try (E2eWorld w = E2eWorld.start(dir, false)) {
      PdnsSigner pdns = w.lab.pdns(E2eWorld.PDNS);
      GroupPolicy policy = E2eWorld.policy();
      policy.setUnreachableLimitSeconds(30);
      w.enroll(policy);
      assertThat(await(Duration.ofMinutes(2), w::converged)).as(w.check().render()).isTrue();

      w.watch.pause(E2eWorld.PDNS);
      pdns.stop();
      AtomicReference<JsonNode> zone = new AtomicReference<>();
      boolean halted =
          await(
              Duration.ofSeconds(60),
              () -> {
                zone.set(w.zoneView());
                return zone.get().path("halted").asBoolean();
              });
      assertThat(halted).as("halted within 60 s\n%s", zone.get()).isTrue();
      assertThat(zone.get().path("haltCause").asText()).isEqualTo("SIGNER_UNREACHABLE");

      pdns.start();
      w.watch.resume(E2eWorld.PDNS);
      assertThat(
              await(
                  Duration.ofSeconds(60),
                  () -> {
                    zone.set(w.zoneView());
                    return !zone.get().path("halted").asBoolean();
                  }))
          .as("resumed after PowerDNS returned\n%s", zone.get())
          .isTrue();
      assertThat(await(Duration.ofMinutes(1), w::converged)).as(w.check().render()).isTrue();
      w.watch.close();
      E2eWorld.assertNoBogusOfAnyKind("unreachable", w.watch.counts(), "");
    }
  }
}
