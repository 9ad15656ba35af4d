package dev.multisigner.support;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reports the service's capabilities in /health (details) and logs them once at start. */
@Singleton
public class CapabilityHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

  private static final Logger LOG = LoggerFactory.getLogger(CapabilityHealthIndicator.class);

  private final String service;
  private final List<CapabilityReport> reports;

  public CapabilityHealthIndicator(
      @Value("${multisigner.service.name}") String service, List<CapabilityReport> reports) {
    this.service = service;
    this.reports = reports;
  }

  @EventListener
  void onStartup(StartupEvent event) {
    capabilities()
        .forEach(
            (name, status) ->
                LOG.info(
                    "event=capability service={} capability={} status=\"{}\"",
                    service,
                    name,
                    status));
  }

  /** Every capability of every report of this service. */
  public Map<String, String> capabilities() {
    Map<String, String> all = new LinkedHashMap<>();
    reports.forEach(r -> all.putAll(r.capabilities()));
    return all;
  }

  @Override
  protected Map<String, Object> getHealthInformation() {
    healthStatus = HealthStatus.UP;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("service", service);
    details.put("capabilities", capabilities());
    return details;
  }

  @Override
  protected String getName() {
    return "multisigner";
  }
}
