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
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
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
 */
@Singleton
@Requires(property = "multisigner.zone-directory.enabled", notEquals = "false")
public class ZoneDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(ZoneDirectory.class);

  private final KafkaClientSettings kafka;
  private final Map<String, Set<String>> zones = new ConcurrentHashMap<>();
  private final AvroSerde<ZoneIntent> serde = TopicCatalog.ZONE_INTENTS.valueSerde();
  private volatile KafkaConsumer<String, byte[]> consumer;
  private Thread thread;
  private volatile boolean running = true;

  @Inject
  public ZoneDirectory(KafkaClientSettings kafka) {
    this.kafka = kafka;
  }

  /** A directory on an unsecured cluster (tests). */
  public ZoneDirectory(String bootstrap) {
    this(KafkaClientSettings.of(bootstrap));
  }

  @PostConstruct
  void start() {
    thread = new Thread(this::follow, "zone-directory");
    thread.setDaemon(true);
    thread.start();
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

  private void follow() {
    Map<String, Object> config = kafka.common(); // bootstrap servers and security (SASL/SSL)
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer = c;
      List<TopicPartition> partitions =
          c.partitionsFor(TopicCatalog.Names.ZONE_INTENTS, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      while (running) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
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
    } catch (RuntimeException e) {
      LOG.error("event=zone_directory_failed error=\"{}\"", e.toString(), e);
    }
  }

  @PreDestroy
  void stop() throws InterruptedException {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      thread.join(5000);
    }
  }
}
