package dev.multisigner.coordinator.api;

import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.audit.AuditLog;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.naming.conventions.StringConvention;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A zone's audit timeline for the status page and operators: its latest events, read from {@code
 * multisigner.zone.events} (the zone's partition only, the last {@value #SCAN} records of it) with
 * the service's own Kafka client settings. Under {@code /zones}, so it takes the operator token.
 */
@Controller("/zones")
@Requires(env = "signer-coordinator")
@Tag(name = "zones")
public class ZoneAuditController {

  static final int SCAN = 5000;
  private static final int MAX_LIMIT = 500;

  private final Map<String, Object> clientSettings;

  public ZoneAuditController(Environment environment) {
    Map<String, Object> settings = new HashMap<>();
    environment
        .getProperties("kafka", StringConvention.RAW)
        .forEach(
            (k, v) -> {
              if (k.equals("bootstrap.servers")
                  || k.startsWith("security.")
                  || k.startsWith("sasl.")
                  || k.startsWith("ssl.")) {
                settings.put(
                    k,
                    v instanceof List<?> l
                        ? String.join(",", l.stream().map(String::valueOf).toList())
                        : v);
              }
            });
    settings.put("client.id", "multisigner-coordinator-audit");
    this.clientSettings = Map.copyOf(settings);
  }

  /** One event of the timeline. */
  @Serdeable
  public record AuditEntry(
      long offset,
      Instant occurredAt,
      String type,
      String summary,
      Map<String, String> attributes,
      @Nullable String previousHash) {}

  @Get("/{zone}/audit")
  @ExecuteOn(TaskExecutors.BLOCKING)
  @Operation(
      summary = "A zone's audit timeline",
      description =
          "The zone's latest events on multisigner.zone.events, oldest first (at most limit,"
              + " default 50), decoded with every known schema version.")
  public List<AuditEntry> audit(@PathVariable String zone, @Nullable @QueryValue Integer limit) {
    String name = OperatorIntents.zone(zone).value();
    int n = limit == null || limit <= 0 ? 50 : Math.min(limit, MAX_LIMIT);
    try (AuditLog log = new AuditLog(clientSettings, TopicCatalog.Names.ZONE_EVENTS)) {
      List<AuditLog.Entry> entries = log.zone(name, SCAN);
      return entries.subList(Math.max(0, entries.size() - n), entries.size()).stream()
          .map(ZoneAuditController::entry)
          .toList();
    }
  }

  private static AuditEntry entry(AuditLog.Entry e) {
    ZoneEvent event = TopicCatalog.ZONE_EVENTS.valueSerde().decode(e.value());
    return new AuditEntry(
        e.offset(),
        event.getEnvelope().getOccurredAt(),
        event.getType(),
        event.getSummary(),
        event.getAttributes(),
        event.getPreviousHash());
  }
}
