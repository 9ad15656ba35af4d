package dev.multisigner.collector.observe;

import dev.multisigner.providers.DnsProvider;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.support.signers.SignerRegistry;
import dev.multisigner.support.zones.ZoneDirectory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls every managed zone × configured signer on a fixed delay and publishes what changed. The
 * zones come from the intents (ZoneDirectory); a signer this deployment has no configuration for is
 * skipped with one log line.
 */
@Singleton
@Requires(env = "key-collector")
public class ObservationPoller {

  private static final Logger LOG = LoggerFactory.getLogger(ObservationPoller.class);

  private final ZoneDirectory directory;
  private final SignerRegistry registry;
  private final ObservationService service;

  public ObservationPoller(
      ZoneDirectory directory, SignerRegistry registry, ObservationService service) {
    this.directory = directory;
    this.registry = registry;
    this.service = service;
  }

  @Scheduled(
      fixedDelay = "${multisigner.collector.poll-interval:5s}",
      initialDelay = "${multisigner.collector.poll-initial-delay:1s}")
  void poll() {
    for (Map.Entry<String, Set<String>> zone : directory.zones().entrySet()) {
      for (String signer : zone.getValue()) {
        Optional<DnsProvider> provider = registry.provider(signer);
        if (provider.isEmpty()) {
          LOG.debug("event=signer_not_configured zone={} signer={}", zone.getKey(), signer);
          continue;
        }
        try {
          service.observe(zone.getKey(), provider.get(), ObservationSource.DNS_QUERY);
        } catch (IllegalStateException e) {
          // The event log cannot take the record (shutdown or broker gone): retried next tick.
          LOG.warn(
              "event=poll_stopped zone={} signer={} reason=\"{}\"",
              zone.getKey(),
              signer,
              e.getMessage());
          return;
        }
      }
    }
  }
}
