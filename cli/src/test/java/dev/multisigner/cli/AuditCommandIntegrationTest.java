package dev.multisigner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.audit.AuditLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code multisigner audit} against the real coordinator's audit log on the embedded broker: the
 * timeline per zone in text and JSON, the hash chain verified, and tampering detected: a record
 * altered, a record removed and the oldest records deleted from the topic, each named by the first
 * break. Also the auditor's recipe outside the JVM (kcat + docs/audit/decode-zone-events.py).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditCommandIntegrationTest {

  private static final String ZONE = "example.test.";
  private static final String OTHER = "other.test.";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private CoordinatorWorld world;
  private List<ZoneEvent> events;

  @BeforeAll
  void start() {
    world = new CoordinatorWorld(dir, Map.of());
    events = world.enroll(ZONE);
    world.enroll(OTHER);
  }

  @AfterAll
  void stop() {
    if (world != null) {
      world.close();
    }
  }

  private record Run(int code, String out, String err) {}

  private Run audit(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream previous = System.out;
    PrintStream previousErr = System.err;
    int code;
    // The command prints to System.out like every other subcommand; capture it for this call.
    synchronized (AuditCommandIntegrationTest.class) {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        CommandLine cli = new CommandLine(new MultisignerCommand());
        List<String> all = new ArrayList<>(List.of("audit"));
        all.addAll(List.of(args));
        code = cli.execute(all.toArray(String[]::new));
      } finally {
        System.setOut(previous);
        System.setErr(previousErr);
      }
    }
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String bootstrap() {
    return world.stack.bootstrapServers();
  }

  @Test
  void printsTheZonesTimelineFromTheCluster() {
    Run run = audit("--bootstrap-servers", bootstrap(), "--zone", "Example.Test");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("zone example.test. (")
        .contains("ZoneEnrolled: ")
        .contains("DsChangeRequested: ")
        .doesNotContain(OTHER);
    // one line per event, in log order
    assertThat(run.out().lines().skip(1).map(l -> l.substring(l.indexOf(' ', 3) + 1)))
        .startsWith(events.get(0).getType() + ": " + events.get(0).getSummary());

    Run both = audit("--bootstrap-servers", bootstrap());
    assertThat(both.out()).contains("zone example.test. (").contains("zone other.test. (");

    Run future = audit("--bootstrap-servers", bootstrap(), "--since", "2999-01-01T00:00:00Z");
    assertThat(future.out()).contains("no audit events");
  }

  @Test
  void jsonLinesCarryTheChainEachEventPointingAtThePreviousOnesHash() throws Exception {
    Run run = audit("--bootstrap-servers", bootstrap(), "--zone", ZONE, "--format", "json");
    assertThat(run.code()).as(run.err()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : run.out().lines().toList()) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines).hasSizeGreaterThanOrEqualTo(events.size());
    assertThat(lines.get(0).get("type").asText()).isEqualTo("ZoneEnrolled");
    assertThat(lines.get(0).get("previousHash").isNull()).isTrue();
    for (int i = 1; i < lines.size(); i++) {
      assertThat(lines.get(i).get("previousHash").asText())
          .as("event %d", i)
          .isEqualTo(lines.get(i - 1).get("hash").asText())
          .hasSize(64);
    }
  }

  @Test
  void verifyAcceptsTheUntouchedLog() {
    Run run = audit("verify", "--bootstrap-servers", bootstrap());
    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains("ok     zone=example.test. events=")
        .contains("ok     zone=other.test. events=")
        .contains("audit verify: 2 zones, 0 broken chains");
  }

  @Test
  void verifyNamesAnAlteredRecord() throws Exception {
    List<AuditLog.Entry> original = zoneEntries(ZONE);
    String copy = "tampered.altered";
    // The third event's summary is rewritten (its previous hash kept): the fourth no longer
    // matches.
    List<Long> offsets =
        copyTopic(
            copy,
            (e, i) -> {
              if (i != 2) {
                return e.value();
              }
              ZoneEvent ev = TopicCatalog.ZONE_EVENTS.valueSerde().decode(e.value());
              ev.setSummary(ev.getSummary() + " (edited)");
              return TopicCatalog.ZONE_EVENTS.valueSerde().encode(ev);
            });
    Run run = audit("verify", "--bootstrap-servers", bootstrap(), "--topic", copy);
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out())
        .contains("BROKEN zone=example.test. partition=0 offset=" + offsets.get(3))
        .contains(
            "type="
                + TopicCatalog.ZONE_EVENTS.valueSerde().decode(original.get(3).value()).getType())
        .contains("does not match the event before it at offset " + offsets.get(2))
        .contains("ok     zone=other.test.")
        .contains("1 broken chains");
  }

  @Test
  void verifyNamesARemovedRecord() throws Exception {
    String copy = "tampered.removed";
    List<Long> offsets = copyTopic(copy, (e, i) -> i == 4 ? null : e.value());
    Run run = audit("verify", "--bootstrap-servers", bootstrap(), "--topic", copy, "--zone", ZONE);
    assertThat(run.code()).isEqualTo(1);
    // the fifth event is gone: the sixth points at it, not at the fourth
    assertThat(run.out())
        .contains("BROKEN zone=example.test. partition=0 offset=" + offsets.get(5))
        .contains("at offset " + offsets.get(3) + " ")
        .contains("1 broken chains");
  }

  @Test
  void verifyNamesOldestRecordsDeletedFromTheTopic() throws Exception {
    String copy = "tampered.truncated";
    List<Long> offsets = copyTopic(copy, (e, i) -> e.value());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
      admin
          .deleteRecords(
              Map.of(new TopicPartition(copy, 0), RecordsToDelete.beforeOffset(offsets.get(2))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Run run = audit("verify", "--bootstrap-servers", bootstrap(), "--topic", copy);
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out())
        .contains("BROKEN zone=example.test. partition=0 offset=" + offsets.get(2))
        .contains("earlier events removed");
  }

  @Test
  void anAuditorOutsideTheJvmReadsAndChecksTheLogWithKcatAndTheSchemasJson() throws Exception {
    Path schemas = dir.resolve("schemas");
    assertThat(
            new CommandLine(new MultisignerCommand())
                .execute("audit", "schemas", "--out", schemas.toString()))
        .isZero();
    assertThat(Files.list(schemas).map(p -> p.getFileName().toString()))
        .hasSize(2) // the current ZoneEvent and v1's
        .allMatch(n -> n.matches("[0-9a-f]{16}\\.avsc"));
    Path recipe = Path.of("..", "docs", "audit", "read-zone-events.sh").toAbsolutePath();
    Process p =
        new ProcessBuilder("sh", recipe.toString(), bootstrap(), schemas.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    // the same timeline and the same chain heads as the JVM's verify
    assertThat(out)
        .contains("example.test.\t")
        .contains("ZoneEnrolled: " + events.get(0).getSummary())
        .containsPattern("ok example.test. events=\\d+ head=[0-9a-f]{64}");
    Run verify = audit("verify", "--bootstrap-servers", bootstrap(), "--zone", ZONE);
    String head =
        verify.out().replaceAll("(?s).*zone=example.test. events=\\d+ head=(\\w+).*", "$1");
    assertThat(out).contains("head=" + head);
  }

  /** The zone's records on the real audit topic, in log order. */
  private List<AuditLog.Entry> zoneEntries(String zone) {
    List<AuditLog.Entry> entries = new ArrayList<>();
    try (AuditLog log =
        new AuditLog(Map.of("bootstrap.servers", bootstrap()), TopicCatalog.Names.ZONE_EVENTS)) {
      log.readToEnd(
          null,
          e -> {
            if (zone.equals(e.zone())) {
              entries.add(e);
            }
          });
    }
    return entries;
  }

  interface Edit {
    /** The value to write for the zone's i-th record, or null to leave it out. */
    byte[] value(AuditLog.Entry entry, int i);
  }

  /**
   * Copies the audit log into a one-partition topic, editing example.test.'s records, and returns
   * the offsets its records got in the copy (by their index; -1 when left out).
   */
  private List<Long> copyTopic(String topic, Edit edit) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    List<AuditLog.Entry> all = new ArrayList<>();
    try (AuditLog log =
        new AuditLog(Map.of("bootstrap.servers", bootstrap()), TopicCatalog.Names.ZONE_EVENTS)) {
      log.readToEnd(null, all::add);
    }
    List<Long> offsets = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap(), "acks", "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      int i = 0;
      for (AuditLog.Entry e : all) {
        byte[] value = e.value();
        if (ZONE.equals(e.zone())) {
          value = edit.value(e, i++);
          if (value == null) {
            offsets.add(-1L);
            continue;
          }
        }
        long offset =
            producer
                .send(new ProducerRecord<>(topic, 0, e.zone(), value))
                .get(30, TimeUnit.SECONDS)
                .offset();
        if (ZONE.equals(e.zone())) {
          offsets.add(offset);
        }
      }
    }
    return offsets;
  }
}
