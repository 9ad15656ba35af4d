package dev.multisigner.support.zones;

import dev.multisigner.schemas.avro.AddSigner;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.RemoveSigner;
import dev.multisigner.schemas.avro.RetireZone;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.serde.AvroSerde;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.KafkaClientSettings;
import dev.multisigner.support.RestartingWorker;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zones under management and their signers, as the intents say: read from the start of {@code
 * multisigner.zone.intents} on every start (no committed offsets), then followed. The coordinator
 * decides whether an intent is accepted; this directory only tells the pollers which zone × signer
 * pairs to look at, so a refused enrollment costs a few extra reads, nothing more.
 *
 * <p>It looks for the topic's partitions again every {@link #PARTITION_REFRESH}, so a topic created
 * (or grown) after the start is read from its beginning. A reader that fails (the broker
 * unreachable at the start, any error) starts again after a pause doubling from 1 s to 30 s, from
 * where it had read; /health ({@code zoneDirectory}) is DOWN until it runs again.
 */
@Singleton
@Requires(property = "multisigner.zone-directory.enabled", notEquals = "false")
public class ZoneDirectory extends AbstractHealthIndicator<Map<String, Object>> {

  private static final Logger LOG = LoggerFactory.getLogger(ZoneDirectory.class);

  /** How often the reader looks for partitions of the intents topic it does not read yet. */
  static final Duration PARTITION_REFRESH = Duration.ofSeconds(5);

  private final KafkaClientSettings kafka;
  private final Map<String, Set<String>> zones = new ConcurrentHashMap<>();
  private final AvroSerde<ZoneIntent> serde = TopicCatalog.ZONE_INTENTS.valueSerde();

  /** The next offset to read per partition, kept across restarts of the reader. */
  private final Map<TopicPartition, Long> positions = new HashMap<>();

  private final RestartingWorker reader;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile boolean running = true;

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
    this.kafka = kafka;
    this.reader =
        new RestartingWorker("zone-directory", restartBackoff, maxRestartBackoff, this::follow);
  }

  @PostConstruct
  void start() {
    reader.start();
  }

  /** True while the reader runs (not failed and waiting to start again). */
  public boolean reading() {
    return reader.running();
  }

  /** Zone to the signers that serve it (sorted), a snapshot. */
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

  /** One run of the reader; returns once stopped, throws on failure (it is started again). */
  private void follow() {
    Map<String, Object> config = kafka.common(); // bootstrap servers and security (SASL/SSL)
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer = c;
      if (!running) {
        return;
      }
      long refreshAt = 0;
      while (running) {
        if (System.nanoTime() - refreshAt >= 0) {
          assignEveryPartition(c);
          refreshAt = System.nanoTime() + PARTITION_REFRESH.toNanos();
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          positions.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
          try {
            apply(r.key(), serde.decode(r.value()));
          } catch (SerializationException | NullPointerException e) {
            LOG.debug(
                "event=intent_skipped zone={} offset={} reason=\"{}\"",
                r.key(),
                r.offset(),
                e.toString());
          }
        }
      }
    } catch (WakeupException e) {
      // stopping
    }
  }

  /**
   * Reads every partition the intents topic has now (none while it does not exist), each from where
   * this directory left it or, new, from its beginning.
   */
  private void assignEveryPartition(KafkaConsumer<String, byte[]> c) {
    List<TopicPartition> now =
        c.partitionsFor(TopicCatalog.Names.ZONE_INTENTS).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    if (now.isEmpty()) {
      LOG.debug("event=zone_directory_waiting topic={}", TopicCatalog.Names.ZONE_INTENTS);
    }
    if (Set.copyOf(now).equals(c.assignment())) {
      return;
    }
    c.assign(now);
    List<TopicPartition> fresh = now.stream().filter(tp -> !positions.containsKey(tp)).toList();
    c.seekToBeginning(fresh);
    now.stream().filter(positions::containsKey).forEach(tp -> c.seek(tp, positions.get(tp)));
    LOG.info(
        "event=zone_directory_reading topic={} partitions={}",
        TopicCatalog.Names.ZONE_INTENTS,
        now.size());
  }

  @PreDestroy
  void stop() {
    running = false;
    reader.stop(
        () -> {
          KafkaConsumer<String, byte[]> c = consumer;
          if (c != null) {
            c.wakeup();
          }
        },
        Duration.ofSeconds(5));
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
