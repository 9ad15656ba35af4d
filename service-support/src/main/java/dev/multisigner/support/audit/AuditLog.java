package dev.multisigner.support.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads the audit topic as an auditor does: a plain consumer on every partition (assigned, no
 * consumer group, nothing committed), read_committed, from the beginning or from a time. The
 * caller's client settings (SASL, SSL, ...) are passed through unchanged.
 */
public final class AuditLog implements AutoCloseable {

  /** One record of the topic, undecoded (the chain is over these exact bytes). */
  public record Entry(String zone, int partition, long offset, long timestamp, byte[] value) {}

  private static final Duration POLL = Duration.ofMillis(300);

  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;

  /**
   * @param clientSettings Kafka client settings; {@code bootstrap.servers} at least
   * @param topic the audit topic (multisigner.zone.events, or a copy of it)
   */
  public AuditLog(Map<String, Object> clientSettings, String topic) {
    this.topic = topic;
    Map<String, Object> settings = new HashMap<>(clientSettings);
    settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "multisigner-audit");
    settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumer =
        new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Every partition of the topic; an error naming the topic when it does not exist. */
  private List<TopicPartition> partitions() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic " + topic + " does not exist on this cluster");
    }
    return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
  }

  /**
   * Reads every record from {@code since} (null: the beginning) up to the end of each partition as
   * it was when the call started, in offset order per partition.
   */
  public void readToEnd(Instant since, Consumer<Entry> sink) {
    List<TopicPartition> all = partitions();
    consumer.assign(all);
    seek(all, since);
    read(all, sink, () -> false, true);
  }

  /**
   * Reads from {@code since} (null: the beginning) and keeps reading new records until {@code stop}
   * says so.
   */
  public void follow(Instant since, Consumer<Entry> sink, BooleanSupplier stop) {
    List<TopicPartition> all = partitions();
    consumer.assign(all);
    seek(all, since);
    read(all, sink, stop, false);
  }

  /**
   * The records of one zone, read from its partition only (the default partitioner's, as every
   * Multisigner producer uses), at most {@code scan} records back from the partition's end.
   */
  public List<Entry> zone(String zone, int scan) {
    List<TopicPartition> all = partitions();
    int p =
        Utils.toPositive(Utils.murmur2(zone.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            % all.size();
    TopicPartition tp = new TopicPartition(topic, p);
    consumer.assign(List.of(tp));
    long end = consumer.endOffsets(List.of(tp)).get(tp);
    long begin = consumer.beginningOffsets(List.of(tp)).get(tp);
    consumer.seek(tp, Math.max(begin, end - scan));
    List<Entry> entries = new ArrayList<>();
    read(
        List.of(tp),
        e -> {
          if (zone.equals(e.zone())) {
            entries.add(e);
          }
        },
        () -> false,
        true);
    return entries;
  }

  private void seek(Collection<TopicPartition> all, Instant since) {
    if (since == null) {
      consumer.seekToBeginning(all);
      return;
    }
    Map<TopicPartition, Long> query = new HashMap<>();
    all.forEach(tp -> query.put(tp, since.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
    for (TopicPartition tp : all) {
      OffsetAndTimestamp at = found.get(tp);
      if (at == null) {
        consumer.seekToEnd(List.of(tp));
      } else {
        consumer.seek(tp, at.offset());
      }
    }
  }

  private void read(
      List<TopicPartition> all, Consumer<Entry> sink, BooleanSupplier stop, boolean toEnd) {
    Map<TopicPartition, Long> end = consumer.endOffsets(all);
    while (!stop.getAsBoolean()) {
      if (toEnd && all.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
        return;
      }
      for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
        if (r.value() != null) {
          sink.accept(new Entry(r.key(), r.partition(), r.offset(), r.timestamp(), r.value()));
        }
      }
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
