package dev.multisigner.coordinator.topology;

import dev.multisigner.domain.decide.Decision;
import dev.multisigner.domain.decide.ZoneDecider;
import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's topology, separate from its runtime configuration:
 *
 * <pre>
 *  zone.intents ──────┐
 *  signer.observations┤                        ┌─> signer.commands
 *  signer.results ────┼─> decide (zone-state,  ├─> ds.requests
 *  ds.events ─────────┘    zone-timers;        ├─> zone.events   (audit)
 *                          punctuator: WakeUp) ├─> zone.state    (compacted)
 *                                              └─> deadletter
 * </pre>
 *
 * Every topic is keyed by zone, so one zone's inputs reach one task in order and its state lives in
 * that task's store; the punctuator turns due WakeAt deadlines back into inputs, so a crash loses
 * no wait (the deadline is in the changelogged store).
 */
public final class CoordinatorTopology {

  public static final String STATE_STORE = "zone-state";
  public static final String TIMER_STORE = "zone-timers";

  /** Per zone, the hash of its last audit event (the head of its hash chain). */
  public static final String AUDIT_STORE = "zone-audit-chain";

  static final String DECIDE = "decide";
  static final String TO_COMMANDS = "to-commands";
  static final String TO_DS_REQUESTS = "to-ds-requests";
  static final String TO_ZONE_EVENTS = "to-zone-events";
  static final String TO_ZONE_STATE = "to-zone-state";
  static final String TO_DEAD_LETTERS = "to-dead-letters";

  private CoordinatorTopology() {}

  /**
   * Builds the topology.
   *
   * @param producer the name put in every envelope
   * @param wakeInterval how often the punctuator looks for due deadlines (wall clock)
   */
  public static Topology buildTopology(String producer, Duration wakeInterval) {
    return buildTopology(producer, wakeInterval, ZoneDecider::decide);
  }

  /** The decision function the processor calls: {@link ZoneDecider#decide} outside tests. */
  @FunctionalInterface
  interface Decide {
    Decision decide(ZoneState state, ZoneInput input, Instant now);
  }

  /**
   * Told of every decision the processor makes, on the stream thread, with the zone's state before
   * and after (metrics that time a transition: a parent change completing). Must be quick and never
   * throw; a decision replayed after a crash is told again.
   */
  @FunctionalInterface
  public interface DecisionListener {
    void decided(ZoneState before, ZoneState after);
  }

  /** {@code decider}, telling {@code listener} of each decision it returns. */
  static Decide observed(Decide decider, DecisionListener listener) {
    return (state, input, now) -> {
      Decision d = decider.decide(state, input, now);
      try {
        listener.decided(state, d.state());
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(CoordinatorTopology.class)
            .warn(
                "event=decision_listener_failed zone={} error=\"{}\"",
                state == null ? null : state.zone(),
                e.toString());
      }
      return d;
    };
  }

  /** The topology around {@code decider} (tests use it to make the core fail on purpose). */
  static Topology buildTopology(String producer, Duration wakeInterval, Decide decider) {
    Topology topology = new Topology();
    String[] sources = {
      TopicCatalog.Names.ZONE_INTENTS,
      TopicCatalog.Names.SIGNER_OBSERVATIONS,
      TopicCatalog.Names.SIGNER_RESULTS,
      TopicCatalog.Names.DS_EVENTS
    };
    for (String topic : sources) {
      topology.addSource(
          "from-" + topic,
          Serdes.String().deserializer(),
          Serdes.ByteArray().deserializer(),
          topic);
    }
    String[] parents = new String[sources.length];
    for (int i = 0; i < sources.length; i++) {
      parents[i] = "from-" + sources[i];
    }
    topology.addProcessor(
        DECIDE, () -> new ZoneProcessor(producer, wakeInterval, decider), parents);
    // all three cached: a zone written several times within one commit interval reaches RocksDB
    // and the changelog once (in the commit's transaction, with the outputs), and the next input of
    // a zone reads it from memory; uncached, every audit event and deadline was a RocksDB write
    // and a changelog record of its own
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(), Serdes.ByteArray())
            .withCachingEnabled(),
        DECIDE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TIMER_STORE), Serdes.String(), Serdes.Long())
            .withCachingEnabled(),
        DECIDE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(AUDIT_STORE), Serdes.String(), Serdes.String())
            .withCachingEnabled(),
        DECIDE);
    sink(topology, TO_COMMANDS, TopicCatalog.Names.SIGNER_COMMANDS);
    sink(topology, TO_DS_REQUESTS, TopicCatalog.Names.DS_REQUESTS);
    sink(topology, TO_ZONE_EVENTS, TopicCatalog.Names.ZONE_EVENTS);
    sink(topology, TO_ZONE_STATE, TopicCatalog.Names.ZONE_STATE);
    sink(topology, TO_DEAD_LETTERS, TopicCatalog.Names.DEAD_LETTERS);
    return topology;
  }

  private static void sink(Topology topology, String name, String topic) {
    topology.addSink(
        name, topic, Serdes.String().serializer(), Serdes.ByteArray().serializer(), DECIDE);
  }
}
