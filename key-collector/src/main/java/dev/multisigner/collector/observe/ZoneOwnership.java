package dev.multisigner.collector.observe;

import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.KafkaClientSettings;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which zones this collector instance polls when several instances of one deployment share the
 * work. With {@code multisigner.collector.group-id} set, the instance joins that consumer group on
 * {@code multisigner.zone.intents} (zone-keyed) and owns the zones whose key falls in the
 * partitions Kafka assigns it; the group re-balances when an instance comes or goes (a dead one
 * after its session timeout), so each zone has one poller in steady state and none is left without.
 * The consumer only holds the assignment: its partitions stay paused and nothing is read. Without a
 * group id the instance owns every zone (one instance per deployment).
 *
 * <p>A zone's partition is Kafka's default for a keyed record (murmur2 of the UTF-8 key), the one
 * every producer of this topic uses.
 */
@Singleton
@Requires(env = "key-collector")
public class ZoneOwnership implements ConsumerRebalanceListener {

  private static final Logger LOG = LoggerFactory.getLogger(ZoneOwnership.class);

  private final KafkaClientSettings kafka;
  private final String groupId;
  private final Duration sessionTimeout;
  private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
  private volatile int partitions;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean running = true;
  private Thread thread;

  public ZoneOwnership(
      KafkaClientSettings kafka,
      @Value("${multisigner.collector.group-id:}") String groupId,
      @Value("${multisigner.collector.group-session-timeout:10s}") Duration sessionTimeout) {
    this.kafka = kafka;
    this.groupId = groupId == null ? "" : groupId.trim();
    this.sessionTimeout = sessionTimeout;
  }

  @PostConstruct
  void start() {
    if (groupId.isEmpty()) {
      return;
    }
    thread = new Thread(this::hold, "zone-ownership");
    thread.setDaemon(true);
    thread.start();
  }

  /** True when this instance polls {@code zone}. */
  public boolean owns(String zone) {
    if (groupId.isEmpty()) {
      return true;
    }
    int n = partitions;
    return n > 0 && owned.contains(partitionOf(zone, n));
  }

  /** The partitions of the intents topic this instance holds (all, without a group). */
  public Set<Integer> ownedPartitions() {
    return Set.copyOf(owned);
  }

  static int partitionOf(String zone, int partitions) {
    return Utils.toPositive(Utils.murmur2(zone.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private void hold() {
    Map<String, Object> config = kafka.common(); // bootstrap servers and security (SASL/SSL)
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
    config.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(500, sessionTimeout.toMillis() / 5));
    config.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer = c;
      partitions = c.partitionsFor(TopicCatalog.Names.ZONE_INTENTS, Duration.ofSeconds(30)).size();
      c.subscribe(List.of(TopicCatalog.Names.ZONE_INTENTS), this);
      while (running) {
        c.poll(Duration.ofMillis(500)); // heartbeats and re-balances; partitions stay paused
      }
    } catch (WakeupException e) {
      // stopping
    } catch (RuntimeException e) {
      LOG.error("event=zone_ownership_failed group={} error=\"{}\"", groupId, e.toString(), e);
      owned.clear();
    }
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
    // the count read now: the topic may have been created (or grown) after this instance started
    partitions =
        consumer.partitionsFor(TopicCatalog.Names.ZONE_INTENTS, Duration.ofSeconds(30)).size();
    consumer.pause(assigned);
    assigned.forEach(p -> owned.add(p.partition()));
    LOG.info(
        "event=zone_partitions_assigned group={} added={} owned={}",
        groupId,
        assigned.stream().map(TopicPartition::partition).sorted().toList(),
        owned.stream().sorted().toList());
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
    revoked.forEach(p -> owned.remove(p.partition()));
    LOG.info(
        "event=zone_partitions_revoked group={} removed={} owned={}",
        groupId,
        revoked.stream().map(TopicPartition::partition).sorted().toList(),
        owned.stream().sorted().toList());
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> lost) {
    onPartitionsRevoked(lost);
  }

  @PreDestroy
  void stop() throws InterruptedException {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      thread.join(5000);
    }
  }
}
