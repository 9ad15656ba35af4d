package dev.multisigner.bench;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Bytes per zone in the coordinator's {@code zone-state} store (the ZoneStateCodec bytes). */
final class StateSize {

  private StateSize() {}

  /** {@code state_zones=.. state_bytes_avg=.. state_bytes_max=.. target_state_bytes=4096 met=..} */
  static String describe(ReadOnlyKeyValueStore<String, byte[]> store) {
    long n = 0;
    long sum = 0;
    long max = 0;
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        byte[] v = it.next().value;
        n++;
        sum += v.length;
        max = Math.max(max, v.length);
      }
    }
    return String.format(
        "state_zones=%d state_bytes_avg=%d state_bytes_max=%d target_state_bytes=4096 met=%s",
        n, n == 0 ? 0 : sum / n, max, n > 0 && max <= 4096);
  }
}
