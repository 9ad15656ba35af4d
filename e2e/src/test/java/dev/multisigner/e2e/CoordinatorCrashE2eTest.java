package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.PROPAGATION;
import static dev.multisigner.e2e.E2eWorld.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.cli.BogusWatch;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandFailed;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import dev.multisigner.schemas.avro.SignerObservation;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signer-coordinator (with its signer writers) runs in its own JVM and is killed with SIGKILL
 * twice during enrollment: once right after it asked for the ZSK imports (commands in flight), and
 * once during the DNSKEY-Wait-Time that must pass before the zone's first CDS/DS (RFC 8901 §6). The
 * zone must still converge; a command id always names the same command and every application of it
 * succeeded with the same effect; the wait must be neither lost (nothing else would wake the zone:
 * no observation changes after the import) nor cut short.
 */
class CoordinatorCrashE2eTest {

  private static final java.util.regex.Pattern SUPERSEDED =
      java.util.regex.Pattern.compile("superseded by command (\\S+) of the same kind");

  @TempDir Path dir;

  @Test
  void sigkillDuringEnrollmentLosesNoWaitAndAppliesNothingTwiceDifferently() throws Exception {
    try (E2eWorld w = E2eWorld.start(dir, true)) {
      // A policy DNSKEY TTL above what the signers serve (conservative, so safe): a DNSKEY-Wait
      // of 47 s leaves room to kill and restart the coordinator inside it even on a slow machine.
      w.enroll(GroupPolicy.newBuilder(E2eWorld.policy()).setDnskeyTtlSeconds(45).build());
      Duration dnskeyWait = Duration.ofSeconds(45).plus(PROPAGATION);

      // Kill 1: the moment the import commands are on the log.
      List<ZoneEvent> early =
          w.audit(
              l -> l.stream().filter(e -> e.getType().equals("KeyImportRequested")).count() >= 2,
              Duration.ofSeconds(60));
      assertThat(early).as(E2eWorld.render(early)).anyMatch(e -> is(e, "KeyImportRequested"));
      w.coordinator.kill();
      Thread.sleep(1000);
      w.coordinator.start();

      // Kill 2: inside DNSKEY-Wait-Time, which counts from when the collector saw the last
      // signer serve every ZSK (RFC 8901 §6; draft-ietf-dnsop-dnssec-automation "Signer joins").
      assertThat(await(Duration.ofSeconds(60), () -> crossImported(w)))
          .as("cross-imported after restart\n%s", w.coordinator.logTail(60))
          .isTrue();
      Instant crossImported = crossImportObservedAt(w);
      Instant waitEnds = crossImported.plus(dnskeyWait);
      boolean killedInWait = Instant.now().plusSeconds(10).isBefore(waitEnds);
      if (killedInWait) {
        assertThat(w.audit())
            .as("no CDS/DS before the wait is over")
            .noneMatch(e -> is(e, "CdsPublicationRequested") || is(e, "DsChangeRequested"));
        w.coordinator.kill();
        Thread.sleep(3000);
        w.coordinator.start();
      } else {
        System.out.println(
            "e2e: the first restart ended after the wait's last 10 s (until "
                + waitEnds
                + "): no kill inside the wait this run");
      }

      assertThat(await(Duration.ofMinutes(2), w::converged))
          .as(
              "converged after the SIGKILLs\n%s\n%s\n%s",
              w.check().render(), E2eWorld.render(w.audit()), w.coordinator.logTail(60))
          .isTrue();
      assertThat(w.coordinator.starts()).isEqualTo(killedInWait ? 3 : 2);

      // The wait was kept across the crash, and not cut short: the first CDS came no earlier
      // than DNSKEY-Wait-Time after the cross-import was observed.
      List<ZoneEvent> events = w.audit();
      Instant firstCds =
          events.stream()
              .filter(e -> is(e, "CdsPublicationRequested"))
              .map(e -> e.getEnvelope().getOccurredAt())
              .min(Instant::compareTo)
              .orElseThrow();
      assertThat(firstCds).as(E2eWorld.render(events)).isAfterOrEqualTo(waitEnds);

      // A command id always names the same command, and every result for it is "applied" ...
      List<SignerCommand> commands =
          w.log.readAll(TopicCatalog.SIGNER_COMMANDS, E2eWorld.ZONE, seconds(10));
      Map<String, SignerCommand> byId = new HashMap<>();
      for (SignerCommand c : commands) {
        SignerCommand first = byId.putIfAbsent(c.getCommandId(), c);
        if (first != null) {
          assertThat(c.getCommand()).isEqualTo(first.getCommand());
          assertThat(c.getSignerId()).isEqualTo(first.getSignerId());
        }
      }
      List<SignerCommandResult> results =
          w.log.readAll(TopicCatalog.SIGNER_RESULTS, E2eWorld.ZONE, seconds(10));
      assertThat(results).isNotEmpty();
      // ... or "superseded" by a newer command of the same kind at the same signer (a writer
      // coalesces a queue), which leads to an applied one
      Map<String, Object> resultOf = new HashMap<>();
      results.forEach(r -> resultOf.merge(r.getCommandId(), r.getResult(), (a, b) -> a));
      for (SignerCommandResult r : results) {
        Object result = r.getResult();
        String id = r.getCommandId();
        for (int hops = 0; !(result instanceof SignerCommandApplied); hops++) {
          assertThat(result).as(id).isInstanceOf(SignerCommandFailed.class);
          java.util.regex.Matcher by =
              SUPERSEDED.matcher(((SignerCommandFailed) result).getReason());
          assertThat(by.find()).as("%s failed: %s", id, result).isTrue();
          assertThat(byId.get(by.group(1)).getSignerId()).isEqualTo(r.getSignerId());
          assertThat(hops).as("a chain of superseded commands from %s", id).isLessThan(50);
          id = by.group(1);
          result = resultOf.get(id);
        }
      }
      assertThat(byId.keySet())
          .containsAll(results.stream().map(SignerCommandResult::getCommandId).toList());

      // Exactly each signer's own two keys plus the other's ZSK and KSK (issue 16: KSKs are shared
      // too): nothing doubled or left over.
      Set<Integer> ksks = new java.util.TreeSet<>();
      w.lab.signers().forEach(s -> ksks.addAll(w.ownKsks(s)));
      for (LabSigner s : w.lab.signers()) {
        assertThat(w.dnskeys(s)).as(s.id()).hasSize(4).containsAll(w.allZsks()).containsAll(ksks);
      }
      w.watch.close();
      BogusWatch.Counts counts = w.watch.counts();
      E2eWorld.assertNoBogusOfAnyKind("crash", counts, "");
      assertThat(counts.secure()).isPositive();
    }
  }

  /**
   * When the collector first saw the last signer serving every ZSK: for each signer its first
   * observation holding all of them, the latest of those.
   */
  private static Instant crossImportObservedAt(E2eWorld w) {
    Set<Integer> zsks = w.allZsks();
    Map<String, Instant> first = new HashMap<>();
    for (SignerObservation o :
        w.log.readAll(TopicCatalog.SIGNER_OBSERVATIONS, E2eWorld.ZONE, seconds(10))) {
      if (o.getObservation() instanceof SignerKeysObserved k
          && k.getDnskeys().stream().map(d -> d.getKeyTag()).toList().containsAll(zsks)) {
        first.putIfAbsent(o.getSignerId(), o.getEnvelope().getOccurredAt());
      }
    }
    assertThat(first.keySet()).containsExactlyInAnyOrder(E2eWorld.KNOT, E2eWorld.PDNS);
    return first.values().stream().max(Instant::compareTo).orElseThrow();
  }

  private static boolean crossImported(E2eWorld w) {
    Set<Integer> zsks = w.allZsks();
    return zsks.size() == 2
        && w.lab.signers().stream().allMatch(s -> w.dnskeys(s).containsAll(zsks));
  }

  private static boolean is(ZoneEvent e, String type) {
    return e.getType().equals(type);
  }

  private static Duration seconds(int s) {
    return Duration.ofSeconds(s);
  }
}
