package dev.multisigner.coordinator.topology;

import dev.multisigner.support.KafkaClientSettings;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.annotation.PreDestroy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the coordinator topology with exactly-once processing and reports its state in /health (DOWN
 * unless RUNNING or REBALANCING).
 */
@Context
@Requires(env = "signer-coordinator")
public class CoordinatorStreams extends AbstractHealthIndicator<Map<String, Object>>
    implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorStreams.class);

  private final KafkaStreams streams;
  private final String applicationId;

  public CoordinatorStreams(
      KafkaClientSettings kafka,
      @Value("${multisigner.service.name}") String producer,
      @Value("${multisigner.coordinator.application-id:multisigner-coordinator}")
          String applicationId,
      @Value("${multisigner.coordinator.state-dir}") String stateDir,
      @Value("${multisigner.coordinator.wake-interval:1s}") Duration wakeInterval,
      @Value("${multisigner.coordinator.commit-interval:100ms}") Duration commitInterval,
      @Value("${multisigner.coordinator.replication-factor:1}") int replication,
      @Value("${multisigner.coordinator.instance-id:}") String instanceId,
      @Value("${multisigner.coordinator.session-timeout:10s}") Duration sessionTimeout) {
    this.applicationId = applicationId;
    Properties p = new Properties();
    p.putAll(kafka.common()); // bootstrap servers and security (SASL/SSL) of every kafka.* setting
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(stateDir).toString());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) commitInterval.toMillis());
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
    this.streams = new KafkaStreams(CoordinatorTopology.buildTopology(producer, wakeInterval), p);
    streams.setStateListener(
        (now, before) ->
            LOG.info(
                "event=streams_state application_id={} from={} to={}", applicationId, before, now));
    streams.start();
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

  @PreDestroy
  @Override
  public void close() {
    streams.close(Duration.ofSeconds(10));
  }

  @Override
  protected Map<String, Object> getHealthInformation() {
    KafkaStreams.State state = streams.state();
    healthStatus =
        state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING
            ? HealthStatus.UP
            : HealthStatus.DOWN;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("applicationId", applicationId);
    details.put("state", state.name());
    return details;
  }

  @Override
  protected String getName() {
    return "coordinatorStreams";
  }
}
