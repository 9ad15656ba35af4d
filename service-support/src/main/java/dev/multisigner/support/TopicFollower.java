package dev.multisigner.support;

import dev.multisigner.schemas.serde.AvroSerde;
import dev.multisigner.schemas.topics.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
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
 * Follows every partition of one topic without a consumer group (nothing committed), read
 * committed, handing each record's key and decoded value to a handler on the follower's own thread
 * (a record that does not decode is skipped, logged at debug). A partition is read from its
 * beginning or its end ({@link Start}) the first time it is seen, and from where the follower left
 * it after a restart. It looks for the topic's partitions again every {@link #PARTITION_REFRESH},
 * so a topic created (or grown) after the start is followed too. A reader that fails (the broker
 * unreachable, any error of the handler) starts again after a pause doubling from {@code
 * restartBackoff} to {@code maxRestartBackoff}.
 */
public final class TopicFollower<V extends SpecificRecord> {

  private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

  /** How often the reader looks for partitions of the topic it does not read yet. */
  public static final Duration PARTITION_REFRESH = Duration.ofSeconds(5);

  /** Where a partition seen for the first time is read from. */
  public enum Start {
    BEGINNING,
    END
  }

  private final KafkaClientSettings kafka;
  private final String topic;
  private final AvroSerde<V> serde;
  private final Start start;
  private final BiConsumer<String, V> handler;
  private final RestartingWorker reader;

  /** The next offset to read per partition, kept across restarts of the reader. */
  private final Map<TopicPartition, Long> positions = new HashMap<>();

  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile boolean running = true;

  public TopicFollower(
      String name,
      KafkaClientSettings kafka,
      Topic<V> topic,
      Start start,
      Duration restartBackoff,
      Duration maxRestartBackoff,
      BiConsumer<String, V> handler) {
    this.kafka = kafka;
    this.topic = topic.name();
    this.serde = topic.valueSerde();
    this.start = start;
    this.handler = handler;
    this.reader = new RestartingWorker(name, restartBackoff, maxRestartBackoff, this::follow);
  }

  public void start() {
    reader.start();
  }

  /** True while the reader runs (not failed and waiting to start again). */
  public boolean running() {
    return reader.running();
  }

  public int restarts() {
    return reader.restarts();
  }

  public String lastFailure() {
    return reader.lastFailure();
  }

  public void stop() {
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
          V value;
          try {
            value = serde.decode(r.value());
          } catch (SerializationException | NullPointerException e) {
            LOG.debug(
                "event=record_skipped topic={} zone={} offset={} reason=\"{}\"",
                topic,
                r.key(),
                r.offset(),
                e.toString());
            continue;
          }
          handler.accept(r.key(), value);
        }
      }
    } catch (WakeupException e) {
      // stopping
    }
  }

  /**
   * Reads every partition the topic has now (none while it does not exist), each from where this
   * follower left it or, new, from its beginning or end.
   */
  private void assignEveryPartition(KafkaConsumer<String, byte[]> c) {
    List<TopicPartition> now =
        c.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    if (now.isEmpty()) {
      LOG.debug("event=topic_follower_waiting topic={}", topic);
    }
    if (Set.copyOf(now).equals(c.assignment())) {
      return;
    }
    c.assign(now);
    List<TopicPartition> fresh = now.stream().filter(tp -> !positions.containsKey(tp)).toList();
    if (start == Start.BEGINNING) {
      c.seekToBeginning(fresh);
    } else {
      c.seekToEnd(fresh);
    }
    now.stream().filter(positions::containsKey).forEach(tp -> c.seek(tp, positions.get(tp)));
    LOG.info("event=topic_following topic={} partitions={} start={}", topic, now.size(), start);
  }
}
