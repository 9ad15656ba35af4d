package dev.multisigner.bench;

import dev.multisigner.coordinator.topology.CoordinatorTuning;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The exactly-once floor: a Kafka Streams app with the coordinator's settings ({@link
 * CoordinatorTuning}, exactly_once_v2) that copies each input record and does nothing else (no
 * decode, no decision). Its rate is what the coordinator could reach if its own work per input were
 * free: the transactions' cost on this broker.
 *
 * <p>A {@link Shape} says how many output topics and changelogged stores each transaction spreads
 * over: record <i>i</i> goes to output topic <i>i</i> mod T and is put in store <i>i</i> mod S
 * (each record still makes one output and at most one store write). {@code 1x0} is the plain copy;
 * {@code 3x3} touches as many partitions per transaction as the coordinator (3 output topics, 3
 * changelogs).
 */
final class EosFloor {

  /**
   * T output topics, S changelogged (cached, persistent) stores; {@code run} tells repeats apart.
   */
  record Shape(int topics, int stores, int run) {

    /** {@code "1x0,3x3,1x0"}: each entry is one run of its own app, on its own topics. */
    static List<Shape> parse(String list) {
      List<Shape> shapes = new ArrayList<>();
      for (String s : list.split(",")) {
        String[] ts = s.trim().split("x");
        shapes.add(new Shape(Integer.parseInt(ts[0]), Integer.parseInt(ts[1]), shapes.size()));
      }
      return shapes;
    }

    String name() {
      return topics + "x" + stores;
    }

    String applicationId() {
      return "bench-eos-floor-" + run + "-" + name();
    }

    String in() {
      return "bench.eos." + run + "." + name() + ".in";
    }

    String out(int k) {
      return "bench.eos." + run + "." + name() + ".out." + k;
    }

    List<String> topicNames() {
      List<String> names = new ArrayList<>(List.of(in()));
      for (int k = 0; k < topics; k++) {
        names.add(out(k));
      }
      return names;
    }
  }

  private EosFloor() {}

  private static String run(Shape shape) {
    return shape.run() + "-" + shape.name();
  }

  /** The topics of every shape, to create long before the runs (their leaders are then known). */
  static List<NewTopic> topics(List<Shape> shapes, int partitions) {
    return shapes.stream()
        .flatMap(s -> s.topicNames().stream())
        .map(t -> new NewTopic(t, partitions, (short) 1))
        .toList();
  }

  /**
   * Records per second through the copying app, timed as the coordinator is (first send to commit).
   */
  static double rate(
      String bootstrap,
      Admin admin,
      Path stateDir,
      CoordinatorTuning tuning,
      Shape shape,
      KafkaProducer<String, byte[]> producer,
      List<String> keys,
      List<byte[]> values)
      throws Exception {
    Topology topology = new Topology();
    topology.addSource(
        "in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), shape.in());
    String[] stores = new String[shape.stores()];
    for (int s = 0; s < stores.length; s++) {
      stores[s] = "copy-store-" + s;
    }
    topology.addProcessor("copy", () -> new Copy(shape, stores), "in");
    for (String store : stores) {
      topology.addStateStore(
          Stores.keyValueStoreBuilder(
                  Stores.persistentKeyValueStore(store), Serdes.String(), Serdes.ByteArray())
              .withCachingEnabled(),
          "copy");
    }
    for (int k = 0; k < shape.topics(); k++) {
      topology.addSink(
          "out-" + k,
          shape.out(k),
          Serdes.String().serializer(),
          Serdes.ByteArray().serializer(),
          "copy");
    }
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, shape.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(run(shape)).toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    tuning.applyTo(p);
    p.putAll(CoordinatorThroughputBench.EXTRA);
    try (KafkaStreams streams = new KafkaStreams(topology, p)) {
      streams.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      // one record first, so the app has been through a transaction, as the coordinator had
      producer.send(new ProducerRecord<>(shape.in(), keys.get(0), values.get(0))).get();
      if (!CoordinatorThroughputBench.awaitCommitted(admin, shape.applicationId(), shape.in(), 1)) {
        return 0;
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < keys.size(); i++) {
        producer.send(new ProducerRecord<>(shape.in(), keys.get(i), values.get(i)));
      }
      producer.flush();
      boolean done =
          CoordinatorThroughputBench.awaitCommitted(
              admin, shape.applicationId(), shape.in(), keys.size() + 1L);
      long t1 = System.nanoTime();
      long copied = CoordinatorThroughputBench.committed(admin, shape.applicationId(), shape.in());
      System.out.println(
          "bench=coordinator_throughput eos_floor_shape="
              + shape.name()
              + " eos_floor_records="
              + (copied - 1)
              + " complete="
              + done
              + " eos_floor_ms="
              + (t1 - t0) / 1_000_000);
      streams.close(Duration.ofSeconds(10));
      return (copied - 1) / ((t1 - t0) / 1e9);
    }
  }

  /** Forwards record i to output i mod T and puts it in store i mod S. */
  private static final class Copy implements Processor<String, byte[], String, byte[]> {

    private final Shape shape;
    private final String[] storeNames;
    private final List<KeyValueStore<String, byte[]>> stores = new ArrayList<>();
    private ProcessorContext<String, byte[]> context;
    private long seen;

    Copy(Shape shape, String[] storeNames) {
      this.shape = shape;
      this.storeNames = storeNames;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      for (String name : storeNames) {
        stores.add(context.getStateStore(name));
      }
    }

    @Override
    public void process(Record<String, byte[]> record) {
      long i = seen++;
      if (!stores.isEmpty()) {
        stores.get((int) (i % stores.size())).put(record.key(), record.value());
      }
      context.forward(record, "out-" + (i % shape.topics()));
    }
  }
}
