package dev.multisigner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.audit.AuditChain;
import dev.multisigner.support.audit.AuditLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.SerializationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multisigner audit}: the audit log ({@code multisigner.zone.events}) of any cluster, read
 * as an auditor would (no consumer group, nothing committed), decoded with every released schema,
 * printed as a timeline per zone; {@code audit verify} checks each zone's hash chain.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "Print the zones' audit timelines from multisigner.zone.events on any Kafka cluster.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Schemas.class})
final class AuditCommand implements Callable<Integer> {

  /** How to reach the cluster: shared by {@code audit} and {@code audit verify}. */
  static final class Cluster {
    @Option(names = "--bootstrap-servers", description = "The Kafka cluster (required).")
    String bootstrapServers;

    @Option(
        names = "--command-config",
        description =
            "A Kafka client properties file (security.protocol, sasl.*, ssl.*), as Kafka's own"
                + " tools take it.")
    Path commandConfig;

    @Option(
        names = {"-X", "--client-setting"},
        description = "A Kafka client setting, key=value (repeatable; wins over --command-config).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
        names = "--topic",
        defaultValue = TopicCatalog.Names.ZONE_EVENTS,
        description = "The audit topic (or a copy of it). Default: ${DEFAULT-VALUE}")
    String topic;

    Map<String, Object> clientSettings() {
      Map<String, Object> all = new HashMap<>();
      if (commandConfig != null) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(commandConfig)) {
          p.load(in);
        } catch (IOException e) {
          throw new IllegalArgumentException(
              "cannot read --command-config " + commandConfig + ": " + e.getMessage(), e);
        }
        p.forEach((k, v) -> all.put(String.valueOf(k), v));
      }
      all.putAll(settings);
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new IllegalArgumentException("--bootstrap-servers is required");
      }
      all.put("bootstrap.servers", bootstrapServers);
      return all;
    }

    AuditLog open() {
      return new AuditLog(clientSettings(), topic);
    }
  }

  @picocli.CommandLine.Mixin Cluster cluster = new Cluster();

  @Option(names = "--zone", description = "Only this zone (e.g. example.com.).")
  String zone;

  @Option(
      names = "--since",
      description =
          "Only events from this time on: an instant (2026-12-06T20:00:00Z) or a duration back"
              + " from now (PT2H, P1D).")
  String since;

  @Option(names = "--follow", description = "Keep printing new events until interrupted.")
  boolean follow;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "text (a timeline per zone) or json (one object per line). Default: text")
  Format format;

  enum Format {
    text,
    json
  }

  PrintStream out = System.out;
  PrintStream err = System.err;
  AtomicBoolean stop = new AtomicBoolean();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() {
    String only = zone == null ? null : canonical(zone);
    Instant from = since == null ? null : parseSince(since, Instant.now());
    try (AuditLog log = cluster.open()) {
      if (follow) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.set(true)));
        log.follow(from, e -> print(e, only, from, true), stop::get);
        return 0;
      }
      Map<String, List<AuditLog.Entry>> byZone = new LinkedHashMap<>();
      log.readToEnd(
          from,
          e -> {
            if (only == null || only.equals(e.zone())) {
              byZone.computeIfAbsent(e.zone(), z -> new ArrayList<>()).add(e);
            }
          });
      for (Map.Entry<String, List<AuditLog.Entry>> z : byZone.entrySet()) {
        if (format == Format.text) {
          out.println("zone " + z.getKey() + " (" + z.getValue().size() + " events)");
        }
        z.getValue().forEach(e -> print(e, null, from, false));
      }
      if (byZone.isEmpty() && format == Format.text) {
        out.println("no audit events" + (only == null ? "" : " for zone " + only));
      }
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("multisigner audit: " + e.getMessage());
      return 1;
    }
  }

  private void print(AuditLog.Entry e, String only, Instant from, boolean prefixZone) {
    if (only != null && !only.equals(e.zone())) {
      return;
    }
    ZoneEvent event;
    try {
      event = TopicCatalog.ZONE_EVENTS.valueSerde().decode(e.value());
    } catch (SerializationException x) {
      err.println(
          "zone="
              + e.zone()
              + " partition="
              + e.partition()
              + " offset="
              + e.offset()
              + ": not a ZoneEvent of any known schema version");
      return;
    }
    Instant at = event.getEnvelope().getOccurredAt();
    if (from != null && at.isBefore(from)) {
      return; // offsetsForTimes seeks by the record's timestamp; the event's own time decides
    }
    if (format == Format.json) {
      out.println(json(e, event));
      return;
    }
    out.println(
        (prefixZone ? e.zone() + " " : "  ")
            + at
            + " "
            + event.getType()
            + ": "
            + event.getSummary());
  }

  static ObjectNode json(AuditLog.Entry e, ZoneEvent event) {
    ObjectNode o = JSON.createObjectNode();
    o.put("zone", e.zone());
    o.put("partition", e.partition());
    o.put("offset", e.offset());
    o.put("occurredAt", event.getEnvelope().getOccurredAt().toString());
    o.put("type", event.getType());
    o.put("summary", event.getSummary());
    ObjectNode attributes = o.putObject("attributes");
    event.getAttributes().forEach(attributes::put);
    o.put("eventId", event.getEnvelope().getEventId());
    o.put("causationId", event.getEnvelope().getCausationId());
    o.put("correlationId", event.getEnvelope().getCorrelationId());
    o.put("producer", event.getEnvelope().getProducer());
    o.put("previousHash", event.getPreviousHash());
    o.put("hash", AuditChain.hash(e.value()));
    return o;
  }

  static String canonical(String zone) {
    String z = zone.trim().toLowerCase(java.util.Locale.ROOT);
    return z.endsWith(".") ? z : z + ".";
  }

  static Instant parseSince(String since, Instant now) {
    try {
      return Instant.parse(since);
    } catch (DateTimeParseException notAnInstant) {
      try {
        return now.minus(Duration.parse(since));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--since "
                + since
                + " is neither an instant (2026-12-06T20:00:00Z) nor a duration (PT2H, P1D)");
      }
    }
  }

  /** {@code multisigner audit verify}: checks every zone's hash chain, names the first break. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Check each zone's hash chain on the audit topic; exit 1 naming the first break of each"
              + " broken zone.")
  static final class Verify implements Callable<Integer> {

    @picocli.CommandLine.Mixin Cluster cluster = new Cluster();

    @Option(names = "--zone", description = "Only this zone.")
    String zone;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() {
      String only = zone == null ? null : canonical(zone);
      AuditChain.Verifier verifier = new AuditChain.Verifier();
      try (AuditLog log = cluster.open()) {
        log.readToEnd(
            null,
            e -> {
              if (only == null || only.equals(e.zone())) {
                verifier.accept(e.zone(), e.partition(), e.offset(), e.value());
              }
            });
      } catch (IllegalArgumentException e) {
        err.println("multisigner audit verify: " + e.getMessage());
        return 1;
      }
      Map<String, AuditChain.Break> breaks = verifier.breaks();
      for (String z : verifier.zones()) {
        AuditChain.Break b = breaks.get(z);
        if (b == null) {
          out.println(
              "ok     zone=" + z + " events=" + verifier.count(z) + " head=" + verifier.head(z));
        } else {
          out.println("BROKEN " + b);
        }
      }
      out.println(
          "audit verify: "
              + verifier.zones().size()
              + " zones, "
              + breaks.size()
              + " broken chains");
      return breaks.isEmpty() ? 0 : 1;
    }
  }

  /**
   * {@code multisigner audit schemas --out DIR}: every known ZoneEvent writer schema (current and
   * released) as JSON, one file per schema named by its single-object header fingerprint (the 8
   * bytes after C3 01, in hex, as they appear in a record), for decoders outside the JVM.
   */
  @Command(
      name = "schemas",
      mixinStandardHelpOptions = true,
      description =
          "Write every known ZoneEvent schema as <fingerprint>.avsc (the 8 header bytes after C3 01,"
              + " hex) for decoders outside the JVM.")
  static final class Schemas implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "The directory to write to.")
    Path out;

    @Override
    public Integer call() throws IOException {
      Files.createDirectories(out);
      java.util.Set<String> written = new java.util.TreeSet<>();
      for (org.apache.avro.Schema schema :
          dev.multisigner.schemas.serde.SchemaRegistry.allKnownSchemas()) {
        if (!schema.getFullName().equals(ZoneEvent.getClassSchema().getFullName())) {
          continue;
        }
        String name = fingerprint(schema);
        Files.writeString(out.resolve(name + ".avsc"), schema.toString(true));
        written.add(name);
      }
      System.out.println("audit schemas: wrote " + written + " to " + out);
      return 0;
    }

    /** The fingerprint as the single-object header carries it: CRC-64-AVRO, little endian. */
    static String fingerprint(org.apache.avro.Schema schema) {
      long fp = org.apache.avro.SchemaNormalization.parsingFingerprint64(schema);
      byte[] le =
          java.nio.ByteBuffer.allocate(8)
              .order(java.nio.ByteOrder.LITTLE_ENDIAN)
              .putLong(fp)
              .array();
      return java.util.HexFormat.of().formatHex(le);
    }
  }
}
