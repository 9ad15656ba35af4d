package dev.multisigner.coordinator.topology;

import dev.multisigner.coordinator.mapping.InputMapper;
import dev.multisigner.coordinator.mapping.OutputMapper;
import dev.multisigner.coordinator.mapping.RejectedInput;
import dev.multisigner.domain.codec.ZoneStateCodec;
import dev.multisigner.domain.decide.Decision;
import dev.multisigner.domain.decide.HaltCause;
import dev.multisigner.domain.decide.Output;
import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.decide.ZoneStatus;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.schemas.avro.DeadLetter;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.avro.SignerObservation;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.serde.AvroSerde;
import dev.multisigner.schemas.topics.Topic;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shell around {@link ZoneDecider}: decode, load state, decide, store, emit. It holds no
 * business branches; what it decides on its own is only what cannot reach the decider (a record
 * that does not decode goes to the dead-letter topic; an input that cannot be mapped becomes an
 * InputRejected audit event with its reason).
 *
 * <p>Per input it does only what the input changed (bench/README.md measured the rest as waste):
 * the state is decoded again only when the store holds other bytes than the ones it last decoded or
 * wrote, encoded and stored only when the decision changed it, the timer touched only when the
 * deadline moved, and the {@code zone.state} snapshot (a compacted summary) written only when its
 * content changed.
 */
final class ZoneProcessor implements Processor<String, byte[], String, byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(ZoneProcessor.class);

  private final String producer;
  private final Duration wakeInterval;
  private final CoordinatorTopology.Decide decider;
  private final AvroSerde<ZoneIntent> intents = TopicCatalog.ZONE_INTENTS.valueSerde();
  private final AvroSerde<SignerObservation> observations =
      TopicCatalog.SIGNER_OBSERVATIONS.valueSerde();
  private final AvroSerde<SignerCommandResult> results = TopicCatalog.SIGNER_RESULTS.valueSerde();
  private final AvroSerde<DsEvent> dsEvents = TopicCatalog.DS_EVENTS.valueSerde();

  /**
   * Zones' states as last decoded or written, each with its bytes: reused only while the store
   * holds exactly those bytes, so whatever changes the store behind this processor (a restore after
   * an aborted transaction, a task moving) cannot make it decide on a stale state. Access-ordered,
   * bounded: the zones with inputs in flight stay, the rest is decoded again when it comes back.
   */
  private final Map<String, Loaded> loaded =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Loaded> eldest) {
          return size() > LOADED_ZONES;
        }
      };

  private static final int LOADED_ZONES = 2048;

  private record Loaded(byte[] bytes, ZoneState state) {}

  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, byte[]> states;
  private KeyValueStore<String, Long> timers;
  private AuditChainLinks auditChain;

  /**
   * No deadline in the timer store is earlier than this; {@code Long.MIN_VALUE} until the first
   * scan after {@link #init} (the store was restored, or another task's run wrote it).
   */
  private long earliestDeadline = Long.MIN_VALUE;

  ZoneProcessor(String producer, Duration wakeInterval, CoordinatorTopology.Decide decider) {
    this.producer = producer;
    this.wakeInterval = wakeInterval;
    this.decider = decider;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    loaded.clear();
    earliestDeadline = Long.MIN_VALUE;
    this.states = context.getStateStore(CoordinatorTopology.STATE_STORE);
    this.timers = context.getStateStore(CoordinatorTopology.TIMER_STORE);
    this.auditChain = new AuditChainLinks(context.getStateStore(CoordinatorTopology.AUDIT_STORE));
    context.schedule(wakeInterval, PunctuationType.WALL_CLOCK_TIME, this::wakeDueZones);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String topic = context.recordMetadata().map(m -> m.topic()).orElse("unknown");
    ZoneName zone;
    try {
      zone = ZoneName.of(record.key() == null ? "" : record.key());
    } catch (IllegalArgumentException e) {
      deadLetter(record, topic, "record key is not a zone name: " + e.getMessage());
      return;
    }
    Envelope cause;
    ZoneInput input;
    byte[] stored = states.get(zone.value()); // read once per input: load() takes these bytes
    try {
      SpecificRecord decoded = decode(topic, record.value());
      if (!(decoded instanceof ZoneIntent) && stored == null) {
        // A zone never enrolled: an observation, result or parent event for it changes nothing
        // (the decider ignores it) and must leave nothing behind either, no state, no audit
        // event, no audit-chain head, however many random zones a faulty or forged producer names.
        LOG.debug("event=input_for_unenrolled_zone zone={} topic={}", zone, topic);
        return;
      }
      cause = envelopeOf(decoded);
      input = toInput(zone, decoded);
    } catch (SerializationException e) {
      deadLetter(record, topic, "zone=" + zone + ": " + e.getMessage());
      return;
    } catch (RejectedInput e) {
      LOG.warn("event=input_rejected zone={} topic={} reason=\"{}\"", zone, topic, e.getMessage());
      Envelope env = envelope(zone.value(), null, null);
      emit(
          TopicCatalog.ZONE_EVENTS,
          CoordinatorTopology.TO_ZONE_EVENTS,
          zone.value(),
          new ZoneEvent(
              env,
              "InputRejected",
              e.getMessage(),
              Map.of("topic", topic, "kind", "REJECTED"),
              null));
      return;
    }
    decideAndEmit(zone, stored, input, cause, record, topic);
  }

  /**
   * Turns due deadlines into WakeUp inputs. The timer store is scanned only when its earliest
   * deadline (known since the last scan, lowered by every deadline set since) is due: with
   * thousands of zones a scan every wake interval was a twentieth of the stream thread's time.
   */
  private void wakeDueZones(long nowMillis) {
    if (earliestDeadline > nowMillis) {
      return;
    }
    List<String> due = new ArrayList<>();
    long earliestLeft = Long.MAX_VALUE;
    try (KeyValueIterator<String, Long> it = timers.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> entry = it.next();
        if (entry.value == null) {
          continue;
        }
        if (entry.value <= nowMillis) {
          due.add(entry.key);
        } else {
          earliestLeft = Math.min(earliestLeft, entry.value);
        }
      }
    }
    earliestDeadline = earliestLeft; // the due zones' new deadlines lower it again (setTimer)
    for (String zone : due) {
      timers.delete(zone);
      ZoneName name = ZoneName.of(zone);
      decideAndEmit(name, states.get(zone), new ZoneInput.WakeUp(name), null, null, null);
    }
  }

  private void setTimer(String zone, long atMillis) {
    timers.put(zone, atMillis);
    earliestDeadline = Math.min(earliestDeadline, atMillis);
  }

  /**
   * Decides and emits. {@code stored} is what the state store holds for the zone now; {@code
   * poison} and {@code topic} are the input record and its topic (null for a wake-up), kept on the
   * dead-letter topic if the decider fails on it.
   */
  private void decideAndEmit(
      ZoneName zone,
      byte[] stored,
      ZoneInput input,
      Envelope cause,
      Record<String, byte[]> poison,
      String topic) {
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    ZoneState state = load(zone, stored);
    Decision decision;
    try {
      decision = decider.decide(state, input, now);
    } catch (RuntimeException e) {
      // A bug in the core must not stop every other zone's processing, and the zone it hit must
      // not go on as if the input had been handled: halt it until an operator resumes it, and
      // keep the input (dead-letter topic) so it can be replayed once fixed.
      String what = input.getClass().getSimpleName();
      LOG.error("event=decide_failed zone={} input={}", zone, what, e);
      Envelope env = envelope(zone.value(), cause);
      emit(
          TopicCatalog.ZONE_EVENTS,
          CoordinatorTopology.TO_ZONE_EVENTS,
          zone.value(),
          new ZoneEvent(
              env,
              "InputFailed",
              "zone=" + zone + ": the decider failed on " + what,
              Map.of("error", String.valueOf(e)),
              null));
      if (poison != null) {
        deadLetter(poison, topic, "zone=" + zone + ": the decider failed on " + what + ": " + e);
      }
      haltAfterFailure(zone, state, what + ": " + e, cause);
      return;
    }
    ZoneState next = decision.state();
    store(zone, state, next);
    int ttl = next.policy() == null ? 0 : (int) next.policy().dnskeyTtl().toSeconds();
    for (Output output : decision.outputs()) {
      Envelope env = envelope(zone.value(), cause);
      if (output instanceof Output.WakeAt w) {
        setTimer(zone.value(), w.at().toEpochMilli());
        continue;
      }
      var command = OutputMapper.command(env, output, ttl);
      if (command != null) {
        emit(TopicCatalog.SIGNER_COMMANDS, CoordinatorTopology.TO_COMMANDS, zone.value(), command);
        continue;
      }
      var request = OutputMapper.dsRequest(env, output);
      if (request != null) {
        emit(TopicCatalog.DS_REQUESTS, CoordinatorTopology.TO_DS_REQUESTS, zone.value(), request);
        continue;
      }
      var event = OutputMapper.zoneEvent(env, output);
      if (event != null) {
        emit(TopicCatalog.ZONE_EVENTS, CoordinatorTopology.TO_ZONE_EVENTS, zone.value(), event);
        continue;
      }
      // An output this shell cannot carry must not vanish: say so in the audit log.
      LOG.error("event=output_unmapped zone={} output={}", zone, output);
      emit(
          TopicCatalog.ZONE_EVENTS,
          CoordinatorTopology.TO_ZONE_EVENTS,
          zone.value(),
          new ZoneEvent(
              env,
              "OutputUnmapped",
              "zone=" + zone + ": the coordinator cannot carry out " + output,
              Map.of("kind", "UNMAPPED"),
              null));
    }
    if (next.wakeAt() == null && state.wakeAt() != null) {
      // the decider emits WakeAt only when the deadline moves; a state without one has no timer
      timers.delete(zone.value());
    }
    if (OutputMapper.snapshotChanged(state, next)) {
      emit(
          TopicCatalog.ZONE_STATE,
          CoordinatorTopology.TO_ZONE_STATE,
          zone.value(),
          OutputMapper.snapshot(envelope(zone.value(), cause), next));
    }
  }

  /** Halts a managed zone after the decider failed on one of its inputs (no-op otherwise). */
  private void haltAfterFailure(ZoneName zone, ZoneState state, String failure, Envelope cause) {
    if (state.status() != ZoneStatus.ACTIVE) {
      return; // absent or retired: nothing to halt; already halted: keep the first reason
    }
    String reason = "the decider failed on " + failure + "; resume once the cause is understood";
    ZoneState halted = state.withStatus(ZoneStatus.HALTED, HaltCause.UNSAFE_PLAN, reason);
    store(zone, state, halted);
    emit(
        TopicCatalog.ZONE_EVENTS,
        CoordinatorTopology.TO_ZONE_EVENTS,
        zone.value(),
        new ZoneEvent(
            envelope(zone.value(), cause),
            "ZoneHalted",
            "zone=" + zone + " halted: " + reason,
            Map.of("kind", "ZONE_HALTED", "cause", HaltCause.UNSAFE_PLAN.name()),
            null));
    emit(
        TopicCatalog.ZONE_STATE,
        CoordinatorTopology.TO_ZONE_STATE,
        zone.value(),
        OutputMapper.snapshot(envelope(zone.value(), cause), halted));
  }

  private ZoneState load(ZoneName zone, byte[] bytes) {
    if (bytes == null) {
      return ZoneState.absent(zone);
    }
    Loaded known = loaded.get(zone.value());
    if (known != null && Arrays.equals(known.bytes(), bytes)) {
      return known.state();
    }
    ZoneState state = ZoneStateCodec.decode(bytes);
    loaded.put(zone.value(), new Loaded(bytes, state));
    return state;
  }

  /** Stores {@code next} unless it equals {@code before} (nothing to write, nothing to log). */
  private void store(ZoneName zone, ZoneState before, ZoneState next) {
    if (next.equals(before)) {
      return;
    }
    byte[] bytes = ZoneStateCodec.encode(next);
    states.put(zone.value(), bytes);
    loaded.put(zone.value(), new Loaded(bytes, next));
  }

  @Override
  public void close() {
    loaded.clear();
  }

  private SpecificRecord decode(String topic, byte[] value) {
    if (value == null) {
      throw new SerializationException("record without a value");
    }
    return switch (topic) {
      case TopicCatalog.Names.ZONE_INTENTS -> intents.decode(value);
      case TopicCatalog.Names.SIGNER_OBSERVATIONS -> observations.decode(value);
      case TopicCatalog.Names.SIGNER_RESULTS -> results.decode(value);
      case TopicCatalog.Names.DS_EVENTS -> dsEvents.decode(value);
      default -> throw new SerializationException("not an input topic of the coordinator");
    };
  }

  private static ZoneInput toInput(ZoneName zone, SpecificRecord decoded) {
    if (decoded instanceof ZoneIntent i) {
      return InputMapper.intent(zone, i);
    }
    if (decoded instanceof SignerObservation o) {
      return InputMapper.observation(zone, o);
    }
    if (decoded instanceof SignerCommandResult r) {
      return InputMapper.result(zone, r);
    }
    return InputMapper.dsEvent(zone, (DsEvent) decoded);
  }

  private static Envelope envelopeOf(SpecificRecord decoded) {
    return (Envelope) decoded.get(decoded.getSchema().getField("envelope").pos());
  }

  private Envelope envelope(String zone, Envelope cause) {
    if (cause == null) {
      return envelope(zone, null, null);
    }
    String correlation =
        cause.getCorrelationId() != null ? cause.getCorrelationId() : cause.getEventId();
    return envelope(zone, cause.getEventId(), correlation);
  }

  private Envelope envelope(String zone, String causation, String correlation) {
    return Envelope.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setZone(zone)
        .setOccurredAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
        .setProducer(producer)
        .setCausationId(causation)
        .setCorrelationId(correlation)
        .build();
  }

  private <V extends SpecificRecord> void emit(Topic<V> topic, String sink, String zone, V value) {
    byte[] bytes =
        value instanceof ZoneEvent event
            ? auditChain.link(zone, event)
            : topic.valueSerde().encode(value);
    context.forward(new Record<>(zone, bytes, context.currentSystemTimeMs()), sink);
  }

  private void deadLetter(Record<String, byte[]> record, String topic, String reason) {
    String zone = record.key() == null || record.key().isBlank() ? "unknown." : record.key();
    LOG.warn("event=dead_lettered zone={} topic={} reason=\"{}\"", zone, topic, reason);
    long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
    int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
    DeadLetter letter =
        new DeadLetter(
            envelope(zone, null, null),
            topic,
            partition,
            offset,
            reason,
            record.value() == null ? null : ByteBuffer.wrap(record.value()));
    emit(TopicCatalog.DEAD_LETTERS, CoordinatorTopology.TO_DEAD_LETTERS, zone, letter);
  }
}
