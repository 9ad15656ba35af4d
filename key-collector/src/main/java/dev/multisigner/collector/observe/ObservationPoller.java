package dev.multisigner.collector.observe;

import dev.multisigner.providers.DnsProvider;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.support.signers.SignerRegistry;
import dev.multisigner.support.zones.ZoneDirectory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every poll interval, asks the {@link ObservationScheduler} to observe every managed zone ×
 * configured signer, each after a random delay below the jitter so that thousands of pairs do not
 * hit the providers in the same instant. The zones come from the intents ({@link ZoneDirectory}),
 * read anew on each tick, so a zone enrolled later is polled without a restart; a signer this
 * deployment has no configuration for is skipped. Where the signer's SOA serial tells changes, the
 * {@link ChangeDetector} checks it and only a changed pair is read fully. With several instances in
 * one group, each polls only the zones {@link ZoneOwnership} gives it.
 */
@Singleton
@Requires(env = "key-collector")
public class ObservationPoller {

  private static final Logger LOG = LoggerFactory.getLogger(ObservationPoller.class);

  private final ZoneDirectory directory;
  private final ObservationScheduler scheduler;
  private final ChangeDetector detector;
  private final ObservationService service;
  private final SignerRegistry registry;
  private final ZoneOwnership ownership;
  private final Duration jitter;

  public ObservationPoller(
      ZoneDirectory directory,
      ObservationScheduler scheduler,
      ChangeDetector detector,
      ObservationService service,
      SignerRegistry registry,
      ZoneOwnership ownership,
      @Value("${multisigner.collector.poll-interval:5s}") Duration pollInterval,
      @Value("${multisigner.collector.poll-jitter:0.1}") String jitter) {
    this.directory = directory;
    this.scheduler = scheduler;
    this.detector = detector;
    this.service = service;
    this.registry = registry;
    this.ownership = ownership;
    this.jitter = jitter(jitter, pollInterval);
  }

  /**
   * The jitter: a fraction of the poll interval ({@code 0.1}) or a duration ({@code 300ms}, {@code
   * PT0.3S}).
   */
  static Duration jitter(String value, Duration pollInterval) {
    String v = value.trim();
    try {
      double fraction = Double.parseDouble(v);
      if (fraction < 0 || fraction > 1) {
        throw new IllegalArgumentException(
            "multisigner.collector.poll-jitter: a fraction must be within [0, 1], got " + v);
      }
      return Duration.ofNanos((long) (pollInterval.toNanos() * fraction));
    } catch (NumberFormatException notAFraction) {
      return ConversionService.SHARED
          .convert(v, Duration.class)
          .filter(d -> !d.isNegative())
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "multisigner.collector.poll-jitter: expected a fraction of the poll"
                          + " interval (0.1) or a duration (300ms), got '"
                          + v
                          + "'"));
    }
  }

  @Scheduled(
      fixedDelay = "${multisigner.collector.poll-interval:5s}",
      initialDelay = "${multisigner.collector.poll-initial-delay:1s}")
  void poll() {
    Map<String, Set<String>> zones = new TreeMap<>(directory.zones());
    zones.keySet().removeIf(z -> !ownership.owns(z));
    service.retainZones(zones.keySet());
    for (Map.Entry<String, Set<String>> zone : zones.entrySet()) {
      for (String signer : zone.getValue()) {
        Optional<DnsProvider> provider = registry.provider(signer);
        // one line per pair and tick, for counting who polls what (scale-out tests, debugging)
        LOG.debug("event=zone_polled zone={} signer={}", zone.getKey(), signer);
        if (provider.isEmpty()) {
          LOG.debug("event=signer_not_configured zone={} signer={}", zone.getKey(), signer);
        } else if (!detector.check(zone.getKey(), signer, provider.get())) {
          scheduler.request(zone.getKey(), signer, ObservationSource.DNS_QUERY, randomDelay());
        }
      }
    }
  }

  private Duration randomDelay() {
    long max = jitter.toMillis();
    return max <= 0 ? Duration.ZERO : Duration.ofMillis(ThreadLocalRandom.current().nextLong(max));
  }
}
