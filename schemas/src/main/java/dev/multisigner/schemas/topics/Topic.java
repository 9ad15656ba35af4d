package dev.multisigner.schemas.topics;

import dev.multisigner.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One Kafka topic: its name, what it carries and how long it keeps it. Keys are always canonical
 * zone names (lower case, trailing dot) as UTF-8 strings, so every record of one zone lands in one
 * partition, in order.
 *
 * @param name the topic name
 * @param valueType the Avro class of every value
 * @param defaultPartitions partitions when the catalog creates the topic
 * @param retention how long records are kept; empty means forever
 * @param compacted true for a compacted (latest value per key) topic
 * @param doc what the topic is for
 */
public record Topic<V extends SpecificRecord>(
    String name,
    Class<V> valueType,
    int defaultPartitions,
    Optional<Duration> retention,
    boolean compacted,
    String doc) {

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueType, "valueType");
    Objects.requireNonNull(retention, "retention");
    if (defaultPartitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1 for " + name);
    }
  }

  /** The serde for keys: canonical zone names as strings. */
  public Serde<String> keySerde() {
    return Serdes.String();
  }

  /** The serde for values: single-object encoding, decoding every released schema version. */
  public AvroSerde<V> valueSerde() {
    return AvroSerde.of(valueType);
  }

  /** The topic-level configs to create this topic with. */
  public Map<String, String> configs() {
    if (compacted) {
      return Map.of("cleanup.policy", "compact");
    }
    return Map.of(
        "cleanup.policy",
        "delete",
        "retention.ms",
        retention.map(d -> Long.toString(d.toMillis())).orElse("-1"),
        "retention.bytes",
        "-1");
  }
}
