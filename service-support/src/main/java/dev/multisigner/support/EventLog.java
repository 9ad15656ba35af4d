package dev.multisigner.support;

import dev.multisigner.schemas.serde.AvroSerde;
import dev.multisigner.schemas.topics.Topic;
import io.micronaut.configuration.kafka.annotation.KafkaClient;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Appends records to Multisigner's topics: keyed by canonical zone name, values in Avro
 * single-object encoding, acknowledged by all in-sync replicas before the call returns (so a
 * listener commits its input only after its outputs are durable).
 */
@Singleton
public class EventLog {

  private final Producer<String, byte[]> producer;

  public EventLog(@KafkaClient("multisigner-event-log") Producer<String, byte[]> producer) {
    this.producer = producer;
  }

  /** Appends {@code value} to {@code topic} under the zone key and waits for the broker's ack. */
  public <V extends SpecificRecord> RecordMetadata append(Topic<V> topic, String zone, V value) {
    byte[] bytes = serde(topic).encode(value);
    try {
      return producer
          .send(new ProducerRecord<>(topic.name(), zone, bytes))
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted appending to " + topic.name(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot append to topic=" + topic.name() + " zone=" + zone + ": " + e.getMessage(), e);
    }
  }

  <V extends SpecificRecord> AvroSerde<V> serde(Topic<V> topic) {
    return topic.valueSerde();
  }
}
