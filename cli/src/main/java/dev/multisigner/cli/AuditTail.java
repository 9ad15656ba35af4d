package dev.multisigner.cli;

import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.serde.AvroSerde;
import dev.multisigner.schemas.topics.Topic;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The operator's side of the log for one zone: sends intents, and prints the zone's audit events
 * (multisigner.zone.events) as they arrive, read_committed, decoded with the schemas.
 */
final class AuditTail implements AutoCloseable {

  private final String zone;
  private final PrintStream out;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroSerde<ZoneEvent> events = TopicCatalog.ZONE_EVENTS.valueSerde();
  private final List<String> lines = new ArrayList<>();

  AuditTail(String bootstrap, String zone, PrintStream out) {
    this.zone = zone;
    this.out = out;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "audit-tail-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    consumer.subscribe(List.of(TopicCatalog.Names.ZONE_EVENTS));
  }

  /** Sends an intent (or any record) for the zone and waits for the broker's ack. */
  <V extends SpecificRecord> void send(Topic<V> topic, V value) {
    try {
      producer
          .send(new ProducerRecord<>(topic.name(), zone, topic.valueSerde().encode(value)))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot send to " + topic.name() + ": " + e.getMessage(), e);
    }
  }

  /** Sends an intent. */
  void intent(ZoneIntent intent) {
    send(TopicCatalog.ZONE_INTENTS, intent);
  }

  /** Prints the audit events that arrived since the last call. */
  void drain() {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
      if (!zone.equals(r.key())) {
        continue;
      }
      ZoneEvent e = events.decode(r.value());
      String line = e.getType() + ": " + e.getSummary();
      lines.add(line);
      out.println("audit: " + e.getEnvelope().getOccurredAt() + " " + line);
    }
  }

  /** Every audit line printed so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    consumer.close(Duration.ofSeconds(5));
  }
}
