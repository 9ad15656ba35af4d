package dev.multisigner.coordinator.writer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.GroupKey;
import dev.multisigner.schemas.avro.ImportDnskeys;
import dev.multisigner.schemas.avro.KeyRole;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandFailed;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.avro.WithdrawDnskeys;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import dev.multisigner.support.Inbox;
import dev.multisigner.support.KafkaClientSettings;
import dev.multisigner.support.signers.SignerRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;

/**
 * A signer's writer applies commands for different zones in parallel, up to its concurrency, and
 * the commands of one zone one at a time in log order, also across a restart. The real writers on
 * the embedded broker, with a slow in-memory provider that records what it applied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParallelSignerWritersTest {

  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @TempDir static Path dir;
  private EmbeddedKafka kafka;
  private TopicProbe probe;
  private KafkaProducer<String, byte[]> producer;
  private EventLog log;
  private Envelopes envelopes;

  @BeforeAll
  void start() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    kafka.createTopics(TopicCatalog.all(), 3);
    probe = new TopicProbe(kafka.bootstrapServers());
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
    log = new EventLog(producer);
    envelopes = new Envelopes("signer-coordinator", Clock.systemUTC());
  }

  @AfterAll
  void stop() {
    if (probe != null) {
      probe.close();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void commandsForManyZonesRunConcurrentlyUpToTheConfiguredConcurrency() {
    List<String> zones = zones("many", 40);
    RecordingProvider provider = new RecordingProvider("mem-many", zones, 200, 200);
    List<SignerCommand> commands = new ArrayList<>();
    for (String z : zones) {
      commands.add(command("mem-many", z, new ImportDnskeys(List.of(groupKey(key(z))), 10)));
    }
    commands.forEach(c -> probe.send(TopicCatalog.SIGNER_COMMANDS, zoneOf(c), c));

    SignerWriters writers = writers(provider, 4, "");
    long t0 = System.nanoTime();
    try {
      List<SignerCommandResult> results = awaitResults(commands);
      long tookMs = (System.nanoTime() - t0) / 1_000_000;

      assertThat(results)
          .allSatisfy(r -> assertThat(r.getResult()).isInstanceOf(SignerCommandApplied.class));
      assertThat(provider.maxInFlight()).as("most commands at once").isEqualTo(4);
      // 40 commands of 200 ms each: 8 s one after another, about 2 s four at a time
      assertThat(tookMs).as("time for 40 commands of 200 ms (ms)").isLessThan(8_000);
      for (String z : zones) {
        assertThat(provider.applied(ZoneName.of(z))).hasSize(1);
      }
    } finally {
      writers.stop();
    }
  }

  @Test
  void theCommandsOfOneZoneAreAppliedOneAtATimeInLogOrder() {
    List<String> zones = zones("order", 6);
    RecordingProvider provider = new RecordingProvider("mem-order", zones, 0, 30);
    Map<String, List<SignerCommand>> byZone = new LinkedHashMap<>();
    Map<String, List<String>> expected = new HashMap<>();
    for (String z : zones) {
      Sequence s = sequence("mem-order", z, 12);
      byZone.put(z, s.commands());
      expected.put(z, s.changes());
    }
    List<SignerCommand> interleaved = interleave(byZone);
    interleaved.forEach(c -> probe.send(TopicCatalog.SIGNER_COMMANDS, zoneOf(c), c));

    SignerWriters writers = writers(provider, 8, "");
    try {
      List<SignerCommandResult> results = awaitResults(interleaved);

      assertThat(results)
          .allSatisfy(r -> assertThat(r.getResult()).isInstanceOf(SignerCommandApplied.class));
      assertThat(provider.zoneOverlaps()).as("commands of one zone running at once").isZero();
      assertThat(provider.maxInFlight()).as("zones applied at once").isGreaterThan(1);
      for (String z : zones) {
        assertThat(provider.applied(ZoneName.of(z))).as(z).isEqualTo(expected.get(z));
        // the results of one zone are on the log in the commands' order too
        assertThat(
                results.stream()
                    .filter(r -> r.getEnvelope().getZone().equals(z))
                    .map(SignerCommandResult::getCommandId)
                    .toList())
            .as("results of %s", z)
            .isEqualTo(byZone.get(z).stream().map(SignerCommand::getCommandId).toList());
      }
    } finally {
      writers.stop();
    }
  }

  @Test
  void aQueuedCommandThatTheNextOneSupersedesIsAnsweredButNotApplied() {
    String zone = zones("superseded", 1).get(0);
    RecordingProvider provider = new RecordingProvider("mem-super", List.of(zone), 500, 500);
    DNSKEYRecord k0 = key(zone);
    DNSKEYRecord k1 = key(zone);
    DNSKEYRecord k2 = key(zone);
    DNSKEYRecord k3 = key(zone);
    SignerCommand c0 = command("mem-super", zone, new ImportDnskeys(List.of(groupKey(k0)), 10));
    SignerCommand c1 = command("mem-super", zone, new ImportDnskeys(List.of(groupKey(k1)), 10));
    // the decider's next wish for the same slot: every key c1 names, and one more
    SignerCommand c2 =
        command("mem-super", zone, new ImportDnskeys(List.of(groupKey(k1), groupKey(k2)), 10));
    SignerCommand c3 = command("mem-super", zone, new WithdrawDnskeys(List.of(groupKey(k0))));
    // covers c2 too, but c3 lies between them: both stay, in log order
    SignerCommand c4 =
        command(
            "mem-super",
            zone,
            new ImportDnskeys(List.of(groupKey(k1), groupKey(k2), groupKey(k3)), 10));
    List<SignerCommand> all = List.of(c0, c1, c2, c3, c4);
    all.forEach(c -> probe.send(TopicCatalog.SIGNER_COMMANDS, zone, c));

    SignerWriters writers = writers(provider, 2, "");
    try {
      Map<String, SignerCommandResult> results =
          awaitResults(all).stream()
              .collect(Collectors.toMap(SignerCommandResult::getCommandId, r -> r));

      assertThat(results.get(c1.getCommandId()).getResult())
          .isInstanceOfSatisfying(
              SignerCommandFailed.class,
              f -> {
                assertThat(f.getRetryable()).isTrue();
                assertThat(f.getReason())
                    .contains("zone=" + zone)
                    .contains("superseded by command " + c2.getCommandId());
              });
      for (SignerCommand c : List.of(c0, c2, c3, c4)) {
        assertThat(results.get(c.getCommandId()).getResult())
            .as(c.getCommandId())
            .isInstanceOf(SignerCommandApplied.class);
      }
      assertThat(provider.applied(ZoneName.of(zone)))
          .containsExactly(
              "import " + k0.getFootprint(),
              "import " + k1.getFootprint(),
              "import " + k2.getFootprint(),
              "withdraw " + k0.getFootprint(),
              "import " + k1.getFootprint(),
              "import " + k2.getFootprint(),
              "import " + k3.getFootprint());
    } finally {
      writers.stop();
    }
  }

  /**
   * The first instance stops (gracefully, or as a crash leaves it: running commands interrupted, no
   * final commit) with commands running and many more queued; the second takes over.
   */
  @ParameterizedTest(name = "crash={0}")
  @ValueSource(booleans = {false, true})
  void afterARestartNoCommandIsLostAndAZoneReplaysOnlyInLogOrder(boolean crash) {
    String signer = crash ? "mem-crash" : "mem-restart";
    List<String> zones = zones(signer, 10);
    RecordingProvider provider = new RecordingProvider(signer, zones, 60, 100);
    Map<String, List<SignerCommand>> byZone = new LinkedHashMap<>();
    Map<String, List<String>> expected = new HashMap<>();
    for (String z : zones) {
      Sequence s = sequence(signer, z, 8);
      byZone.put(z, s.commands());
      expected.put(z, s.changes());
    }
    List<SignerCommand> interleaved = interleave(byZone);
    interleaved.forEach(c -> probe.send(TopicCatalog.SIGNER_COMMANDS, zoneOf(c), c));

    SignerWriters first = writers(provider, 3, signer + "-instance");
    try {
      awaitResults(interleaved, 20);
    } finally {
      if (crash) {
        first.halt();
      } else {
        first.stop();
      }
    }
    provider.awaitIdle(); // the changes the provider had accepted have landed
    Map<String, List<String>> beforeRestart = new HashMap<>();
    for (String z : zones) {
      beforeRestart.put(z, provider.applied(ZoneName.of(z)));
    }
    int appliedBefore = beforeRestart.values().stream().mapToInt(List::size).sum();
    assertThat(appliedBefore).as("applied before the restart").isLessThan(interleaved.size());

    SignerWriters second = writers(provider, 3, signer + "-instance");
    try {
      List<SignerCommandResult> results = awaitResults(interleaved);
      assertThat(results)
          .allSatisfy(r -> assertThat(r.getResult()).isInstanceOf(SignerCommandApplied.class));
    } finally {
      second.stop();
    }

    assertThat(provider.zoneOverlaps()).as("commands of one zone running at once").isZero();
    int reapplied = 0;
    for (String z : zones) {
      List<String> want = expected.get(z);
      List<String> before = beforeRestart.get(z);
      List<String> all = provider.applied(ZoneName.of(z));
      List<String> after = all.subList(before.size(), all.size());
      // before the restart: the zone's first commands, in order
      assertThat(want.subList(0, before.size())).as("%s before the restart", z).isEqualTo(before);
      // after it: the rest in order, replayed from a point no later than where it stopped
      int from = want.size() - after.size();
      assertThat(from).as("%s replays from", z).isBetween(0, before.size());
      assertThat(after).as("%s after the restart", z).isEqualTo(want.subList(from, want.size()));
      reapplied += before.size() - from;
      // and the provider ends up serving what the whole sequence leaves
      assertThat(foreignTags(provider, z)).as("%s served", z).isEqualTo(finalTags(want));
    }
    System.out.printf(
        "%s: %d commands, %d applied before the restart, %d applied again after it%n",
        crash ? "crash" : "graceful stop", interleaved.size(), appliedBefore, reapplied);
  }

  // --- fixtures

  private SignerWriters writers(DnsProvider provider, int concurrency, String instanceId) {
    SignerRegistry registry =
        new SignerRegistry(Map.of()) {
          @Override
          public Optional<DnsProvider> provider(String signerId) {
            return provider.id().value().equals(signerId)
                ? Optional.of(provider)
                : Optional.empty();
          }

          @Override
          public List<String> signerIds() {
            return List.of(provider.id().value());
          }
        };
    return new SignerWriters(
        registry,
        log,
        envelopes,
        new Inbox(log, envelopes),
        KafkaClientSettings.of(kafka.bootstrapServers()),
        3,
        Duration.ofMillis(10),
        Duration.ofMillis(40),
        Duration.ofSeconds(30),
        concurrency,
        64,
        instanceId,
        Duration.ofSeconds(10),
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        "",
        "last-known",
        20000);
  }

  /** A zone's commands: imports and withdrawals of fresh keys, where order changes the outcome. */
  private record Sequence(List<SignerCommand> commands, List<String> changes) {}

  private static Sequence sequence(String signer, String zone, int length) {
    List<SignerCommand> commands = new ArrayList<>();
    List<String> changes = new ArrayList<>();
    List<DNSKEYRecord> served = new ArrayList<>();
    Set<Integer> tags = new HashSet<>();
    for (int i = 0; i < length; i++) {
      if (i % 3 == 2 && !served.isEmpty()) {
        DNSKEYRecord k = served.remove(0);
        commands.add(command(signer, zone, new WithdrawDnskeys(List.of(groupKey(k)))));
        changes.add("withdraw " + k.getFootprint());
      } else {
        DNSKEYRecord k = key(zone);
        while (!tags.add(k.getFootprint())) {
          k = key(zone);
        }
        served.add(k);
        commands.add(command(signer, zone, new ImportDnskeys(List.of(groupKey(k)), 10)));
        changes.add("import " + k.getFootprint());
      }
    }
    return new Sequence(commands, changes);
  }

  /** Round robin over the zones: the log holds every zone's commands mixed, each in its order. */
  private static List<SignerCommand> interleave(Map<String, List<SignerCommand>> byZone) {
    List<SignerCommand> out = new ArrayList<>();
    int longest = byZone.values().stream().mapToInt(List::size).max().orElse(0);
    for (int i = 0; i < longest; i++) {
      for (List<SignerCommand> l : byZone.values()) {
        if (i < l.size()) {
          out.add(l.get(i));
        }
      }
    }
    return out;
  }

  private static Set<Integer> finalTags(List<String> changes) {
    Set<Integer> tags = new HashSet<>();
    for (String c : changes) {
      int tag = Integer.parseInt(c.substring(c.indexOf(' ') + 1));
      if (c.startsWith("import")) {
        tags.add(tag);
      } else {
        tags.remove(tag);
      }
    }
    return tags;
  }

  private static Set<Integer> foreignTags(RecordingProvider provider, String zone) {
    return provider.read(ZoneName.of(zone)).dnskeys().stream()
        .filter(k -> (k.getFlags() & DNSKEYRecord.Flags.SEP_KEY) == 0)
        .map(DNSKEYRecord::getFootprint)
        .collect(Collectors.toSet());
  }

  private List<SignerCommandResult> awaitResults(List<SignerCommand> commands) {
    return awaitResults(commands, commands.size());
  }

  /**
   * Reads the results topic from the start until {@code count} of the commands have a result;
   * returns the first result of each, per partition in log order.
   */
  private List<SignerCommandResult> awaitResults(List<SignerCommand> commands, int count) {
    Set<String> ids =
        commands.stream().map(SignerCommand::getCommandId).collect(Collectors.toSet());
    Map<String, SignerCommandResult> first = new LinkedHashMap<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          c.partitionsFor(TopicCatalog.Names.SIGNER_RESULTS).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (first.size() < count) {
        assertThat(System.nanoTime()).as("results within %s", PATIENCE).isLessThan(deadline);
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          SignerCommandResult result = TopicCatalog.SIGNER_RESULTS.valueSerde().decode(r.value());
          if (ids.contains(result.getCommandId())) {
            first.putIfAbsent(result.getCommandId(), result);
          }
        }
      }
    }
    return new ArrayList<>(first.values());
  }

  private static List<String> zones(String prefix, int n) {
    String run = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
    return IntStream.rangeClosed(1, n)
        .mapToObj(i -> String.format("%s%03d-%s.writers.test.", prefix, i, run))
        .toList();
  }

  private static String zoneOf(SignerCommand c) {
    return c.getEnvelope().getZone();
  }

  private static SignerCommand command(String signer, String zone, Object command) {
    Envelope envelope =
        new Envelope(UUID.randomUUID().toString(), zone, Instant.now(), "writers-test", null, null);
    return new SignerCommand(envelope, zone + "#" + UUID.randomUUID(), signer, command);
  }

  private static GroupKey groupKey(DNSKEYRecord k) {
    return new GroupKey(
        "other-signer",
        KeyRole.ZSK,
        new Dnskey(
            k.getFlags(),
            k.getProtocol(),
            k.getAlgorithm(),
            ByteBuffer.wrap(k.getKey()),
            k.getFootprint()));
  }

  /** A foreign ZSK with random key bytes (the in-memory provider does not check them). */
  private static DNSKEYRecord key(String zone) {
    byte[] key = new byte[64];
    ThreadLocalRandom.current().nextBytes(key);
    return new DNSKEYRecord(
        Name.fromConstantString(zone),
        DClass.IN,
        10,
        DNSKEYRecord.Flags.ZONE_KEY,
        DNSKEYRecord.Protocol.DNSSEC,
        DNSSEC.Algorithm.ECDSAP256SHA256,
        key);
  }
}
