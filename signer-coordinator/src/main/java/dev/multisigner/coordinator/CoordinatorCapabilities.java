package dev.multisigner.coordinator;

import dev.multisigner.coordinator.writer.SignerWriters;
import dev.multisigner.support.CapabilityReport;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What the signer-coordinator can do today. */
@Singleton
@Requires(env = "signer-coordinator")
public class CoordinatorCapabilities implements CapabilityReport {

  private final Optional<SignerWriters> writers;

  /** Without writers when {@code multisigner.writers.enabled=false} (they run as own processes). */
  public CoordinatorCapabilities(Optional<SignerWriters> writers) {
    this.writers = writers;
  }

  @Override
  public Map<String, String> capabilities() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("decide-exactly-once", BUILT);
    c.put("durable-waits", BUILT);
    c.put("dead-letter-poison-records", BUILT);
    c.put(
        "operator-api",
        BUILT + " (/zones; OpenAPI at " + CoordinatorApplication.OPENAPI_PATH + ")");
    c.put("writer-retry-with-backoff", BUILT);
    c.put(
        "signer-writers",
        writers.isEmpty()
            ? "built, run apart (multisigner.writers.enabled=false: multisigner writer --signer)"
            : writers.get().signers().isEmpty()
                ? "built, but no signer is configured (multisigner.signers.<id>)"
                : BUILT + " for " + String.join(", ", writers.get().signers()));
    c.put(
        "roll-signer-key",
        CapabilityReport.notBuiltYet("adapters cannot start a rollover of a signer's own key"));
    c.put(
        "halt-on-repeated-failure",
        CapabilityReport.notBuiltYet("an input the decider fails on is reported, not counted"));
    return c;
  }
}
