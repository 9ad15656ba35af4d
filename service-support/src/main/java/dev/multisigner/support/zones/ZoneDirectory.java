package dev.multisigner.support.zones;

import dev.multisigner.schemas.avro.AddSigner;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.RemoveSigner;
import dev.multisigner.schemas.avro.RetireZone;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.KafkaClientSettings;
import dev.multisigner.support.TopicFollower;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zones under management and their signers, as the intents say: read from the start of {@code
 * multisigner.zone.intents} on every start (no committed offsets), then followed. The coordinator
 * decides whether an intent is accepted; this directory only tells the pollers which zone × signer
 * pairs to look at, so a refused enrollment costs a few extra reads, nothing more.
 *
 * <p>It looks for the topic's partitions again every {@link TopicFollower#PARTITION_REFRESH}, so a
 * topic created (or grown) after the start is read from its beginning. A reader that fails (the
 * broker unreachable at the start, any error) starts again after a pause doubling from 1 s to 30 s,
 * from where it had read; /health ({@code zoneDirectory}) is DOWN until it runs again.
 */
@Singleton
@Requires(property = "multisigner.zone-directory.enabled", notEquals = "false")
public class ZoneDirectory extends AbstractHealthIndicator<Map<String, Object>> {

  private static final Logger LOG = LoggerFactory.getLogger(ZoneDirectory.class);

  private final Map<String, Set<String>> zones = new ConcurrentHashMap<>();
  private final TopicFollower<ZoneIntent> reader;

  @Inject
  public ZoneDirectory(KafkaClientSettings kafka) {
    this(kafka, Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  /** A directory on an unsecured cluster (tests). */
  public ZoneDirectory(String bootstrap) {
    this(KafkaClientSettings.of(bootstrap));
  }

  /** With the reader's restart pauses (tests shorten them). */
  public ZoneDirectory(String bootstrap, Duration restartBackoff, Duration maxRestartBackoff) {
    this(KafkaClientSettings.of(bootstrap), restartBackoff, maxRestartBackoff);
  }

  private ZoneDirectory(
      KafkaClientSettings kafka, Duration restartBackoff, Duration maxRestartBackoff) {
    this.reader =
        new TopicFollower<>(
            "zone-directory",
            kafka,
            TopicCatalog.ZONE_INTENTS,
            TopicFollower.Start.BEGINNING,
            restartBackoff,
            maxRestartBackoff,
            this::apply);
  }

  @PostConstruct
  void start() {
    reader.start();
  }

  /** True while the reader runs (not failed and waiting to start again). */
  public boolean reading() {
    return reader.running();
  }

  /**
   * The signers of one zone, a snapshot; empty when the zone is not managed here. Costs one lookup,
   * where {@link #zones()} copies the whole directory: at 10,000 zones a caller asking about one
   * zone per write or per request through {@code zones()} spent milliseconds each time.
   */
  public Optional<Set<String>> signers(String zone) {
    Set<String> signers = zones.get(zone);
    return signers == null ? Optional.empty() : Optional.of(Set.copyOf(signers));
  }

  /** The names of the zones managed here, a snapshot. */
  public Set<String> zoneNames() {
    return Set.copyOf(zones.keySet());
  }

  /** Zone to the signers that serve it (sorted), a snapshot of the whole directory. */
  public Map<String, Set<String>> zones() {
    Map<String, Set<String>> copy = new TreeMap<>();
    zones.forEach((z, s) -> copy.put(z, Set.copyOf(new TreeSet<>(s))));
    return copy;
  }

  /** Applies one intent to the directory (also used by tests). */
  public void apply(String zone, ZoneIntent intent) {
    Object i = intent.getIntent();
    if (i instanceof EnrollZone e) {
      Set<String> signers = ConcurrentHashMap.newKeySet();
      e.getSigners().stream().map(SignerSpec::getSignerId).forEach(signers::add);
      zones.put(zone, signers);
    } else if (i instanceof AddSigner a) {
      zones
          .computeIfAbsent(zone, z -> ConcurrentHashMap.newKeySet())
          .add(a.getSigner().getSignerId());
    } else if (i instanceof RemoveSigner r) {
      // The leaving signer is still observed until the coordinator has finished the leave.
      LOG.debug("event=remove_signer_seen zone={} signer={}", zone, r.getSignerId());
    } else if (i instanceof RetireZone) {
      zones.remove(zone);
    }
  }

  @PreDestroy
  void stop() {
    reader.stop();
  }

  /** UP while the reader runs; DOWN while it failed and waits to start again. */
  @Override
  protected Map<String, Object> getHealthInformation() {
    healthStatus = reader.running() ? HealthStatus.UP : HealthStatus.DOWN;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("zones", zones.size());
    details.put("restarts", reader.restarts());
    if (reader.lastFailure() != null) {
      details.put("lastFailure", reader.lastFailure());
    }
    return details;
  }

  @Override
  protected String getName() {
    return "zoneDirectory";
  }
}
