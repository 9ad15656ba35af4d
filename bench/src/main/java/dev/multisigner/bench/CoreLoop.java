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
import dev.multisigner.schemas.avro.SignerObservation;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.serde.AvroSerde;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The per-input CPU work of the coordinator's ZoneProcessor without Kafka or RocksDB: decode the
 * Avro record, map it, decode the zone's state, decide, encode the state, map and encode every
 * output. Its rate is the ceiling the Streams shell can reach on one thread. Like ZoneProcessor, it
 * keeps one decoder per input topic and asks the topic for a serde per output (as {@code emit}
 * does).
 */
final class CoreLoop {

  private final Map<String, byte[]> states = new HashMap<>();
  private final AvroSerde<ZoneIntent> intents = TopicCatalog.ZONE_INTENTS.valueSerde();
  private final AvroSerde<SignerObservation> observations =
      TopicCatalog.SIGNER_OBSERVATIONS.valueSerde();
  private long outputs;
  // nanos per stage, for the breakdown: Avro decode + mapping, state decode, decide, state encode,
  // outputs (mapping + Avro encode, snapshot included)
  private final long[] stages = new long[5];
  private boolean timing;

  /** Processes the enrollments then the observations; returns the observation phase's nanos. */
  long run(List<String> enrollKeys, List<byte[]> enrolls, List<String> keys, List<byte[]> values) {
    for (int i = 0; i < enrollKeys.size(); i++) {
      ZoneName zone = ZoneName.of(enrollKeys.get(i));
      var intent = intents.decode(enrolls.get(i));
      process(zone, InputMapper.intent(zone, intent), intent.getEnvelope());
    }
    timing = true;
    long t0 = System.nanoTime();
    for (int i = 0; i < keys.size(); i++) {
      long s0 = System.nanoTime();
      ZoneName zone = ZoneName.of(keys.get(i));
      var observation = observations.decode(values.get(i));
      ZoneInput input = InputMapper.observation(zone, observation);
      stages[0] += System.nanoTime() - s0;
      process(zone, input, observation.getEnvelope());
    }
    return System.nanoTime() - t0;
  }

  long outputs() {
    return outputs;
  }

  /** Microseconds per observation in each stage, as key=value. */
  String breakdown(int observations) {
    String[] names = {"input_decode", "state_decode", "decide", "state_encode", "outputs_encode"};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      sb.append(String.format(" core_%s_us=%.1f", names[i], stages[i] / 1e3 / observations));
    }
    return sb.toString().trim();
  }

  private long lap(int stage, long since) {
    long now = System.nanoTime();
    if (timing) {
      stages[stage] += now - since;
    }
    return now;
  }

  private void process(ZoneName zone, ZoneInput input, Envelope cause) {
    Instant now = Instant.now();
    long t = System.nanoTime();
    byte[] stored = states.get(zone.value());
    ZoneState state = stored == null ? ZoneState.absent(zone) : ZoneStateCodec.decode(stored);
    t = lap(1, t);
    Decision decision = ZoneDecider.decide(state, input, now);
    t = lap(2, t);
    states.put(zone.value(), ZoneStateCodec.encode(decision.state()));
    t = lap(3, t);
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
      var request = OutputMapper.dsRequest(env, output);
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
    lap(4, t);
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
