package dev.multisigner.coordinator.topology;

import dev.multisigner.support.KafkaClientSettings;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the coordinator topology with exactly-once processing and reports its state in /health (DOWN
 * unless RUNNING or REBALANCING, and while a failed stream thread waits to be replaced).
 *
 * <p>A stream thread that fails (an exception the processor does not turn into an audit event, a
 * source topic that does not exist yet) is replaced after a pause that doubles from {@code
 * multisigner.coordinator.restart-backoff} up to {@code max-restart-backoff}: its transaction is
 * aborted and the new thread processes the same inputs again. Without a handler Streams would shut
 * the whole client down.
 */
@Context
@Requires(env = "signer-coordinator")
public class CoordinatorStreams extends AbstractHealthIndicator<Map<String, Object>>
    implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorStreams.class);

  private final KafkaStreams streams;
  private final String applicationId;
  private final HostInfo self;
  private final Duration restartBackoff;
  private final Duration maxRestartBackoff;
  private final AtomicInteger threadFailures = new AtomicInteger();
  private volatile boolean replacing;
  private volatile boolean closing;
  private volatile long lastFailureNanos;
  private volatile Duration previousPause = Duration.ZERO;

  @Inject
  public CoordinatorStreams(
      KafkaClientSettings kafka,
      @Value("${multisigner.service.name}") String producer,
      @Value("${multisigner.coordinator.application-id:multisigner-coordinator}")
          String applicationId,
      @Value("${multisigner.coordinator.state-dir}") String stateDir,
      @Value("${multisigner.coordinator.wake-interval:1s}") Duration wakeInterval,
      @Value("${multisigner.coordinator.commit-interval:100ms}") Duration commitInterval,
      @Value("${multisigner.coordinator.stream-threads:1}") int streamThreads,
      @Value("${multisigner.coordinator.producer-linger:5ms}") Duration producerLinger,
      @Value("${multisigner.coordinator.producer-batch-bytes:65536}") int producerBatchBytes,
      @Value("${multisigner.coordinator.cache-max-bytes:10485760}") long cacheMaxBytes,
      @Value("${multisigner.coordinator.replication-factor:1}") int replication,
      @Value("${multisigner.coordinator.instance-id:}") String instanceId,
      @Value("${multisigner.coordinator.session-timeout:10s}") Duration sessionTimeout,
      @Value("${multisigner.coordinator.restart-backoff:1s}") Duration restartBackoff,
      @Value("${multisigner.coordinator.max-restart-backoff:30s}") Duration maxRestartBackoff,
      @Value("${multisigner.coordinator.advertised-address:}") String advertisedAddress,
      List<CoordinatorTopology.DecisionListener> listeners) {
    this(
        kafka,
        producer,
        applicationId,
        stateDir,
        wakeInterval,
        new CoordinatorTuning(
            commitInterval, streamThreads, producerLinger, producerBatchBytes, cacheMaxBytes),
        replication,
        instanceId,
        sessionTimeout,
        restartBackoff,
        maxRestartBackoff,
        advertisedAddress,
        observed(listeners));
  }

  /** {@link dev.multisigner.domain.decide.ZoneDecider#decide}, telling every listener. */
  private static CoordinatorTopology.Decide observed(
      List<CoordinatorTopology.DecisionListener> listeners) {
    CoordinatorTopology.Decide decide = dev.multisigner.domain.decide.ZoneDecider::decide;
    for (CoordinatorTopology.DecisionListener l : listeners) {
      decide = CoordinatorTopology.observed(decide, l);
    }
    return decide;
  }

  /** With the decision function (tests make it fail). */
  CoordinatorStreams(
      KafkaClientSettings kafka,
      String producer,
      String applicationId,
      String stateDir,
      Duration wakeInterval,
      CoordinatorTuning tuning,
      int replication,
      String instanceId,
      Duration sessionTimeout,
      Duration restartBackoff,
      Duration maxRestartBackoff,
      String advertisedAddress,
      CoordinatorTopology.Decide decider) {
    this.applicationId = applicationId;
    this.self = advertisedAddress.isBlank() ? null : advertised(advertisedAddress);
    this.restartBackoff = restartBackoff;
    this.maxRestartBackoff = maxRestartBackoff;
    Properties p = new Properties();
    p.putAll(kafka.common()); // bootstrap servers and security (SASL/SSL) of every kafka.* setting
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(stateDir).toString());
    tuning.applyTo(p); // commit interval, threads, producer batching, cache
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replication);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // A crashed instance's partitions move after the session timeout; a restarted one with the
    // same instance id (static membership, KIP-345) takes them back at once, without a rebalance.
    p.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        (int) sessionTimeout.toMillis());
    if (!instanceId.isBlank()) {
      p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
    }
    if (self != null) {
      // each instance tells the others where its operator API answers for the zones it runs
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
    }
    this.streams =
        new KafkaStreams(CoordinatorTopology.buildTopology(producer, wakeInterval, decider), p);
    streams.setUncaughtExceptionHandler(this::onStreamThreadFailure);
    streams.setStateListener(
        (now, before) ->
            LOG.info(
                "event=streams_state application_id={} from={} to={}", applicationId, before, now));
    streams.start();
  }

  /** A binder of the Kafka clients' own metrics (consumer lag, ...) to Micrometer. */
  public KafkaStreamsMetrics clientMetrics() {
    return new KafkaStreamsMetrics(streams);
  }

  /** The Kafka clients' metrics as they are now (Streams, its consumers and producers). */
  public Map<MetricName, ? extends Metric> kafkaMetrics() {
    return streams.metrics();
  }

  /** The Streams state, for health and tests. */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * The {@code zone-state} store of this instance, for interactive queries: zone to the bytes of
   * its {@code ZoneState}. It holds only the zones of the partitions this instance runs; with one
   * instance, that is every zone.
   *
   * @throws InvalidStateStoreException while Streams is not running (starting, rebalancing,
   *     restoring, stopped)
   */
  public ReadOnlyKeyValueStore<String, byte[]> zoneStates() {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            CoordinatorTopology.STATE_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
  }

  /**
   * The {@code zone-state} store of one partition, only while this instance runs that partition's
   * active task (no standby, no stale reads).
   *
   * @throws InvalidStateStoreException when this instance does not run the partition (now)
   */
  public ReadOnlyKeyValueStore<String, byte[]> zoneStates(int partition) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
                CoordinatorTopology.STATE_STORE,
                QueryableStoreTypes.<String, byte[]>keyValueStore())
            .withPartition(partition));
  }

  /**
   * Where this instance's operator API answers ({@code multisigner.coordinator.advertised-address},
   * Streams' {@code application.server}); empty when not set: a single instance, or instances that
   * each answer only for their own zones.
   */
  public Optional<HostInfo> self() {
    return Optional.ofNullable(self);
  }

  /**
   * The instance running the zone's partition and the partition, from the group's last assignment;
   * {@link KeyQueryMetadata#NOT_AVAILABLE} while that is not known (starting, rebalancing).
   *
   * @throws InvalidStateStoreException while Streams has not started or is not running
   */
  public KeyQueryMetadata ownerOf(String zone) {
    try {
      return streams.queryMetadataForKey(
          CoordinatorTopology.STATE_STORE, zone, Serdes.String().serializer());
    } catch (IllegalStateException e) {
      throw new InvalidStateStoreException("coordinator streams " + streams.state(), e);
    }
  }

  /** Every instance of the application that runs part of the zone-state store, with its host. */
  public Collection<StreamsMetadata> instances() {
    try {
      return streams.streamsMetadataForStore(CoordinatorTopology.STATE_STORE);
    } catch (IllegalStateException e) {
      throw new InvalidStateStoreException("coordinator streams " + streams.state(), e);
    }
  }

  private static HostInfo advertised(String address) {
    try {
      return HostInfo.buildFromEndpoint(address.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "multisigner.coordinator.advertised-address: expected host:port, got '" + address + "'",
          e);
    }
  }

  /**
   * Replaces a failed stream thread after a pause (on the failed thread, so the replacement waits),
   * doubling while failures follow each other within the longest pause.
   */
  private StreamThreadExceptionResponse onStreamThreadFailure(Throwable e) {
    replacing = true;
    int failures = threadFailures.incrementAndGet();
    long now = System.nanoTime();
    Duration pause = restartBackoff;
    if (now - lastFailureNanos < maxRestartBackoff.multipliedBy(2).toNanos()) {
      pause = previousPause.multipliedBy(2);
      pause = pause.compareTo(maxRestartBackoff) > 0 ? maxRestartBackoff : pause;
    }
    previousPause = pause;
    lastFailureNanos = now;
    LOG.error(
        "event=stream_thread_failed application_id={} failures={} replace_after_ms={} error=\"{}\"",
        applicationId,
        failures,
        pause.toMillis(),
        e.toString(),
        e);
    long end = System.nanoTime() + pause.toNanos();
    while (!closing && System.nanoTime() < end) {
      try {
        Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException interrupted) {
        break;
      }
    }
    replacing = false;
    return closing
        ? StreamThreadExceptionResponse.SHUTDOWN_CLIENT
        : StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  /** Stream threads replaced after a failure since the start. */
  int threadFailures() {
    return threadFailures.get();
  }

  @PreDestroy
  @Override
  public void close() {
    closing = true;
    streams.close(Duration.ofSeconds(10));
  }

  /** RUNNING or REBALANCING, and no failed stream thread waiting to be replaced. */
  boolean healthy() {
    KafkaStreams.State state = streams.state();
    return !replacing
        && (state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING);
  }

  @Override
  protected Map<String, Object> getHealthInformation() {
    KafkaStreams.State state = streams.state();
    healthStatus = healthy() ? HealthStatus.UP : HealthStatus.DOWN;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("applicationId", applicationId);
    details.put("state", state.name());
    details.put("replacingFailedThread", replacing);
    details.put("threadFailures", threadFailures.get());
    return details;
  }

  @Override
  protected String getName() {
    return "coordinatorStreams";
  }
}
