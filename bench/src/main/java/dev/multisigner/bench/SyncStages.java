package dev.multisigner.bench;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.multisigner.schemas.avro.ImportDnskeys;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Where a key sync's time goes, per stage, from what the services in this JVM logged (captured by
 * an appender on the root logger) and the coordinator's commands on the log: for one rollover from
 * {@code origin} to {@code other}, the NOTIFY's arrival at the collector, the observation of the
 * new key at the origin (the collector's log line, after its read and its append), the
 * coordinator's ImportDnskeys command for the other signer (its {@code occurredAt}), the writer's
 * start and end of that command (its {@code command_applied} line minus {@code took_ms}), and the
 * other signer serving the key (the bench's own poll). Every time is an epoch millisecond, each
 * stage the first at or after the one before it.
 */
final class SyncStages extends AppenderBase<ILoggingEvent> {

  private static final Set<String> EVENTS =
      Set.of(
          "notify_received",
          "signer_keys_observed",
          "command_applied",
          "basis_refused",
          "command_retrying",
          "update_applied",
          "rrsets_patched");
  private static final Pattern EVENT = Pattern.compile("event=([a-z_]+)");
  private static final Pattern ZONE = Pattern.compile("zone=(\\S+)");
  private static final Pattern SIGNER = Pattern.compile("(?:signer|provider)=(\\S+)");
  private static final Pattern TOOK = Pattern.compile("took_ms=(\\d+)");
  private static final Pattern ADDED = Pattern.compile("added=(\\d+)");
  private static final Pattern TRANSPORT = Pattern.compile("transport=(\\S+)");

  /** One captured log line. */
  record Line(long at, String event, String zone, String signer, String message) {
    long took() {
      Matcher m = TOOK.matcher(message);
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    String field(Pattern p) {
      Matcher m = p.matcher(message);
      return m.find() ? m.group(1) : "";
    }
  }

  /** A command of the coordinator: zone, signer, when it was decided. */
  record Command(String zone, String signer, long at) {}

  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private final List<Command> commands = new ArrayList<>();

  private SyncStages() {}

  /** Starts capturing the services' lines of interest. */
  static SyncStages attach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    SyncStages s = new SyncStages();
    s.setContext(context);
    s.setName("bench-sync-stages");
    s.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(s);
    return s;
  }

  void detach() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(this);
    stop();
  }

  void clear() {
    lines.clear();
    commands.clear();
  }

  @Override
  protected void append(ILoggingEvent e) {
    String m = e.getFormattedMessage();
    if (m == null) {
      return;
    }
    Matcher ev = EVENT.matcher(m);
    if (!ev.find() || !EVENTS.contains(ev.group(1))) {
      return;
    }
    Matcher z = ZONE.matcher(m);
    Matcher s = SIGNER.matcher(m);
    lines.add(
        new Line(
            e.getTimeStamp(),
            ev.group(1),
            z.find() ? z.group(1) : "",
            s.find() ? s.group(1) : "",
            m));
  }

  /**
   * Reads the coordinator's ImportDnskeys commands from the log of the stack at {@code bootstrap}.
   */
  void readCommands(String bootstrap) {
    ZoneTimeline.readAll(
        bootstrap,
        TopicCatalog.SIGNER_COMMANDS,
        (c, ts) -> {
          if (c.getCommand() instanceof ImportDnskeys) {
            commands.add(
                new Command(
                    c.getEnvelope().getZone(),
                    c.getSignerId(),
                    c.getEnvelope().getOccurredAt().toEpochMilli()));
          }
        });
  }

  /**
   * The stages of one rollover of {@code zone} from {@code origin} to {@code other}, started at
   * {@code hookAt}; {@code notifyTransport} is how the origin notifies (Knot over TCP, PowerDNS
   * over UDP in the bench). Absent stages are left out.
   */
  Map<String, Long> stages(
      String zone,
      String origin,
      String other,
      String notifyTransport,
      long hookAt,
      long originAt,
      long otherAt) {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("origin_serves", originAt);
    long from = hookAt;
    Optional<Line> notify =
        first(
            from,
            l ->
                l.event().equals("notify_received")
                    && l.zone().equals(zone)
                    && l.field(TRANSPORT).equals(notifyTransport));
    notify.ifPresent(l -> out.put("notify_received", l.at()));
    Optional<Line> observed =
        first(
            from,
            l ->
                l.event().equals("signer_keys_observed")
                    && l.zone().equals(zone)
                    && l.signer().equals(origin)
                    && !l.field(ADDED).equals("0"));
    if (observed.isEmpty()) {
      return out;
    }
    out.put("observed", observed.get().at());
    Optional<Command> decided =
        commands.stream()
            .filter(c -> c.zone().equals(zone) && c.signer().equals(other))
            .filter(c -> c.at() >= observed.get().at() - 5)
            .min((a, b) -> Long.compare(a.at(), b.at()));
    if (decided.isEmpty()) {
      return out;
    }
    out.put("decided", decided.get().at());
    Optional<Line> applied =
        first(
            decided.get().at(),
            l ->
                l.event().equals("command_applied")
                    && l.zone().equals(zone)
                    && l.signer().equals(other));
    applied.ifPresent(
        l -> {
          out.put("write_started", l.at() - l.took());
          out.put("write_done", l.at());
        });
    out.put("other_serves", otherAt);
    return out;
  }

  /** Lines of {@code zone} about the writes at {@code signer} after {@code from}, for a reader. */
  List<String> writeEvents(String zone, String signer, long from, long to) {
    List<String> out = new ArrayList<>();
    for (Line l : lines) {
      if (l.at() >= from
          && l.at() <= to
          && l.zone().equals(zone)
          && l.signer().equals(signer)
          && Set.of("basis_refused", "command_retrying").contains(l.event())) {
        out.add(l.event());
      }
    }
    return out;
  }

  private Optional<Line> first(long from, Predicate<Line> p) {
    return lines.stream().filter(l -> l.at() >= from).filter(p).findFirst();
  }

  /** Stage-to-stage durations of many rollovers: one percentile line per step. */
  static void printSteps(String tag, String direction, List<Map<String, Long>> samples) {
    Map<String, List<Long>> steps = new TreeMap<>();
    String[] order = {
      "origin_serves",
      "notify_received",
      "observed",
      "decided",
      "write_started",
      "write_done",
      "other_serves"
    };
    for (Map<String, Long> s : samples) {
      String prev = null;
      for (String stage : order) {
        if (!s.containsKey(stage)) {
          continue;
        }
        if (prev != null) {
          steps
              .computeIfAbsent(
                  String.format("%d_%s_to_%s", indexOf(order, stage), prev, stage),
                  k -> new ArrayList<>())
              .add(s.get(stage) - s.get(prev));
        }
        prev = stage;
      }
    }
    steps.forEach(
        (step, values) ->
            System.out.println(
                tag
                    + " direction="
                    + direction
                    + " step="
                    + step.substring(step.indexOf('_') + 1)
                    + " n="
                    + values.size()
                    + " "
                    + new Percentiles(values).render("step")));
  }

  private static int indexOf(String[] a, String s) {
    for (int i = 0; i < a.length; i++) {
      if (a[i].equals(s)) {
        return i;
      }
    }
    return -1;
  }
}
