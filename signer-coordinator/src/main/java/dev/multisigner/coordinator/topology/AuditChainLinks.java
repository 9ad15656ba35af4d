package dev.multisigner.coordinator.topology;

import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.audit.AuditChain;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Links each zone event to the zone's previous one (the audit log's hash chain, {@link
 * AuditChain}). The chain's head per zone lives in the coordinator's own changelogged store, so it
 * moves exactly once with the events (exactly-once: the store write and the output commit together)
 * and survives restarts. Shell state only: the decider knows nothing of it.
 */
final class AuditChainLinks {

  private final KeyValueStore<String, String> heads;

  AuditChainLinks(KeyValueStore<String, String> heads) {
    this.heads = heads;
  }

  /** Sets the event's previous hash, encodes it, and makes it the zone's new head. */
  byte[] link(String zone, ZoneEvent event) {
    event.setPreviousHash(heads.get(zone));
    byte[] bytes = TopicCatalog.ZONE_EVENTS.valueSerde().encode(event);
    heads.put(zone, AuditChain.hash(bytes));
    return bytes;
  }
}
