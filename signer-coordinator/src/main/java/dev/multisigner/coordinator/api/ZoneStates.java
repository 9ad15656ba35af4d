package dev.multisigner.coordinator.api;

import dev.multisigner.coordinator.api.ZoneViews.ZoneSummary;
import dev.multisigner.coordinator.topology.CoordinatorStreams;
import dev.multisigner.domain.codec.ZoneStateCodec;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.decide.ZoneStatus;
import dev.multisigner.domain.model.ZoneName;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads zone states from the coordinator's {@code zone-state} store (Kafka Streams interactive
 * query). With several coordinator instances (one Streams application id, each with {@code
 * multisigner.coordinator.advertised-address}) each holds only the zones of its partitions: a zone
 * another instance runs is asked from that instance ({@link ZonePeers}, found with {@code
 * queryMetadataForKey}), and the list merges every instance's part. While the zone's owner is not
 * known, moving or not answering, the read is a 503 with {@code Retry-After}, never a wrong 404.
 * Without an advertised address every read is local (a single instance, the default deployment).
 */
@Singleton
@Requires(env = "signer-coordinator")
public class ZoneStates implements LocalZoneStates {

  private final CoordinatorStreams streams;
  private final ZonePeers peers;

  public ZoneStates(CoordinatorStreams streams, ZonePeers peers) {
    this.streams = streams;
    this.peers = peers;
  }

  /** The zone's state; {@link ZoneStatus#ABSENT} for a zone never enrolled. */
  public ZoneState get(ZoneName zone) {
    byte[] bytes;
    Optional<HostInfo> self = streams.self();
    if (self.isEmpty()) {
      bytes = query(store -> store.get(zone.value()));
    } else {
      KeyQueryMetadata owner = owner(zone);
      bytes =
          owner.activeHost().equals(self.get())
              ? local(zone, owner.partition())
              : peers.state(owner.activeHost(), zone);
    }
    return bytes == null ? ZoneState.absent(zone) : ZoneStateCodec.decode(bytes);
  }

  /** The zone's state, or 404 naming the zone when it was never enrolled. */
  ZoneState known(ZoneName zone) {
    ZoneState state = get(zone);
    if (state.status() == ZoneStatus.ABSENT) {
      throw ApiProblem.notFound("zone=" + zone + ": not enrolled");
    }
    return state;
  }

  /**
   * The encoded state of a zone this instance runs the partition of (for a peer), null when it has
   * none; 503 when this instance does not run the zone's partition now.
   */
  byte[] localState(ZoneName zone) {
    Optional<HostInfo> self = streams.self();
    if (self.isEmpty()) {
      return query(store -> store.get(zone.value()));
    }
    KeyQueryMetadata owner = owner(zone);
    if (!owner.activeHost().equals(self.get())) {
      throw ApiProblem.unavailable(
          "zone="
              + zone
              + ": coordinator instance "
              + ZonePeers.address(self.get())
              + " does not run its partition "
              + owner.partition()
              + " (now "
              + ZonePeers.address(owner.activeHost())
              + "): retry shortly");
    }
    return local(zone, owner.partition());
  }

  /**
   * Up to {@code limit} zones after {@code after} (exclusive, null = from the start), by name, of
   * this instance's own partitions only (a peer's part of the list).
   */
  public List<ZoneState> list(String after, int limit) {
    return query(store -> list(store, after, limit));
  }

  /**
   * Every zone of this instance's own partitions with the bytes of its state, in one pass over the
   * store (partition after partition, so in no overall order), neither sorted nor decoded: the
   * metrics scan ({@code ZoneMetrics}) decodes only the zones whose bytes changed since its last
   * pass. 503 when the store is not queryable, or goes away during the pass (a rebalance).
   */
  @Override
  public void forEach(BiConsumer<String, byte[]> zone) {
    query(
        store -> {
          try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
              KeyValue<String, byte[]> entry = it.next();
              zone.accept(entry.key, entry.value);
            }
          }
          return null;
        });
  }

  /**
   * Up to {@code limit} zones after {@code after}, by name, of every instance: this one's and each
   * other instance's part (asked over HTTP) merged. 503 while the group rebalances, or when an
   * instance does not answer.
   */
  List<ZoneSummary> summaries(String after, int limit) {
    Optional<HostInfo> self = streams.self();
    List<ZoneSummary> all = new ArrayList<>();
    list(after, limit).forEach(s -> all.add(ZoneViews.summary(s)));
    if (self.isPresent()) {
      if (streams.state() != KafkaStreams.State.RUNNING) {
        throw notQueryable();
      }
      for (StreamsMetadata instance : guarded(streams::instances)) {
        if (!instance.hostInfo().equals(self.get())) {
          all.addAll(peers.list(instance.hostInfo(), after, limit));
        }
      }
      all.sort(Comparator.comparing(ZoneSummary::zone));
    }
    return all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
  }

  /**
   * The first {@code limit} zones after {@code after} by name. The store of several partitions
   * iterates partition after partition, not in one order, so the smallest names are kept as they
   * come.
   */
  private static List<ZoneState> list(
      ReadOnlyKeyValueStore<String, byte[]> store, String after, int limit) {
    TreeMap<String, ZoneState> first = new TreeMap<>();
    try (KeyValueIterator<String, byte[]> it = store.range(after, null)) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> entry = it.next();
        if ((after != null && entry.key.compareTo(after) <= 0)
            || (first.size() == limit && entry.key.compareTo(first.lastKey()) >= 0)) {
          continue;
        }
        ZoneState state = ZoneStateCodec.decode(entry.value);
        if (state.status() != ZoneStatus.ABSENT) {
          first.put(entry.key, state);
          if (first.size() > limit) {
            first.pollLastEntry();
          }
        }
      }
    }
    return new ArrayList<>(first.values());
  }

  /** The zone's owner and partition; 503 while the group has not placed the partition. */
  private KeyQueryMetadata owner(ZoneName zone) {
    KeyQueryMetadata owner = guarded(() -> streams.ownerOf(zone.value()));
    if (owner == null
        || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)
        || owner.activeHost() == null
        || owner.activeHost().equals(HostInfo.unavailable())) {
      throw ApiProblem.unavailable(
          "zone="
              + zone
              + ": no coordinator instance runs its partition now (coordinator streams "
              + streams.state()
              + "): retry shortly");
    }
    return owner;
  }

  /** The zone's bytes from this instance's active task of its partition. */
  private byte[] local(ZoneName zone, int partition) {
    try {
      return streams.zoneStates(partition).get(zone.value());
    } catch (InvalidStateStoreException e) {
      throw ApiProblem.unavailable(
          "zone="
              + zone
              + ": its partition "
              + partition
              + " is moving to or restoring on this coordinator instance (coordinator streams "
              + streams.state()
              + "): retry shortly");
    }
  }

  /** Runs one read; the store can go away at any time (a rebalance), which is a 503 too. */
  private <T> T query(Function<ReadOnlyKeyValueStore<String, byte[]>, T> read) {
    return guarded(() -> read.apply(streams.zoneStates()));
  }

  private <T> T guarded(Supplier<T> read) {
    try {
      return read.get();
    } catch (InvalidStateStoreException e) {
      throw notQueryable();
    }
  }

  private ApiProblem notQueryable() {
    return ApiProblem.unavailable(
        "zone state is not queryable yet (coordinator streams "
            + streams.state()
            + "): retry shortly");
  }
}
