package dev.multisigner.bench;

import dev.multisigner.coordinator.topology.CoordinatorTuning;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * The exactly-once floor: a Kafka Streams app with the coordinator's settings ({@link
 * CoordinatorTuning}, exactly_once_v2) that copies each input record to one output record and does
 * nothing else (no decode, no state store, no decision). Its rate is what the coordinator could
 * reach if its own work per input were free: the transactions' cost on this broker.
 */
final class EosFloor {

  static final String APPLICATION_ID = "bench-eos-floor";
  static final String IN = "bench.eos.in";
  static final String OUT = "bench.eos.out";

  private EosFloor() {}

  /**
   * Records per second through the copying app, timed as the coordinator is (first send to commit).
   */
  static double rate(
      String bootstrap,
      Admin admin,
      Path stateDir,
      CoordinatorTuning tuning,
      KafkaProducer<String, byte[]> producer,
      List<String> keys,
      List<byte[]> values)
      throws Exception {
    Topology topology = new Topology();
    topology.addSource("in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), IN);
    topology.addSink(
        "out", OUT, Serdes.String().serializer(), Serdes.ByteArray().serializer(), "in");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    tuning.applyTo(p);
    try (KafkaStreams streams = new KafkaStreams(topology, p)) {
      streams.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      // one record first, so the app has been through a transaction, as the coordinator had
      producer.send(new ProducerRecord<>(IN, keys.get(0), values.get(0))).get();
      if (!CoordinatorThroughputBench.awaitCommitted(admin, APPLICATION_ID, IN, 1)) {
        return 0;
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < keys.size(); i++) {
        producer.send(new ProducerRecord<>(IN, keys.get(i), values.get(i)));
      }
      producer.flush();
      boolean done =
          CoordinatorThroughputBench.awaitCommitted(admin, APPLICATION_ID, IN, keys.size() + 1L);
      long t1 = System.nanoTime();
      long copied = CoordinatorThroughputBench.committed(admin, APPLICATION_ID, IN) - 1;
      System.out.println(
          "bench=coordinator_throughput eos_floor_records="
              + copied
              + " complete="
              + done
              + " eos_floor_ms="
              + (t1 - t0) / 1_000_000);
      streams.close(Duration.ofSeconds(10));
      return copied / ((t1 - t0) / 1e9);
    }
  }
}
