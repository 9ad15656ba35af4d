package dev.multisigner.collector;

import dev.multisigner.support.CapabilityReport;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the key-collector can do today. */
@Singleton
@Requires(env = "key-collector")
public class KeyCollectorCapabilities implements CapabilityReport {

  @Override
  public Map<String, String> capabilities() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("observe-on-request-via-dns", BUILT);
    c.put("publish-only-changes", BUILT);
    c.put("scheduled-polling", BUILT + " (managed zones x configured signers)");
    c.put("notify-listener", CapabilityReport.notBuiltYet("DNS NOTIFY is not received yet"));
    c.put("observe-via-provider-adapter", BUILT);
    return c;
  }
}
