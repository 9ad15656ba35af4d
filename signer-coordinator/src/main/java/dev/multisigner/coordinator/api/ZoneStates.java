package dev.multisigner.coordinator.api;

import dev.multisigner.coordinator.topology.CoordinatorStreams;
import dev.multisigner.domain.codec.ZoneStateCodec;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.decide.ZoneStatus;
import dev.multisigner.domain.model.ZoneName;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads zone states from this instance's {@code zone-state} store (Kafka Streams interactive
 * query). With several coordinator instances each holds only the zones of its partitions, so a zone
 * another instance runs reads as unknown here: run one API instance per coordinator and ask the one
 * that owns the zone, or run a single instance (the default deployment).
 */
@Singleton
@Requires(env = "signer-coordinator")
public class ZoneStates {

  private final CoordinatorStreams streams;

  public ZoneStates(CoordinatorStreams streams) {
    this.streams = streams;
  }

  /** The zone's state; {@link ZoneStatus#ABSENT} for a zone never enrolled. */
  public ZoneState get(ZoneName zone) {
    byte[] bytes = query(store -> store.get(zone.value()));
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

  /** Up to {@code limit} zones after {@code after} (exclusive, null = from the start), by name. */
  public List<ZoneState> list(String after, int limit) {
    return query(store -> list(store, after, limit));
  }

  private static List<ZoneState> list(
      ReadOnlyKeyValueStore<String, byte[]> store, String after, int limit) {
    List<ZoneState> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.range(after, null)) {
      while (it.hasNext() && out.size() < limit) {
        KeyValue<String, byte[]> entry = it.next();
        if (after != null && entry.key.equals(after)) {
          continue;
        }
        ZoneState state = ZoneStateCodec.decode(entry.value);
        if (state.status() != ZoneStatus.ABSENT) {
          out.add(state);
        }
      }
    }
    return out;
  }

  /** Runs one read; the store can go away at any time (a rebalance), which is a 503 too. */
  private <T> T query(Function<ReadOnlyKeyValueStore<String, byte[]>, T> read) {
    try {
      return read.apply(streams.zoneStates());
    } catch (InvalidStateStoreException e) {
      throw ApiProblem.unavailable(
          "zone state is not queryable yet (coordinator streams "
              + streams.state()
              + "): retry shortly");
    }
  }
}
