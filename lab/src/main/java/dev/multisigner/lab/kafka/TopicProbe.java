package dev.multisigner.lab.kafka;

import dev.multisigner.schemas.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes and reads Multisigner topics from a test or a tool, decoding with the schemas' serdes. */
public final class TopicProbe implements AutoCloseable {

  private final Map<String, Object> client;
  private final KafkaProducer<String, byte[]> producer;

  public TopicProbe(String bootstrap) {
    this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  /** With a client's settings: bootstrap servers and, for a secured cluster, its credentials. */
  public TopicProbe(Map<String, Object> clientSettings) {
    this.client = Map.copyOf(clientSettings);
    Map<String, Object> p = new HashMap<>(client);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  public <V extends SpecificRecord> void send(Topic<V> topic, String zone, V value) {
    try {
      producer
          .send(new ProducerRecord<>(topic.name(), zone, topic.valueSerde().encode(value)))
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot send to " + topic.name(), e);
    }
  }

  /** Reads the topic from the start until {@code done} holds for the zone's records. */
  public <V extends SpecificRecord> List<V> readUntil(
      Topic<V> topic, String zone, Predicate<List<V>> done, Duration timeout) {
    List<V> values = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(true)) {
      consumer.subscribe(List.of(topic.name()));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(values) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (zone.equals(r.key())) {
            values.add(topic.valueSerde().decode(r.value()));
          }
        }
      }
    }
    return values;
  }

  /**
   * Every committed record of the zone on the topic now: reads every partition from the start up to
   * its end offset at the time of the call (the last stable offset, read_committed).
   */
  public <V extends SpecificRecord> List<V> readAll(Topic<V> topic, String zone, Duration timeout) {
    List<V> values = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(false)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic.name(), timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + topic.name() + " to its end within " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (zone.equals(r.key())) {
            values.add(topic.valueSerde().decode(r.value()));
          }
        }
      }
    }
    return values;
  }

  /**
   * A read_committed consumer from the earliest offset; {@code grouped} joins a group of its own
   * (to subscribe), otherwise it only assigns partitions and commits nothing, so a test polling the
   * log every 250 ms costs the broker no group and no offset commit per poll.
   */
  private KafkaConsumer<String, byte[]> consumer(boolean grouped) {
    Map<String, Object> c = new HashMap<>(client);
    if (grouped) {
      c.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
    } else {
      c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    }
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
