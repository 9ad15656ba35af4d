package dev.multisigner.collector;

import dev.multisigner.support.CapabilityReport;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the key-collector can do today. */
@Singleton
@Requires(env = "key-collector")
public class KeyCollectorCapabilities implements CapabilityReport {

  private final boolean notify;

  public KeyCollectorCapabilities(
      @Value("${multisigner.collector.notify.enabled:false}") boolean notify) {
    this.notify = notify;
  }

  @Override
  public Map<String, String> capabilities() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(
        "observe-on-request",
        BUILT + " (POST /observations: bearer token, configured signers of managed zones only)");
    c.put(
        "serial-change-checks",
        BUILT + " (SOA over UDP where the adapter declares its serial; full reads otherwise)");
    c.put("scale-out", BUILT + " (multisigner.collector.group-id: zones split by partition)");
    c.put("publish-only-changes", BUILT);
    c.put(
        "scheduled-polling",
        BUILT + " (managed zones x configured signers, with jitter, coalesced per pair)");
    c.put("per-signer-isolation", BUILT + " (a bounded pool and a deadline per observation)");
    c.put(
        "notify-listener",
        notify
            ? BUILT + " (UDP and TCP)"
            : "built, disabled (multisigner.collector.notify.enabled)");
    c.put("observe-via-provider-adapter", BUILT);
    return c;
  }
}
