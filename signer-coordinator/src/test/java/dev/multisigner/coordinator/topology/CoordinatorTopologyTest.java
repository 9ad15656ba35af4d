package dev.multisigner.coordinator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.decide.ZoneDecider;
import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.schemas.avro.DeadLetter;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.ImportDnskeys;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.ParentNsObserved;
import dev.multisigner.schemas.avro.ResumeZone;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import dev.multisigner.schemas.avro.SignerObservation;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.SigningModel;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.avro.ZoneStateSnapshot;
import dev.multisigner.schemas.topics.Topic;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/**
 * The coordinator shell on a TopologyTestDriver with explicit wall-clock time: what goes in on the
 * input topics and exactly what comes out on the output topics.
 */
class CoordinatorTopologyTest {

  private static final String ZONE = "example.test.";
  private static final Instant T0 = Instant.parse("2026-11-29T20:00:00Z");

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> intents;
  private TestInputTopic<String, byte[]> observations;
  private TestInputTopic<String, byte[]> dsEvents;
  private TestOutputTopic<String, byte[]> commands;
  private TestOutputTopic<String, byte[]> zoneEvents;
  private TestOutputTopic<String, byte[]> zoneState;
  private TestOutputTopic<String, byte[]> dsRequests;
  private TestOutputTopic<String, byte[]> deadLetters;

  /** The coordinator's topology on a test driver, its wall clock at {@code T0}. */
  static TopologyTestDriver driver(Path stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "coordinator-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new TopologyTestDriver(
        CoordinatorTopology.buildTopology("signer-coordinator", Duration.ofSeconds(1)), p, T0);
  }

  @BeforeEach
  void start() {
    driver = driver(stateDir);
    intents = input(TopicCatalog.ZONE_INTENTS);
    observations = input(TopicCatalog.SIGNER_OBSERVATIONS);
    dsEvents = input(TopicCatalog.DS_EVENTS);
    commands = output(TopicCatalog.SIGNER_COMMANDS);
    zoneEvents = output(TopicCatalog.ZONE_EVENTS);
    zoneState = output(TopicCatalog.ZONE_STATE);
    dsRequests = output(TopicCatalog.DS_REQUESTS);
    deadLetters = output(TopicCatalog.DEAD_LETTERS);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void enrollsAZoneAndImportsTheFirstSignersZskIntoTheOther() {
    ZoneIntent enroll = enroll("rfc2136", "powerdns");
    intents.pipeInput(ZONE, encode(TopicCatalog.ZONE_INTENTS, enroll));

    assertThat(decodeAll(zoneEvents, TopicCatalog.ZONE_EVENTS))
        .extracting(ZoneEvent::getType)
        .containsExactly("ZoneEnrolled");
    ZoneStateSnapshot state = last(zoneState, TopicCatalog.ZONE_STATE);
    assertThat(state.getPhase()).isEqualTo("ACTIVE");
    assertThat(state.getSigners()).containsExactly("knot-a", "pdns-b");
    assertThat(state.getEnvelope().getCausationId()).isEqualTo(enroll.getEnvelope().getEventId());

    dsEvents.pipeInput(
        ZONE,
        encode(
            TopicCatalog.DS_EVENTS,
            new DsEvent(
                envelope("e-ns"), null, new ParentNsObserved(List.of("ns1.knot-a.example."), 0))));
    observations.pipeInput(
        ZONE,
        encode(
            TopicCatalog.SIGNER_OBSERVATIONS,
            observed("knot-a", List.of(key("a.ksk", 257), key("a.zsk", 256)))));

    List<SignerCommand> issued = decodeAll(commands, TopicCatalog.SIGNER_COMMANDS);
    assertThat(issued)
        .filteredOn(c -> c.getCommand() instanceof ImportDnskeys)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getSignerId()).isEqualTo("pdns-b");
              assertThat(((ImportDnskeys) c.getCommand()).getKeys())
                  .extracting(k -> k.getDnskey().getKeyTag())
                  // model 2 shares the KSK too (issue 16)
                  .containsExactlyInAnyOrder(
                      key("a.zsk", 256).getKeyTag(), key("a.ksk", 257).getKeyTag());
              assertThat(c.getCommandId()).startsWith(ZONE);
            });
    assertThat(decodeAll(zoneEvents, TopicCatalog.ZONE_EVENTS))
        .extracting(ZoneEvent::getType)
        .contains("KeyObserved", "KeyImportRequested");
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void keepsTheWaitDeadlineInTheStoreAndWakesTheZoneWhenItIsDue() {
    intents.pipeInput(ZONE, encode(TopicCatalog.ZONE_INTENTS, enroll("rfc2136", "powerdns")));
    dsEvents.pipeInput(
        ZONE,
        encode(
            TopicCatalog.DS_EVENTS,
            new DsEvent(
                envelope("e-ns"), null, new ParentNsObserved(List.of("ns1.knot-a.example."), 0))));
    observations.pipeInput(
        ZONE,
        encode(
            TopicCatalog.SIGNER_OBSERVATIONS,
            observed("knot-a", List.of(key("a.ksk", 257), key("a.zsk", 256)))));
    KeyValueStore<String, Long> timers = driver.getKeyValueStore(CoordinatorTopology.TIMER_STORE);
    Long deadline = timers.get(ZONE);
    assertThat(deadline).isNotNull().isGreaterThan(T0.toEpochMilli());
    long versionBefore = last(zoneState, TopicCatalog.ZONE_STATE).getVersion();
    zoneState.readRecordsToList();

    driver.advanceWallClockTime(Duration.ofMillis(deadline - T0.toEpochMilli() + 1000));

    List<ZoneStateSnapshot> after = decodeAll(zoneState, TopicCatalog.ZONE_STATE);
    assertThat(after).isNotEmpty();
    assertThat(after.get(after.size() - 1).getVersion()).isGreaterThanOrEqualTo(versionBefore);
    assertThat(timers.get(ZONE)).isNotEqualTo(deadline);
  }

  @Test
  void sendsAPoisonRecordToTheDeadLetterTopicAndNothingElse() {
    intents.pipeInput(ZONE, "definitely not avro".getBytes(StandardCharsets.UTF_8));

    List<DeadLetter> letters = decodeAll(deadLetters, TopicCatalog.DEAD_LETTERS);
    assertThat(letters)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getSourceTopic()).isEqualTo(TopicCatalog.Names.ZONE_INTENTS);
              assertThat(l.getReason()).contains("zone=" + ZONE).contains("ZoneIntent");
              assertThat(bytes(l.getPayload())).asString().isEqualTo("definitely not avro");
            });
    assertThat(zoneEvents.isEmpty()).isTrue();
    assertThat(zoneState.isEmpty()).isTrue();
    assertThat(commands.isEmpty()).isTrue();
    assertThat(dsRequests.isEmpty()).isTrue();
  }

  @Test
  void aDeciderFailureHaltsTheZoneKeepsTheInputAndAResumeClearsTheHalt() {
    // A core that fails on every observation, as a bug would; the shell must not carry on.
    driver.close();
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "coordinator-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("failing").toString());
    driver =
        new TopologyTestDriver(
            CoordinatorTopology.buildTopology(
                "signer-coordinator",
                Duration.ofSeconds(1),
                (state, input, now) -> {
                  if (input instanceof ZoneInput.SignerKeysObserved) {
                    throw new IllegalStateException("a bug in the core");
                  }
                  return ZoneDecider.decide(state, input, now);
                }),
            p,
            T0);
    intents = input(TopicCatalog.ZONE_INTENTS);
    observations = input(TopicCatalog.SIGNER_OBSERVATIONS);
    zoneEvents = output(TopicCatalog.ZONE_EVENTS);
    zoneState = output(TopicCatalog.ZONE_STATE);
    commands = output(TopicCatalog.SIGNER_COMMANDS);
    deadLetters = output(TopicCatalog.DEAD_LETTERS);
    intents.pipeInput(ZONE, encode(TopicCatalog.ZONE_INTENTS, enroll("rfc2136", "powerdns")));
    zoneEvents.readRecordsToList();

    observations.pipeInput(
        ZONE,
        encode(
            TopicCatalog.SIGNER_OBSERVATIONS,
            observed("knot-a", List.of(key("a.ksk", 257), key("a.zsk", 256)))));

    assertThat(decodeAll(zoneEvents, TopicCatalog.ZONE_EVENTS))
        .extracting(ZoneEvent::getType)
        .containsExactly("InputFailed", "ZoneHalted");
    ZoneStateSnapshot halted = last(zoneState, TopicCatalog.ZONE_STATE);
    assertThat(halted.getHalted()).isTrue();
    assertThat(halted.getHaltReason()).contains("SignerKeysObserved").contains("a bug in the core");
    assertThat(decodeAll(deadLetters, TopicCatalog.DEAD_LETTERS))
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getSourceTopic()).isEqualTo(TopicCatalog.Names.SIGNER_OBSERVATIONS);
              assertThat(l.getReason()).contains("zone=" + ZONE).contains("a bug in the core");
              assertThat(l.getPayload()).isNotNull();
            });
    assertThat(commands.isEmpty()).isTrue();

    intents.pipeInput(
        ZONE,
        encode(
            TopicCatalog.ZONE_INTENTS,
            new ZoneIntent(envelope("e-resume"), new ResumeZone("alice", "core fixed"))));
    assertThat(decodeAll(zoneEvents, TopicCatalog.ZONE_EVENTS))
        .extracting(ZoneEvent::getType)
        .contains("ZoneResumed");
    assertThat(last(zoneState, TopicCatalog.ZONE_STATE).getHalted()).isFalse();
  }

  @Test
  void rejectsAnEnrollmentNamingAnUnknownProviderTypeWithAReason() {
    intents.pipeInput(ZONE, encode(TopicCatalog.ZONE_INTENTS, enroll("rfc2136", "ns1-com")));

    assertThat(decodeAll(zoneEvents, TopicCatalog.ZONE_EVENTS))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("InputRejected");
              assertThat(e.getSummary())
                  .contains("zone=" + ZONE)
                  .contains("pdns-b")
                  .contains("unknown provider type 'ns1-com'");
            });
    assertThat(zoneState.isEmpty()).isTrue();
    assertThat(commands.isEmpty()).isTrue();
  }

  @Test
  void refusesAGroupWhoseSignersUseDifferentAlgorithms() {
    ZoneIntent enroll = enroll("rfc2136", "powerdns");
    ((EnrollZone) enroll.getIntent()).getSigners().get(1).setAlgorithm(15);
    intents.pipeInput(ZONE, encode(TopicCatalog.ZONE_INTENTS, enroll));

    assertThat(decodeAll(zoneEvents, TopicCatalog.ZONE_EVENTS))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("RequestRejected");
              assertThat(e.getSummary()).containsIgnoringCase("algorithm");
            });
    assertThat(commands.isEmpty()).isTrue();
  }

  static ZoneIntent enroll(String typeA, String typeB) {
    GroupPolicy policy =
        GroupPolicy.newBuilder()
            .setModel(SigningModel.MODEL_2)
            .setAlgorithm(13)
            .setDnskeyTtlSeconds(10)
            .setMaxZoneTtlSeconds(60)
            .setDsTtlSeconds(60)
            .setNsTtlSeconds(60)
            .setPropagationDelaySeconds(2)
            .setParentPropagationDelaySeconds(2)
            .setMaxCdsRecords(6)
            .setRetryIntervalSeconds(10)
            .setUnreachableLimitSeconds(600)
            .build();
    return new ZoneIntent(
        envelope("e-enroll"),
        new EnrollZone(
            List.of(
                new SignerSpec("knot-a", typeA, 13, List.of("ns1.knot-a.example.")),
                new SignerSpec("pdns-b", typeB, 13, List.of("ns1.pdns-b.example."))),
            policy));
  }

  static SignerObservation observed(String signer, List<Dnskey> keys) {
    List<Integer> ksks =
        keys.stream().filter(k -> k.getFlags() == 257).map(Dnskey::getKeyTag).toList();
    List<Integer> zsks =
        keys.stream().filter(k -> k.getFlags() == 256).map(Dnskey::getKeyTag).toList();
    return new SignerObservation(
        envelope("e-obs-" + signer),
        signer,
        SignerKeysObserved.newBuilder()
            .setDnskeys(keys)
            .setDnskeySignerTags(ksks)
            .setZoneSignerTags(zsks)
            .setNameservers(List.of("ns1." + signer + ".example."))
            .setSoaSerial(1L)
            .setDnskeyTtlSeconds(10)
            .setSource(ObservationSource.DNS_QUERY)
            .build());
  }

  /** A fixed 64-byte "P-256 public key" derived from a name. */
  static Dnskey key(String name, int flags) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] a = sha.digest((name + "/x").getBytes(StandardCharsets.UTF_8));
      byte[] b = sha.digest((name + "/y").getBytes(StandardCharsets.UTF_8));
      byte[] k = Arrays.copyOf(a, 64);
      System.arraycopy(b, 0, k, 32, 32);
      int tag = new DNSKEYRecord(Name.root, DClass.IN, 0, flags, 3, 13, k).getFootprint();
      return new Dnskey(flags, 3, 13, ByteBuffer.wrap(k), tag);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Envelope envelope(String id) {
    return new Envelope(id, ZONE, T0, "test", null, null);
  }

  private TestInputTopic<String, byte[]> input(Topic<?> topic) {
    return driver.createInputTopic(
        topic.name(),
        Serdes.String().serializer(),
        Serdes.ByteArray().serializer(),
        T0,
        Duration.ZERO);
  }

  private TestOutputTopic<String, byte[]> output(Topic<?> topic) {
    return driver.createOutputTopic(
        topic.name(), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
  }

  private static <V extends SpecificRecord> byte[] encode(Topic<V> topic, V value) {
    return topic.valueSerde().encode(value);
  }

  private static <V extends SpecificRecord> List<V> decodeAll(
      TestOutputTopic<String, byte[]> out, Topic<V> topic) {
    return out.readValuesToList().stream().map(b -> topic.valueSerde().decode(b)).toList();
  }

  private static <V extends SpecificRecord> V last(
      TestOutputTopic<String, byte[]> out, Topic<V> topic) {
    List<V> all = decodeAll(out, topic);
    assertThat(all).isNotEmpty();
    return all.get(all.size() - 1);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
