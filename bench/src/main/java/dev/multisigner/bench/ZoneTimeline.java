package dev.multisigner.bench;

import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.topics.Topic;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where a zone's time went, from the records the services wrote: after a run, reads the zone
 * events, observations, signer commands and results, DS requests and DS events from the beginning
 * (read_committed) and, per stage label, the first and the last time (the records' {@code
 * occurredAt}) each zone reached it, relative to its enrollment send. Labels: a zone event's type
 * ({@code ev:KeyImportRequested}), {@code obs:<signer>}, {@code cmd:<signer>:<command>}, {@code
 * applied:<signer>:<command>} / {@code failed:<signer>:<command>}, {@code dsreq:<request>} and
 * {@code ds:<event>:<answer|watch>}. Prints one {@code bench=many_zones stage=...} line per label:
 * how many zones reached it and the percentiles of the first and the last time.
 */
final class ZoneTimeline {

  private final Map<String, Map<String, long[]>> byLabel = new TreeMap<>();
  private final Map<String, String> commandKinds = new HashMap<>();
  private final List<ZoneEvent> halts = new ArrayList<>();

  private ZoneTimeline() {}

  /**
   * Reads the topics of the stack at {@code bootstrap} and prints the stage lines, then how many
   * zones had every one of their {@code signersPerZone} signers joined by 2, 5, 10, 15, 20 and 30
   * minutes after the first enrollment: the services' own measure of convergence, which needs no
   * DNS check (at 10,000 zones the bench's DNS check cannot keep up).
   */
  static void print(
      String tag, String bootstrap, Map<String, Long> enrolledAtMs, int signersPerZone) {
    ZoneTimeline t = new ZoneTimeline();
    try {
      t.read(
          bootstrap,
          TopicCatalog.SIGNER_COMMANDS,
          (c, at) ->
              t.commandKinds.put(c.getCommandId(), c.getCommand().getClass().getSimpleName()));
      t.read(
          bootstrap,
          TopicCatalog.SIGNER_COMMANDS,
          (c, at) ->
              t.mark(
                  "cmd:" + c.getSignerId() + ":" + t.commandKinds.get(c.getCommandId()),
                  c.getEnvelope()));
      t.read(
          bootstrap,
          TopicCatalog.SIGNER_RESULTS,
          (r, at) ->
              t.mark(
                  (r.getResult().getClass().getSimpleName().endsWith("Applied")
                          ? "applied:"
                          : "failed:")
                      + r.getSignerId()
                      + ":"
                      + t.commandKinds.getOrDefault(r.getCommandId(), "?"),
                  r.getEnvelope()));
      t.read(
          bootstrap,
          TopicCatalog.ZONE_EVENTS,
          (e, at) -> {
            t.mark("ev:" + e.getType(), e.getEnvelope());
            if (e.getType().equals("ZoneHalted")) {
              t.halts.add(e);
            }
          });
      t.read(
          bootstrap,
          TopicCatalog.SIGNER_OBSERVATIONS,
          (o, at) ->
              t.mark(
                  "obs:" + o.getSignerId() + ":" + o.getObservation().getClass().getSimpleName(),
                  o.getEnvelope()));
      t.read(
          bootstrap,
          TopicCatalog.DS_REQUESTS,
          (r, at) -> t.mark("dsreq:" + r.getRequest().getClass().getSimpleName(), r.getEnvelope()));
      t.read(
          bootstrap,
          TopicCatalog.DS_EVENTS,
          (e, at) ->
              t.mark(
                  "ds:"
                      + e.getEvent().getClass().getSimpleName()
                      + (e.getRequestId() == null ? ":watch" : ":answer"),
                  e.getEnvelope()));
    } catch (RuntimeException e) {
      System.out.println(tag + " timeline_error=\"" + e + "\"");
      return;
    }
    t.printStages(tag, enrolledAtMs);
    t.printUnsafeSigning(tag, enrolledAtMs);
    t.printHalts(tag, enrolledAtMs);
    System.out.println(tag + " " + t.joinedBy(enrolledAtMs, signersPerZone));
  }

  /**
   * One {@code unsafe_signing} line per zone that reported {@code UnsafeSigningObserved}: its first
   * and last time and, for telling a real unsafe step from one the coordinator could not yet rule
   * out, when the coordinator first recorded the parent's NS and DS sets ({@code ParentNsChanged},
   * {@code ParentDsChanged}; -1: never), all from the zone's enrollment send.
   */
  private void printUnsafeSigning(String tag, Map<String, Long> enrolledAtMs) {
    new TreeMap<>(byLabelOrEmpty("ev:UnsafeSigningObserved"))
        .forEach(
            (zone, v) -> {
              Long e = enrolledAtMs.get(zone);
              if (e == null) {
                return;
              }
              System.out.println(
                  tag
                      + " unsafe_signing zone="
                      + zone
                      + " reports="
                      + v[2]
                      + " first_ms="
                      + (v[0] - e)
                      + " last_ms="
                      + (v[1] - e)
                      + " parent_ns_first_ms="
                      + firstSince("ev:ParentNsChanged", zone, e)
                      + " parent_ds_first_ms="
                      + firstSince("ev:ParentDsChanged", zone, e));
            });
  }

  /**
   * One {@code halted} line per {@code ZoneHalted} event: the zone, when from its enrollment send,
   * and the decider's reason (a 10,000-zone run may meet a key-tag collision between one signer's
   * own keys, which halts the zone by design).
   */
  private void printHalts(String tag, Map<String, Long> enrolledAtMs) {
    for (ZoneEvent e : halts) {
      String zone = e.getEnvelope().getZone();
      Long from = enrolledAtMs.get(zone);
      System.out.println(
          tag
              + " halted zone="
              + zone
              + " at_ms="
              + (from == null ? -1 : e.getEnvelope().getOccurredAt().toEpochMilli() - from)
              + " summary=\""
              + e.getSummary()
              + "\"");
    }
  }

  private long firstSince(String label, String zone, long from) {
    long[] v = byLabelOrEmpty(label).get(zone);
    return v == null ? -1 : v[0] - from;
  }

  /**
   * {@code joined_all_zones=N joined_all_by_2min=… …}: the zones with at least {@code signers}
   * {@code SignerJoined} events, counted by the time of their last one after the first enrollment.
   */
  String joinedBy(Map<String, Long> enrolledAtMs, int signers) {
    long t0 = enrolledAtMs.values().stream().mapToLong(Long::longValue).min().orElse(0);
    List<Long> at = new ArrayList<>();
    byLabelOrEmpty("ev:SignerJoined")
        .forEach(
            (zone, v) -> {
              if (enrolledAtMs.containsKey(zone) && v[2] >= signers) {
                at.add(v[1] - t0);
              }
            });
    StringBuilder out = new StringBuilder("joined_all_zones=" + at.size());
    for (int minutes : new int[] {2, 5, 10, 15, 20, 30}) {
      long limit = minutes * 60_000L;
      out.append(" joined_all_by_")
          .append(minutes)
          .append("min=")
          .append(at.stream().filter(x -> x <= limit).count());
    }
    return out.toString();
  }

  private Map<String, long[]> byLabelOrEmpty(String label) {
    return byLabel.getOrDefault(label, Map.of());
  }

  private void printStages(String tag, Map<String, Long> enrolledAtMs) {
    byLabel.forEach(
        (label, zones) -> {
          List<Long> first = new ArrayList<>();
          List<Long> last = new ArrayList<>();
          long count = 0;
          for (Map.Entry<String, long[]> z : zones.entrySet()) {
            Long e = enrolledAtMs.get(z.getKey());
            if (e == null) {
              continue;
            }
            first.add(z.getValue()[0] - e);
            last.add(z.getValue()[1] - e);
            count += z.getValue()[2];
          }
          if (first.isEmpty()) {
            return;
          }
          System.out.println(
              tag
                  + " stage="
                  + label
                  + " zones="
                  + first.size()
                  + " records="
                  + count
                  + " "
                  + new Percentiles(first).render("first")
                  + " "
                  + new Percentiles(last).render("last"));
        });
  }

  private void mark(String label, Envelope envelope) {
    long at = envelope.getOccurredAt().toEpochMilli();
    long[] v =
        byLabel
            .computeIfAbsent(label, l -> new HashMap<>())
            .computeIfAbsent(envelope.getZone(), z -> new long[] {at, at, 0});
    v[0] = Math.min(v[0], at);
    v[1] = Math.max(v[1], at);
    v[2]++;
  }

  private <T extends org.apache.avro.specific.SpecificRecord> void read(
      String bootstrap, Topic<T> topic, BiConsumer<T, Long> use) {
    readAll(bootstrap, topic, use);
  }

  /**
   * Reads {@code topic} from the beginning to its current end (read_committed), giving each record
   * it can decode and the record's timestamp to {@code use}.
   */
  static <T extends org.apache.avro.specific.SpecificRecord> void readAll(
      String bootstrap, Topic<T> topic, BiConsumer<T, Long> use) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "bench-timeline-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5000),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      int idle = 0;
      while (System.nanoTime() < deadline
          && idle < 6
          && parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        var records = consumer.poll(Duration.ofMillis(500));
        idle = records.isEmpty() ? idle + 1 : 0;
        for (ConsumerRecord<String, byte[]> r : records) {
          T value;
          try {
            value = topic.valueSerde().decode(r.value());
          } catch (RuntimeException e) {
            continue; // a record this version cannot read: not part of the timeline
          }
          use.accept(value, r.timestamp());
        }
      }
    }
  }
}
