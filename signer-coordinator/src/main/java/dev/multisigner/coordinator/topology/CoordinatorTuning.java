package dev.multisigner.coordinator.topology;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The throughput settings of the coordinator's Kafka Streams client ({@code
 * multisigner.coordinator.*}); none of them weakens exactly-once, they only decide how much work
 * one transaction carries and when its records leave.
 *
 * <p>Measured in bench/README.md §2: with Streams' own producer default ({@code linger.ms} 100, as
 * long as the commit interval) every record of a transaction waited in the producer until the
 * commit flushed it, and the stream thread sat idle in that flush for about half the run. A short
 * linger sends the records while the thread goes on processing, so the commit waits only for the
 * last batches.
 *
 * @param commitInterval how often a transaction commits ({@code commit-interval}): outputs are
 *     visible to read_committed readers (writers, DS publisher, API) only then, so it bounds the
 *     latency it adds
 * @param streamThreads stream threads of this instance ({@code stream-threads})
 * @param producerLinger how long the transactional producer waits to fill a batch ({@code
 *     producer-linger})
 * @param producerBatchBytes the producer's batch size per partition ({@code producer-batch-bytes})
 * @param cacheMaxBytes the record cache of the cached stores, for all threads ({@code
 *     cache-max-bytes}); a zone written several times within one commit reaches RocksDB and the
 *     changelog once
 */
public record CoordinatorTuning(
    Duration commitInterval,
    int streamThreads,
    Duration producerLinger,
    int producerBatchBytes,
    long cacheMaxBytes) {

  /** The defaults of application-signer-coordinator.yml. */
  public static final CoordinatorTuning DEFAULTS =
      new CoordinatorTuning(Duration.ofMillis(100), 1, Duration.ofMillis(5), 65_536, 10_485_760L);

  public CoordinatorTuning {
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException(
          "multisigner.coordinator.commit-interval must be positive, got " + commitInterval);
    }
    if (streamThreads < 1) {
      throw new IllegalArgumentException(
          "multisigner.coordinator.stream-threads must be at least 1, got " + streamThreads);
    }
    if (producerLinger.isNegative()) {
      throw new IllegalArgumentException(
          "multisigner.coordinator.producer-linger must not be negative, got " + producerLinger);
    }
    if (producerBatchBytes < 1 || cacheMaxBytes < 0) {
      throw new IllegalArgumentException(
          "multisigner.coordinator.producer-batch-bytes must be positive and cache-max-bytes not"
              + " negative, got "
              + producerBatchBytes
              + " and "
              + cacheMaxBytes);
    }
  }

  /** This tuning with another commit interval. */
  public CoordinatorTuning withCommitInterval(Duration interval) {
    return new CoordinatorTuning(
        interval, streamThreads, producerLinger, producerBatchBytes, cacheMaxBytes);
  }

  /** Puts these settings into a Streams configuration (the rest of it is the caller's). */
  public void applyTo(Properties p) {
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) commitInterval.toMillis());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cacheMaxBytes);
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
        (int) producerLinger.toMillis());
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), producerBatchBytes);
  }
}
