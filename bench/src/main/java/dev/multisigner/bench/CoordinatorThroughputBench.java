package dev.multisigner.bench;

import dev.multisigner.cli.DemoWorld;
import dev.multisigner.coordinator.topology.CoordinatorTopology;
import dev.multisigner.coordinator.topology.CoordinatorTuning;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import dev.multisigner.schemas.avro.SignerObservation;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.avro.ZoneStateSnapshot;
import dev.multisigner.schemas.serde.AvroSerde;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/**
 * DESIGN.md targets: coordinator events/s with exactly-once ≥ 30 % of raw produce+consume on the
 * same broker; coordinator state ≤ 4 KiB per zone.
 *
 * <p>The embedded broker and the coordinator topology alone ({@link
 * CoordinatorTopology#buildTopology} in a KafkaStreams configured as {@code CoordinatorStreams}
 * does: exactly_once_v2, commit interval 100 ms, one stream thread). Z zones are enrolled with two
 * "in-memory" signers, then M observations (alternating zones and signers, synthetic keys) are
 * produced; the coordinator's rate is M over the time until its consumer group has committed all M
 * input offsets (with exactly-once they commit in the same transaction as every output and the
 * state changelog). Then the same M records (same keys, same bytes) go through a plain producer and
 * consumer on a topic with the same partitions: that is the raw rate.
 *
 * <p>{@code --zones=1000 --observations=20000 --partitions=6}
 */
public final class CoordinatorThroughputBench {

  private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(150);
  private static final String RAW_TOPIC = "bench.raw";
  private static final int RAW_RUNS = 3;
  private static final String APPLICATION_ID = "multisigner-coordinator";
  private static final AvroSerde<ZoneStateSnapshot> SNAPSHOTS =
      TopicCatalog.ZONE_STATE.valueSerde();

  /** Streams settings the flags add to the coordinator's and the copy floors' (same for both). */
  static final Properties EXTRA = new Properties();

  private CoordinatorThroughputBench() {}

  public static void main(String[] argv) throws Exception {
    Args args =
        new Args(
            argv,
            Map.ofEntries(
                Map.entry("zones", "1000"),
                Map.entry("observations", "20000"),
                Map.entry("partitions", "6"),
                Map.entry("commit-interval-ms", "100"),
                Map.entry("stream-threads", "1"),
                Map.entry(
                    "linger-ms",
                    String.valueOf(CoordinatorTuning.DEFAULTS.producerLinger().toMillis())),
                Map.entry(
                    "batch-bytes", String.valueOf(CoordinatorTuning.DEFAULTS.producerBatchBytes())),
                Map.entry(
                    "cache-max-bytes", String.valueOf(CoordinatorTuning.DEFAULTS.cacheMaxBytes())),
                Map.entry("floor-shapes", "1x0,1x1,3x3"),
                Map.entry("core-only", "false"),
                Map.entry("core-warmups", "3"),
                Map.entry("producer-retry-backoff-ms", ""),
                Map.entry("streams-set", "")));
    // any further Streams (or producer./consumer.-prefixed) setting, for the coordinator and the
    // floors alike: --streams-set=max.task.idle.ms=-1;producer.acks=all
    for (String kv : args.string("streams-set").split(";")) {
      if (!kv.isBlank()) {
        int eq = kv.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException("--streams-set: expected key=value, got '" + kv + "'");
        }
        EXTRA.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    if (!args.string("producer-retry-backoff-ms").isEmpty()) {
      // what a produce refused with CONCURRENT_TRANSACTIONS (the previous transaction's markers
      // not yet written) waits before it is sent again; the client's default is 100 ms
      EXTRA.put(
          StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG),
          args.string("producer-retry-backoff-ms"));
    }
    int zones = args.integer("zones");
    int observations = args.integer("observations");
    int partitions = args.integer("partitions");
    List<EosFloor.Shape> shapes = EosFloor.Shape.parse(args.string("floor-shapes"));
    CoordinatorTuning tuning =
        new CoordinatorTuning(
            Duration.ofMillis(args.integer("commit-interval-ms")),
            args.integer("stream-threads"),
            Duration.ofMillis(args.integer("linger-ms")),
            args.integer("batch-bytes"),
            Long.parseLong(args.string("cache-max-bytes")));
    String tag =
        "bench=coordinator_throughput commit_interval_ms="
            + args.integer("commit-interval-ms")
            + " stream_threads="
            + args.integer("stream-threads")
            + " linger_ms="
            + args.integer("linger-ms")
            + " batch_bytes="
            + args.integer("batch-bytes")
            + " cache_max_bytes="
            + args.string("cache-max-bytes")
            + " partitions="
            + partitions
            + " producer_retry_backoff_ms="
            + args.string("producer-retry-backoff-ms");
    System.out.println(Machine.describe("start"));

    // every record encoded before any clock starts (all runs use the same bytes)
    List<String> names = new ArrayList<>();
    List<byte[]> enrolls = new ArrayList<>();
    for (int z = 0; z < zones; z++) {
      String zone = String.format("z%05d.bench.test.", z);
      names.add(zone);
      enrolls.add(TopicCatalog.ZONE_INTENTS.valueSerde().encode(enroll(zone)));
    }
    List<String> keys = new ArrayList<>(observations);
    List<byte[]> values = new ArrayList<>(observations);
    long bytes = 0;
    for (int i = 0; i < observations; i++) {
      String zone = names.get(i % zones);
      byte[] v = TopicCatalog.SIGNER_OBSERVATIONS.valueSerde().encode(observation(zone, i / zones));
      keys.add(zone);
      values.add(v);
      bytes += v.length;
    }
    long avgBytes = bytes / observations;

    // the core alone, no Kafka: warm-up passes, then the measured pass. One warm-up pass of 20,000
    // inputs left the JIT unfinished: the stages measured 2-5 times their steady cost (README §2)
    for (int w = 0; w < args.integer("core-warmups"); w++) {
      new CoreLoop().run(names, enrolls, keys, values);
    }
    CoreLoop core = new CoreLoop();
    long coreNanos = core.run(names, enrolls, keys, values);
    System.out.println(
        tag
            + String.format(
                " core_only_events_per_s=%.0f core_outputs_per_input=%.2f",
                observations / (coreNanos / 1e9), (double) core.outputs() / (zones + observations))
            + " "
            + core.breakdown(observations));
    if (Boolean.parseBoolean(args.string("core-only"))) {
      System.out.println(Machine.describe("end"));
      return;
    }

    // what ZoneProcessor.emit pays per output: Topic.valueSerde() builds a new AvroSerde each call
    long s0 = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      TopicCatalog.ZONE_STATE.valueSerde();
    }
    System.out.println(
        tag
            + String.format(
                " serde_construction_us=%.1f", (System.nanoTime() - s0) / 1e3 / 10_000));

    try (Scratch scratch = new Scratch("multisigner-bench-coordinator-");
        EmbeddedKafka kafka = EmbeddedKafka.start(scratch.dir().resolve("kafka"), 0)) {
      Path dataDir = scratch.dir();
      kafka.createTopics(TopicCatalog.all(), partitions);
      // created now, so its partitions have leaders long before the raw run starts
      kafka
          .admin()
          .createTopics(
              java.util.stream.Stream.concat(
                      java.util.stream.IntStream.rangeClosed(1, RAW_RUNS)
                          .mapToObj(r -> new NewTopic(RAW_TOPIC + "." + r, partitions, (short) 1)),
                      EosFloor.topics(shapes, partitions).stream())
                  .toList())
          .all()
          .get();
      String bootstrap = kafka.bootstrapServers();
      KafkaStreams streams =
          startCoordinator(bootstrap, dataDir.resolve("coordinator-state"), tuning);
      try (KafkaProducer<String, byte[]> producer = producer(bootstrap);
          Counter states =
              new Counter(
                  bootstrap,
                  TopicCatalog.Names.ZONE_STATE,
                  true,
                  CoordinatorThroughputBench::caused)) {
        // enrollment (also warms up the JIT, RocksDB and the transactional producer)
        long e0 = System.nanoTime();
        for (int z = 0; z < zones; z++) {
          producer.send(
              new ProducerRecord<>(TopicCatalog.Names.ZONE_INTENTS, names.get(z), enrolls.get(z)));
        }
        producer.flush();
        if (!awaitCommitted(
            kafka.admin(), APPLICATION_ID, TopicCatalog.Names.ZONE_INTENTS, zones)) {
          System.out.println(tag + " enrolled_timeout of=" + zones);
          return;
        }
        long enrollMs = (System.nanoTime() - e0) / 1_000_000;
        System.out.println(tag + " zones=" + zones + " enroll_ms=" + enrollMs);

        Map<Long, Long> cpu0 = threadCpu();
        Map<String, Double> thread0 = threadMetrics(streams);
        long t0 = System.nanoTime();
        for (int i = 0; i < observations; i++) {
          producer.send(
              new ProducerRecord<>(
                  TopicCatalog.Names.SIGNER_OBSERVATIONS, keys.get(i), values.get(i)));
        }
        producer.flush();
        long produced = System.nanoTime();
        boolean done =
            awaitCommitted(
                kafka.admin(),
                APPLICATION_ID,
                TopicCatalog.Names.SIGNER_OBSERVATIONS,
                observations);
        long t1 = System.nanoTime();
        Map<Long, Long> cpu1 = threadCpu();
        Map<String, Double> thread1 = threadMetrics(streams);
        long processed =
            committed(kafka.admin(), APPLICATION_ID, TopicCatalog.Names.SIGNER_OBSERVATIONS);
        double coordinatorRate = processed / ((t1 - t0) / 1e9);
        // input-caused snapshots (the processor writes one only when the zone's summary changed)
        states.await(Long.MAX_VALUE, Duration.ofSeconds(2));
        System.out.println(
            tag
                + String.format(
                    " caused_snapshots_per_input=%.2f",
                    (double) states.count() / (zones + (long) observations)));
        System.out.println(
            tag
                + " observations="
                + observations
                + " processed="
                + processed
                + " complete="
                + done
                + " record_bytes_avg="
                + avgBytes
                + " produce_ms="
                + (produced - t0) / 1_000_000
                + " coordinator_ms="
                + (t1 - t0) / 1_000_000
                + String.format(" coordinator_events_per_s=%.0f", coordinatorRate));
        System.out.println(tag + " " + outputs(kafka.admin(), zones + (long) observations));
        // CPU per input of the coordinator's own threads: unlike the rate, barely moved by load
        System.out.println(
            tag
                + String.format(
                    " stream_thread_cpu_us_per_input=%.1f producer_thread_cpu_us_per_input=%.1f"
                        + " stream_thread_busy=%.2f",
                    cpuNanos(cpu0, cpu1, n -> n.matches(".*StreamThread-\\d+$")) / 1e3 / processed,
                    cpuNanos(cpu0, cpu1, n -> n.contains("StreamThread") && n.endsWith("-producer"))
                        / 1e3
                        / processed,
                    cpuNanos(cpu0, cpu1, n -> n.matches(".*StreamThread-\\d+$"))
                        / (double) (t1 - t0)
                        / tuning.streamThreads()));
        System.out.println(tag + " " + threadTimes(thread0, thread1, t1 - t0, processed));
        System.out.println(tag + " " + stateSize(streams));
        streams.close(Duration.ofSeconds(10));

        // three raw runs (the machine is shared): the median is compared
        List<Double> raws = new ArrayList<>();
        for (int run = 1; run <= RAW_RUNS; run++) {
          raws.add(raw(bootstrap, RAW_TOPIC + "." + run, keys, values));
        }
        java.util.Collections.sort(raws);
        double rawRate = raws.get(RAW_RUNS / 2);
        // the same records through exactly-once apps that only copy them, spread over T output
        // topics and S changelogged stores per shape; the first shape is "the floor"
        double floor = 0;
        for (EosFloor.Shape shape : shapes) {
          double rate =
              EosFloor.rate(
                  bootstrap,
                  kafka.admin(),
                  dataDir.resolve("eos-floor-state"),
                  tuning,
                  shape,
                  producer,
                  keys,
                  values);
          floor = floor == 0 ? rate : floor;
          System.out.println(
              tag
                  + String.format(
                      " eos_floor_shape=%s eos_floor_shape_per_s=%.0f eos_floor_shape_ratio=%.3f",
                      shape.name(), rate, rate / rawRate));
        }
        System.out.println(
            tag
                + String.format(
                    " eos_floor_per_s=%.0f eos_floor_ratio=%.3f coordinator_of_floor=%.3f",
                    floor, floor / rawRate, coordinatorRate / floor));
        System.out.println(
            tag
                + String.format(
                    " raw_runs_per_s=%s raw_median_per_s=%.0f coordinator_events_per_s=%.0f"
                        + " ratio=%.3f"
                        + " target_ratio=0.30 met=%s",
                    raws.stream()
                        .map(r -> String.valueOf(Math.round(r)))
                        .collect(java.util.stream.Collectors.joining(",")),
                    rawRate,
                    coordinatorRate,
                    coordinatorRate / rawRate,
                    done && coordinatorRate / rawRate >= 0.30));
      } finally {
        streams.close(Duration.ofSeconds(10)); // before its state directory is removed
      }
    }
    System.out.println(Machine.describe("end"));
    System.exit(0);
  }

  /** The topology with CoordinatorStreams' settings; returns once it is RUNNING. */
  private static KafkaStreams startCoordinator(
      String bootstrap, Path stateDir, CoordinatorTuning tuning) throws InterruptedException {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    tuning.applyTo(p);
    p.putAll(EXTRA);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    KafkaStreams streams =
        new KafkaStreams(
            CoordinatorTopology.buildTopology("signer-coordinator", Duration.ofSeconds(1)), p);
    streams.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return streams;
  }

  /**
   * Waits until the coordinator's consumer group has committed {@code target} records of {@code
   * topic}. With exactly-once the offsets commit in the same transaction as the outputs and the
   * state changelog, so this is the moment every input's effects are on the log.
   */
  static boolean awaitCommitted(Admin admin, String group, String topic, long target)
      throws Exception {
    long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
    while (committed(admin, group, topic) < target) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Offsets {@code group} committed on {@code topic}, summed over its partitions. */
  static long committed(Admin admin, String group, String topic) throws Exception {
    return admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get()
        .entrySet()
        .stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }

  /** CPU nanos so far of every live thread, by thread id. */
  private static Map<Long, Long> threadCpu() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new java.util.HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      long nanos = mx.getThreadCpuTime(id);
      if (nanos >= 0) {
        cpu.put(id, nanos);
      }
    }
    return cpu;
  }

  /** CPU nanos between two snapshots of the live threads whose names {@code named} accepts. */
  private static long cpuNanos(
      Map<Long, Long> before, Map<Long, Long> after, Predicate<String> named) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (var e : after.entrySet()) {
      var info = mx.getThreadInfo(e.getKey());
      if (info != null && named.test(info.getThreadName())) {
        sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
      }
    }
    return sum;
  }

  /** Raw produce+consume of the same records on a fresh topic with the same partition count. */
  private static double raw(String bootstrap, String topic, List<String> keys, List<byte[]> values)
      throws Exception {
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap);
        Counter counter = new Counter(bootstrap, topic, false, v -> true)) {
      // one record first, so the producer has its metadata and id, as the coordinator run had
      producer.send(new ProducerRecord<>(topic, keys.get(0), values.get(0))).get();
      counter.await(1, PHASE_TIMEOUT);
      long t0 = System.nanoTime();
      for (int i = 0; i < keys.size(); i++) {
        producer.send(new ProducerRecord<>(topic, keys.get(i), values.get(i)));
      }
      producer.flush();
      boolean done = counter.await(keys.size() + 1L, PHASE_TIMEOUT);
      long t1 = System.nanoTime();
      long counted = counter.count() - 1;
      System.out.println(
          "bench=coordinator_throughput raw_topic="
              + topic
              + " raw_records="
              + counted
              + " complete="
              + done
              + " raw_ms="
              + (t1 - t0) / 1_000_000);
      return counted / ((t1 - t0) / 1e9);
    }
  }

  /** Records the coordinator wrote per topic (end offsets, transaction markers included). */
  private static String outputs(Admin admin, long inputs) throws Exception {
    StringBuilder sb = new StringBuilder();
    long total = 0;
    for (String topic :
        List.of(
            TopicCatalog.Names.ZONE_STATE,
            TopicCatalog.Names.ZONE_EVENTS,
            TopicCatalog.Names.SIGNER_COMMANDS,
            TopicCatalog.Names.DS_REQUESTS,
            TopicCatalog.Names.DEAD_LETTERS)) {
      var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      Map<TopicPartition, OffsetSpec> specs = new java.util.HashMap<>();
      description
          .partitions()
          .forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      long end = 0;
      for (ListOffsetsResult.ListOffsetsResultInfo info :
          admin.listOffsets(specs).all().get().values()) {
        end += info.offset();
      }
      total += end;
      sb.append(topic.replace("multisigner.", "").replace('.', '_'))
          .append("_end_offsets=")
          .append(end)
          .append(' ');
    }
    return sb.append(String.format("output_offsets_per_input=%.2f", (double) total / inputs))
        .toString();
  }

  /** Bytes of ZoneStateCodec-encoded state per zone, read from the zone-state store. */
  /** The stream threads' cumulative Kafka Streams metrics (summed over threads). */
  private static Map<String, Double> threadMetrics(KafkaStreams streams) {
    Map<String, Double> sums = new java.util.TreeMap<>();
    streams
        .metrics()
        .forEach(
            (name, metric) -> {
              if (name.group().equals("stream-thread-metrics")
                  && metric.metricValue() instanceof Number n) {
                sums.merge(name.name(), n.doubleValue(), Double::sum);
              }
            });
    return sums;
  }

  /**
   * Where the stream threads' wall time went while the observations were processed: Streams' own
   * counters of blocked time (poll, flush and commit waits on the brokers), commits and polls.
   */
  private static String threadTimes(
      Map<String, Double> before, Map<String, Double> after, long wallNanos, long inputs) {
    java.util.function.ToDoubleFunction<String> delta =
        k -> after.getOrDefault(k, 0.0) - before.getOrDefault(k, 0.0);
    double commits = delta.applyAsDouble("commit-total");
    double polls = delta.applyAsDouble("poll-total");
    return String.format(
        "stream_thread_blocked_share=%.2f commits=%.0f commit_latency_avg_ms=%.1f polls=%.0f"
            + " records_per_poll=%.0f punctuates=%.0f",
        delta.applyAsDouble("blocked-time-ns-total") / wallNanos,
        commits,
        after.getOrDefault("commit-latency-avg", Double.NaN),
        polls,
        polls == 0 ? 0 : inputs / polls,
        delta.applyAsDouble("punctuate-total"));
  }

  private static String stateSize(KafkaStreams streams) {
    return StateSize.describe(
        streams.store(
            StoreQueryParameters.fromNameAndType(
                CoordinatorTopology.STATE_STORE, QueryableStoreTypes.keyValueStore())));
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** Counts the records of one topic from its beginning, on its own thread. */
  private static final class Counter implements AutoCloseable {

    private final AtomicLong count = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Counter(String bootstrap, String topic, boolean readCommitted, Predicate<byte[]> counts) {
      KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                  readCommitted ? "read_committed" : "read_uncommitted",
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false),
              new StringDeserializer(),
              new ByteArrayDeserializer());
      List<TopicPartition> parts =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      thread =
          new Thread(
              () -> {
                try (consumer) {
                  while (running.get()) {
                    for (var r : consumer.poll(Duration.ofMillis(50))) {
                      if (counts.test(r.value())) {
                        count.incrementAndGet();
                      }
                    }
                  }
                }
              },
              "counter-" + topic);
      thread.setDaemon(true);
      thread.start();
    }

    long count() {
      return count.get();
    }

    boolean await(long target, Duration timeout) throws InterruptedException {
      return awaitCount(count::get, target, timeout);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(5000);
    }
  }

  /** A state snapshot caused by an input (not by a WakeUp, which has no cause). */
  private static boolean caused(byte[] snapshot) {
    return SNAPSHOTS.decode(snapshot).getEnvelope().getCausationId() != null;
  }

  private static boolean awaitCount(LongSupplier count, long target, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count.getAsLong() < target) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /** Two in-memory signers under the demo's lab policy. */
  private static ZoneIntent enroll(String zone) {
    GroupPolicy policy = DemoWorld.labPolicy();
    return new ZoneIntent(
        envelope(zone),
        new EnrollZone(
            List.of(
                new SignerSpec("mem-a", "in-memory", 13, List.of("ns1.mem-a.example.")),
                new SignerSpec("mem-b", "in-memory", 13, List.of("ns1.mem-b.example."))),
            policy));
  }

  /**
   * Round r of a zone: even rounds are mem-a, odd rounds mem-b; from round 2 on each signer also
   * serves the other's ZSK (as after the coordinator's import), so the state moves forward.
   */
  static SignerObservation observation(String zone, int round) {
    String own = round % 2 == 0 ? "a" : "b";
    String other = round % 2 == 0 ? "b" : "a";
    Dnskey ksk = key(zone, own + ".ksk", 257);
    Dnskey zsk = key(zone, own + ".zsk", 256);
    List<Dnskey> keys = new ArrayList<>(List.of(ksk, zsk));
    if (round >= 2) {
      keys.add(key(zone, other + ".zsk", 256));
    }
    String signer = "mem-" + own;
    return new SignerObservation(
        envelope(zone),
        signer,
        SignerKeysObserved.newBuilder()
            .setDnskeys(keys)
            .setDnskeySignerTags(List.of(ksk.getKeyTag()))
            .setZoneSignerTags(List.of(zsk.getKeyTag()))
            .setNameservers(List.of("ns1." + signer + ".example."))
            .setSoaSerial((long) round + 1)
            .setDnskeyTtlSeconds(10)
            .setSource(ObservationSource.DNS_QUERY)
            .build());
  }

  /** A fixed 64-byte "P-256 public key" derived from the zone and a name. */
  private static Dnskey key(String zone, String name, int flags) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] a = sha.digest((zone + name + "/x").getBytes(StandardCharsets.UTF_8));
      byte[] b = sha.digest((zone + name + "/y").getBytes(StandardCharsets.UTF_8));
      byte[] k = Arrays.copyOf(a, 64);
      System.arraycopy(b, 0, k, 32, 32);
      int tag = new DNSKEYRecord(Name.root, DClass.IN, 0, flags, 3, 13, k).getFootprint();
      return new Dnskey(flags, 3, 13, ByteBuffer.wrap(k), tag);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Envelope envelope(String zone) {
    return new Envelope(
        UUID.randomUUID().toString(), zone, Instant.now(), "multisigner-bench", null, null);
  }
}
