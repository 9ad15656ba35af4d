package dev.multisigner.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one Avro record type, in Avro single-object encoding (a 10-byte header with the
 * writer schema's fingerprint, then the binary body). Decoding resolves the writer schema through
 * {@link SchemaRegistry}, so a record written with any released version of the schema is read into
 * the current class.
 */
public final class AvroSerde<V extends SpecificRecord>
    implements Serde<V>, Serializer<V>, Deserializer<V> {

  private final Class<V> type;
  private final BinaryMessageEncoder<V> encoder;
  private final BinaryMessageDecoder<V> decoder;

  private AvroSerde(Class<V> type) {
    this.type = Objects.requireNonNull(type, "type");
    SchemaRegistry.trustOurClasses();
    SpecificData model = SpecificData.getForClass(type);
    Schema schema = model.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema, SchemaRegistry.store());
  }

  private static final Map<Class<?>, AvroSerde<?>> BY_TYPE = new ConcurrentHashMap<>();

  /**
   * The serde for the given generated Avro class, built once per class (Avro's message encoder and
   * decoder are thread-safe; building them costs microseconds per record on the hot path).
   */
  @SuppressWarnings("unchecked")
  public static <V extends SpecificRecord> AvroSerde<V> of(Class<V> type) {
    return (AvroSerde<V>) BY_TYPE.computeIfAbsent(type, t -> new AvroSerde<>(type));
  }

  /** Encodes a record (single-object encoding). */
  public byte[] encode(V value) {
    try {
      ByteBuffer buffer = encoder.encode(value);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException | AvroRuntimeException e) {
      throw new SerializationException(
          "cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes a record written with any known version of its schema.
   *
   * @throws SerializationException when the bytes are not a single-object encoded record of a known
   *     schema (a poison message: the caller sends it to the dead-letter topic)
   */
  public V decode(byte[] bytes) {
    try {
      return decoder.decode(bytes);
    } catch (IOException | AvroRuntimeException e) {
      throw new SerializationException(
          "cannot decode " + type.getSimpleName() + " (" + bytes.length + " bytes): " + e, e);
    }
  }

  @Override
  public byte[] serialize(String topic, V data) {
    return data == null ? null : encode(data);
  }

  @Override
  public V deserialize(String topic, byte[] data) {
    return data == null ? null : decode(data);
  }

  @Override
  public Serializer<V> serializer() {
    return this;
  }

  @Override
  public Deserializer<V> deserializer() {
    return this;
  }

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}
