package dev.multisigner.coordinator.metrics;

import dev.multisigner.coordinator.topology.CoordinatorStreams;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The Streams lag of the coordinator: Kafka's own client metrics bound through Micrometer (among
 * them {@code kafka_consumer_fetch_manager_records_lag{topic,partition}} and {@code
 * kafka_consumer_fetch_manager_records_lag_max}), and {@code multisigner_streams_records_lag}: the
 * records its stream threads have yet to read, summed over their input partitions, read from the
 * clients at each scrape (Micrometer binds per-partition client metrics only when it next looks for
 * new ones, up to a minute after an assignment).
 */
@Context
@Requires(env = "signer-coordinator")
public class StreamsMeters implements AutoCloseable {

  private final KafkaStreamsMetrics clientMetrics;

  public StreamsMeters(CoordinatorStreams streams, MeterRegistry registry) {
    clientMetrics = streams.clientMetrics();
    clientMetrics.bindTo(registry);
    Gauge.builder("multisigner.streams.records.lag", streams, s -> lag(s.kafkaMetrics()))
        .description(
            "Records the coordinator's stream threads have yet to read from their input topics,"
                + " summed over partitions (Kafka's records-lag)")
        .register(registry);
  }

  /** The sum of the main consumers' records-lag per partition (restore consumers excluded). */
  static double lag(Map<MetricName, ? extends Metric> metrics) {
    double sum = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      MetricName n = e.getKey();
      if (!n.group().equals("consumer-fetch-manager-metrics")
          || !n.name().equals("records-lag")
          || !n.tags().containsKey("partition")
          || n.tags().getOrDefault("client-id", "").endsWith("restore-consumer")) {
        continue;
      }
      if (e.getValue().metricValue() instanceof Number v && !Double.isNaN(v.doubleValue())) {
        sum += v.doubleValue();
      }
    }
    return sum;
  }

  @PreDestroy
  @Override
  public void close() {
    clientMetrics.close();
  }
}
