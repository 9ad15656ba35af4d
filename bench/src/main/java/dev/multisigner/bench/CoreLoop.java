package dev.multisigner.bench;

import dev.multisigner.coordinator.mapping.InputMapper;
import dev.multisigner.coordinator.mapping.OutputMapper;
import dev.multisigner.domain.codec.ZoneStateCodec;
import dev.multisigner.domain.decide.Decision;
import dev.multisigner.domain.decide.Output;
import dev.multisigner.domain.decide.ZoneDecider;
import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The per-input CPU work of the coordinator's ZoneProcessor without Kafka or RocksDB: decode the
 * Avro record, map it, decode the zone's state, decide, encode the state, map and encode every
 * output. Its rate is the ceiling the Streams shell can reach on one thread.
 */
final class CoreLoop {

  private final Map<String, byte[]> states = new HashMap<>();
  private long outputs;

  /** Processes the enrollments then the observations; returns the observation phase's nanos. */
  long run(List<String> enrollKeys, List<byte[]> enrolls, List<String> keys, List<byte[]> values) {
    for (int i = 0; i < enrollKeys.size(); i++) {
      ZoneName zone = ZoneName.of(enrollKeys.get(i));
      var intent = TopicCatalog.ZONE_INTENTS.valueSerde().decode(enrolls.get(i));
      process(zone, InputMapper.intent(zone, intent), intent.getEnvelope());
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < keys.size(); i++) {
      ZoneName zone = ZoneName.of(keys.get(i));
      var observation = TopicCatalog.SIGNER_OBSERVATIONS.valueSerde().decode(values.get(i));
      process(zone, InputMapper.observation(zone, observation), observation.getEnvelope());
    }
    return System.nanoTime() - t0;
  }

  long outputs() {
    return outputs;
  }

  private void process(ZoneName zone, ZoneInput input, Envelope cause) {
    Instant now = Instant.now();
    byte[] stored = states.get(zone.value());
    ZoneState state = stored == null ? ZoneState.absent(zone) : ZoneStateCodec.decode(stored);
    Decision decision = ZoneDecider.decide(state, input, now);
    states.put(zone.value(), ZoneStateCodec.encode(decision.state()));
    int ttl =
        decision.state().policy() == null
            ? 0
            : (int) decision.state().policy().dnskeyTtl().toSeconds();
    for (Output output : decision.outputs()) {
      if (output instanceof Output.WakeAt) {
        continue;
      }
      Envelope env = envelope(zone, cause, now);
      var command = OutputMapper.command(env, output, ttl);
      if (command != null) {
        TopicCatalog.SIGNER_COMMANDS.valueSerde().encode(command);
        outputs++;
        continue;
      }
      var request = OutputMapper.dsRequest(env, output, List.of());
      if (request != null) {
        TopicCatalog.DS_REQUESTS.valueSerde().encode(request);
        outputs++;
        continue;
      }
      var event = OutputMapper.zoneEvent(env, output);
      if (event != null) {
        TopicCatalog.ZONE_EVENTS.valueSerde().encode(event);
        outputs++;
      }
    }
    TopicCatalog.ZONE_STATE
        .valueSerde()
        .encode(OutputMapper.snapshot(envelope(zone, cause, now), decision.state()));
    outputs++;
  }

  private static Envelope envelope(ZoneName zone, Envelope cause, Instant now) {
    return Envelope.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setZone(zone.value())
        .setOccurredAt(now)
        .setProducer("signer-coordinator")
        .setCausationId(cause.getEventId())
        .setCorrelationId(
            cause.getCorrelationId() != null ? cause.getCorrelationId() : cause.getEventId())
        .build();
  }
}
