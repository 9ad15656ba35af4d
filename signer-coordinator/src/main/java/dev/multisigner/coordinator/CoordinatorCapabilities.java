package dev.multisigner.coordinator;

import dev.multisigner.support.CapabilityReport;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the signer-coordinator can do today. */
@Singleton
@Requires(env = "signer-coordinator")
public class CoordinatorCapabilities implements CapabilityReport {

  @Override
  public Map<String, String> capabilities() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("decide-exactly-once", BUILT);
    c.put("durable-waits", BUILT);
    c.put("dead-letter-poison-records", BUILT);
    c.put(
        "signer-writers",
        CapabilityReport.notBuiltYet(
            "signer commands are published but no writer applies them through the adapters yet"));
    c.put(
        "halt-on-repeated-failure",
        CapabilityReport.notBuiltYet("an input the decider fails on is reported, not counted"));
    return c;
  }
}
