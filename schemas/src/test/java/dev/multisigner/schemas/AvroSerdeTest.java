package dev.multisigner.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.serde.AvroSerde;
import dev.multisigner.schemas.serde.SchemaRegistry;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Protocol;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");

  @Test
  void roundTripsARecordInSingleObjectEncoding() {
    AvroSerde<ZoneEvent> serde = AvroSerde.of(ZoneEvent.class);
    ZoneEvent event =
        ZoneEvent.newBuilder()
            .setEnvelope(envelope())
            .setType("ZoneEnrolled")
            .setSummary("zone=example.test. enrolled with signers knot-a, pdns-b")
            .setAttributes(Map.of("signers", "knot-a,pdns-b"))
            .build();

    byte[] bytes = serde.serialize("t", event);

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(serde.deserialize("t", bytes)).isEqualTo(event);
  }

  @Test
  void decodesARecordWrittenWithTheReleasedSchema() throws Exception {
    Protocol v1 = SchemaRegistry.released("v1");
    Schema zoneEventV1 = v1.getType("dev.multisigner.schemas.avro.ZoneEvent");
    Schema envelopeV1 = v1.getType("dev.multisigner.schemas.avro.Envelope");
    GenericRecord env = new GenericData.Record(envelopeV1);
    env.put("eventId", "e-1");
    env.put("zone", "example.test.");
    env.put("occurredAt", T0.toEpochMilli());
    env.put("producer", "old-producer");
    GenericRecord old = new GenericData.Record(zoneEventV1);
    old.put("envelope", env);
    old.put("type", "ZoneHalted");
    old.put("summary", "zone=example.test. halted: reason=unknown key");
    old.put("attributes", Map.of());
    ByteBuffer written =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), zoneEventV1).encode(old);
    byte[] bytes = new byte[written.remaining()];
    written.get(bytes);

    ZoneEvent decoded = AvroSerde.of(ZoneEvent.class).decode(bytes);

    assertThat(decoded.getType()).isEqualTo("ZoneHalted");
    assertThat(decoded.getEnvelope().getOccurredAt()).isEqualTo(T0);
    assertThat(decoded.getEnvelope().getProducer()).isEqualTo("old-producer");
  }

  @Test
  void refusesBytesThatAreNotASingleObjectRecord() {
    AvroSerde<ZoneEvent> serde = AvroSerde.of(ZoneEvent.class);
    assertThatThrownBy(() -> serde.decode("not avro at all".getBytes()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("ZoneEvent");
  }

  @Test
  void refusesARecordOfAnUnknownSchema() {
    Schema unknown =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Stranger\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
    GenericRecord r = new GenericData.Record(unknown);
    r.put("x", 1);
    byte[] bytes;
    try {
      ByteBuffer b = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), unknown).encode(r);
      bytes = new byte[b.remaining()];
      b.get(bytes);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> AvroSerde.of(ZoneEvent.class).decode(bytes))
        .isInstanceOf(SerializationException.class);
  }

  private static Envelope envelope() {
    return Envelope.newBuilder()
        .setEventId("e-1")
        .setZone("example.test.")
        .setOccurredAt(T0)
        .setProducer("test")
        .setCausationId(null)
        .setCorrelationId("c-1")
        .build();
  }
}
