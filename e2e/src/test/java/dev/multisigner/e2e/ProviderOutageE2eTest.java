package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multisigner.cli.BogusWatch;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.schemas.avro.ObservationFailed;
import dev.multisigner.schemas.avro.SignerCommandFailed;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.avro.SignerObservation;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PowerDNS goes down (its process stopped: DNS and API refuse connections) twice: during
 * enrollment, and once the zone is secure. While it is down the zone waits, says why (failed
 * observations and failed, retried imports on the log), and takes no unsafe step: no CDS or DS for
 * a group that is not cross-imported, and a signer that cannot be read is not a signer whose keys
 * are gone (nothing is withdrawn, the parent's DS stays). After it returns the zone converges.
 */
class ProviderOutageE2eTest {

  private static final Duration OUTAGE = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void aProviderOutageDelaysTheZoneWithoutAnUnsafeStepAndItConvergesAfter() throws Exception {
    try (E2eWorld w = E2eWorld.start(dir, false)) {
      PdnsSigner pdns = w.lab.pdns(E2eWorld.PDNS);
      KnotSigner knot = w.lab.knot(E2eWorld.KNOT);

      // Outage 1: PowerDNS is down when the zone is enrolled.
      w.watch.pause(E2eWorld.PDNS);
      pdns.stop();
      w.enroll();
      Thread.sleep(OUTAGE.toMillis());
      List<SignerObservation> observations =
          w.log.readAll(TopicCatalog.SIGNER_OBSERVATIONS, E2eWorld.ZONE, Duration.ofSeconds(10));
      assertThat(observations)
          .as("the collector reports that it cannot read PowerDNS")
          .anyMatch(
              o ->
                  o.getSignerId().equals(E2eWorld.PDNS)
                      && o.getObservation() instanceof ObservationFailed f
                      && f.getRetryable()
                      && f.getReason().contains(E2eWorld.ZONE));
      List<SignerCommandResult> results =
          w.log.readAll(TopicCatalog.SIGNER_RESULTS, E2eWorld.ZONE, Duration.ofSeconds(10));
      assertThat(results)
          .as("the import into PowerDNS failed, retryably, and was tried again")
          .filteredOn(
              r ->
                  r.getSignerId().equals(E2eWorld.PDNS)
                      && r.getResult() instanceof SignerCommandFailed f
                      && f.getRetryable())
          .hasSizeGreaterThanOrEqualTo(2);
      List<ZoneEvent> during = w.audit();
      assertThat(during)
          .as(E2eWorld.render(during))
          .anyMatch(e -> e.getType().equals("CommandFailed") && e.getSummary().contains("pdns-b"))
          .noneMatch(e -> e.getType().equals("CdsPublicationRequested"))
          .noneMatch(e -> e.getType().equals("DsChangeRequested"))
          .noneMatch(e -> e.getType().equals("ZoneHalted"));
      assertThat(w.parentDsTags()).isEmpty();
      // The operator API shows the zone waiting on the unreachable signer.
      JsonNode zone = w.zoneFromApi();
      JsonNode pdnsView = signer(zone, E2eWorld.PDNS);
      assertThat(pdnsView.path("failingSince").isTextual()).as(zone.toPrettyString()).isTrue();
      assertThat(signer(zone, E2eWorld.KNOT).path("failingSince").isNull())
          .as(zone.toPrettyString())
          .isTrue();
      assertThat(zone.path("halted").asBoolean()).as(zone.toPrettyString()).isFalse();

      pdns.start();
      w.watch.resume(E2eWorld.PDNS);
      assertThat(await(Duration.ofMinutes(2), w::converged))
          .as("converged after PowerDNS returned\n%s\n%s", w.check().render(), render(w))
          .isTrue();

      // Outage 2: PowerDNS is down while the zone is secure. Unreadable is not "keys gone".
      Set<Integer> parentDs = w.parentDsTags();
      Set<Integer> knotKeys = w.dnskeys(knot);
      int eventsBefore = w.audit().size();
      w.watch.pause(E2eWorld.PDNS);
      pdns.stop();
      Thread.sleep(OUTAGE.toMillis());
      assertThat(w.dnskeys(knot)).as("nothing withdrawn from Knot").isEqualTo(knotKeys);
      assertThat(w.parentDsTags()).as("the parent's DS untouched").isEqualTo(parentDs);
      List<ZoneEvent> second = w.audit();
      assertThat(second.subList(eventsBefore, second.size()))
          .as(E2eWorld.render(second))
          .noneMatch(
              e ->
                  e.getType().equals("KeyWithdrawalRequested")
                      || e.getType().equals("DsChangeRequested")
                      || e.getType().equals("KeyRetirementObserved"));
      pdns.start();
      w.watch.resume(E2eWorld.PDNS);
      assertThat(await(Duration.ofMinutes(1), w::converged)).as(w.check().render()).isTrue();
      assertThat(w.parentDsTags()).isEqualTo(parentDs);

      w.watch.close();
      BogusWatch.Counts counts = w.watch.counts();
      E2eWorld.assertNoBogusOfAnyKind("outage", counts, "");
      assertThat(counts.secure()).isPositive();
    }
  }

  private static JsonNode signer(JsonNode zone, String id) {
    for (JsonNode s : zone.path("signers")) {
      if (s.path("id").asText().equals(id)) {
        return s;
      }
    }
    throw new AssertionError("no signer " + id + " in " + zone.toPrettyString());
  }

  private static String render(E2eWorld w) {
    return E2eWorld.render(w.audit());
  }
}
