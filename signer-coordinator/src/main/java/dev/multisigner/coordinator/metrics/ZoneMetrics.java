package dev.multisigner.coordinator.metrics;

import dev.multisigner.coordinator.api.LocalZoneStates;
import dev.multisigner.coordinator.api.ZoneViews;
import dev.multisigner.domain.codec.ZoneStateCodec;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.decide.ZoneStatus;
import dev.multisigner.domain.group.KeyRecord;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zone gauges from a scan of this instance's zone-state store every {@code
 * multisigner.metrics.scan-interval} (default 5 s): how many zones are in each process and step,
 * halted by cause, waiting on the parent's DS; per signer the age of its oldest last observation;
 * the longest any zone has been in each process step; the parent's DS and NS lag (the oldest
 * outstanding change's wait; completed changes are timed per decision by {@link ParentChanges});
 * and the key sync latency (a ZSK's first sighting at its owner until every other member serves it,
 * measured at the scan that first sees it everywhere, so up to one interval late). Labels are
 * bounded (process, step, cause, signer): never a zone name.
 *
 * <p>A scan reads the store once ({@link LocalZoneStates}) and decodes only the zones whose bytes
 * changed since the last scan: most do not change in an interval, and paging, decoding and viewing
 * every zone at every scan took 33 s of CPU in 12 minutes at 10,000 zones (the stream thread took
 * 49 s). Per zone it keeps a fingerprint of the bytes and the few facts the gauges read ({@link
 * Facts}: steps and their start, halt cause, the parent requests' first asking, each signer's last
 * observation), not the zone's state or view, so memory stays small at 100,000 zones; ages are
 * taken from those facts at every scan, so they are as exact as a fresh decode. A zone gone from
 * the store (deleted, or its partition moved to another instance) is dropped with what was kept of
 * it. A state that cannot be decoded is logged once (its zone and the cause) and counted under
 * process {@code unreadable}; the other zones' gauges go on.
 */
@Context
@Requires(env = "signer-coordinator")
public class ZoneMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(ZoneMetrics.class);
  private static final Tags STEADY = Tags.of("process", "steady", "step", "steady");
  private static final long[] NONE = {};

  /**
   * A zone whose stored state cannot be decoded: counted in {@code multisigner.zones} under process
   * {@code unreadable}, so one bad state shows instead of stopping every zone's gauges.
   */
  private static final Facts UNREADABLE =
      new Facts(
          List.of(new Step(Tags.of("process", "unreadable", "step", "state"), null)),
          null,
          false,
          null,
          null,
          List.of());

  private final LocalZoneStates states;
  private final MeterRegistry registry;
  private final Clock clock;
  private final GaugeRows zones;
  private final GaugeRows halted;
  private final GaugeRows observationAge;
  private final GaugeRows dsPending;
  private final GaugeRows stepAge;
  private final ParentChangeLag dsLag;
  private final ParentChangeLag nsLag;

  /** What the last scan kept of each zone, by zone name; replaced by each complete scan. */
  private Map<String, Zone> seen = new HashMap<>();

  /** One instance per label set (process step, cause, signer): zones share them. */
  private final Map<Tags, Tags> labels = new HashMap<>();

  /** A number per signer id, for the compact key ids of {@link Zone#synced}. */
  private final Map<String, Integer> signers = new HashMap<>();

  private boolean first = true;
  private long decodes;

  public ZoneMetrics(
      LocalZoneStates states, MeterRegistry registry, Clock clock, ParentChanges parentChanges) {
    this.states = states;
    this.registry = registry;
    this.clock = clock;
    this.zones =
        GaugeRows.of(
            registry,
            "multisigner.zones",
            "Zones per process and step (steady: nothing under way)",
            null);
    this.halted = GaugeRows.of(registry, "multisigner.zones.halted", "Halted zones by cause", null);
    this.observationAge =
        GaugeRows.of(
            registry,
            "multisigner.observation.age",
            "Per signer, the age of its oldest last observation over its zones",
            "seconds");
    this.dsPending =
        GaugeRows.of(
            registry,
            "multisigner.parent.ds.pending",
            "Zones whose DS change is asked of the parent, not yet observed there",
            null);
    this.stepAge =
        GaugeRows.of(
            registry,
            "multisigner.step.age.max",
            "Per process and step, the longest any zone has been in it",
            "seconds");
    this.dsLag = parentChanges.ds();
    this.nsLag = parentChanges.ns();
  }

  /**
   * What one zone's bytes said at the last scan that decoded them. {@code length} and {@code hash}
   * fingerprint the bytes: equal bytes decode to the same state, so a zone whose fingerprint did
   * not change keeps its facts. Two different states with the same length and 64-bit hash would
   * leave the zone's facts stale until its bytes change again (a wrong gauge row for a scan or so;
   * the chance is about 2^-64 per change). {@code facts}: null for a zone retired or never
   * enrolled, which the gauges do not count. {@code synced}: its keys already seen at every member
   * ({@link #keyId}), of the keys still in its state.
   */
  private record Zone(int length, long hash, Facts facts, long[] synced) {}

  /**
   * The facts of a zone under management that the gauges read, derived from its {@link
   * ZoneViews#details} when its bytes change: the process steps under way with their start (empty:
   * steady), the halt cause (null: not halted), whether a DS change is asked of the parent, when
   * the parent's DS and NS changes were first asked, and each signer's last observation.
   */
  private record Facts(
      List<Step> steps,
      Tags haltCause,
      boolean dsPending,
      Instant dsIssuedAt,
      Instant nsIssuedAt,
      List<Observed> observed) {}

  private record Step(Tags step, Instant since) {}

  private record Observed(Tags signer, Instant at) {}

  @Scheduled(fixedDelay = "${multisigner.metrics.scan-interval:5s}", initialDelay = "5s")
  void scan() {
    Map<String, Zone> now = new HashMap<>(Math.max(16, seen.size() * 4 / 3 + 1));
    List<ZoneViews.KeyView> newlySynced = new ArrayList<>();
    try {
      states.forEach(
          (name, bytes) -> now.put(name, zone(name, seen.get(name), bytes, newlySynced)));
    } catch (RuntimeException e) {
      LOG.debug("event=metrics_scan_skipped reason=\"{}\"", e.getMessage());
      return; // the store is not queryable yet (Streams starting or rebalancing): keep the last
    }
    seen = now;
    gauges(clock.instant(), newlySynced);
  }

  /** Zones decoded since this instance started (tests: an unchanged zone is not decoded). */
  long decodes() {
    return decodes;
  }

  /**
   * The zone as its bytes say now: what the last scan kept when they did not change, else decoded
   * anew; keys that reached every member since are added to {@code newlySynced}.
   */
  private Zone zone(String name, Zone last, byte[] bytes, List<ZoneViews.KeyView> newlySynced) {
    long hash = fingerprint(bytes);
    if (last != null && last.length() == bytes.length && last.hash() == hash) {
      return last; // unchanged: same facts, and no key can have reached every member since
    }
    decodes++;
    ZoneState s;
    try {
      s = ZoneStateCodec.decode(bytes);
    } catch (RuntimeException e) {
      // Kept with its fingerprint: not decoded, nor logged, again until its bytes change.
      LOG.warn(
          "event=metrics_zone_unreadable zone={} bytes={} reason=\"{}\"",
          name,
          bytes.length,
          e.getMessage());
      return new Zone(bytes.length, hash, UNREADABLE, last == null ? NONE : last.synced());
    }
    long[] synced = stillKnown(last == null ? NONE : last.synced(), s);
    if (s.status() == ZoneStatus.ABSENT || s.status() == ZoneStatus.RETIRED) {
      return new Zone(bytes.length, hash, null, synced);
    }
    ZoneViews.ZoneDetails z = ZoneViews.details(s);
    return new Zone(bytes.length, hash, facts(z), keySync(z, synced, newlySynced));
  }

  private Facts facts(ZoneViews.ZoneDetails z) {
    List<Step> steps = new ArrayList<>(z.processes().size());
    for (ZoneViews.ProcessView p : z.processes()) {
      steps.add(new Step(label(Tags.of("process", p.process(), "step", stepName(p))), p.since()));
    }
    List<Observed> observed = new ArrayList<>(z.signers().size());
    for (ZoneViews.SignerView signer : z.signers()) {
      if (signer.observedAt() != null) {
        observed.add(new Observed(label(Tags.of("signer", signer.id())), signer.observedAt()));
      }
    }
    return new Facts(
        steps.isEmpty() ? List.of() : List.copyOf(steps),
        z.halted() ? label(Tags.of("cause", z.haltCause())) : null,
        z.pendingDsRequest() != null,
        issuedAt(z.pendingDsRequest()),
        issuedAt(z.pendingNsRequest()),
        observed.isEmpty() ? List.of() : List.copyOf(observed));
  }

  private Tags label(Tags tags) {
    return labels.computeIfAbsent(tags, t -> t);
  }

  /**
   * Sets every gauge from the zones kept, ages against {@code now}. The oldest start of a row is
   * its longest age: an age ({@link #seconds}) only grows as its start gets older.
   */
  private void gauges(Instant now, List<ZoneViews.KeyView> newlySynced) {
    Map<Tags, Integer> byStep = new HashMap<>();
    Map<Tags, Integer> byCause = new HashMap<>();
    Map<Tags, Instant> oldestObservation = new HashMap<>();
    Map<Tags, Instant> oldestInStep = new HashMap<>();
    int pendingDs = 0;
    dsLag.beginScan();
    nsLag.beginScan();
    for (Zone zone : seen.values()) {
      Facts f = zone.facts();
      if (f == null) {
        continue;
      }
      if (f.steps().isEmpty()) {
        byStep.merge(STEADY, 1, Integer::sum);
      }
      for (Step p : f.steps()) {
        byStep.merge(p.step(), 1, Integer::sum);
        if (p.since() != null) {
          oldestInStep.merge(p.step(), p.since(), ZoneMetrics::earlier);
        }
      }
      dsLag.zone(f.dsIssuedAt(), now);
      nsLag.zone(f.nsIssuedAt(), now);
      if (f.haltCause() != null) {
        byCause.merge(f.haltCause(), 1, Integer::sum);
      }
      if (f.dsPending()) {
        pendingDs++;
      }
      for (Observed o : f.observed()) {
        oldestObservation.merge(o.signer(), o.at(), ZoneMetrics::earlier);
      }
    }
    if (!first) {
      newlySynced.forEach(k -> recordKeySync(k, now));
    }
    first = false;
    zones.set(byStep);
    halted.set(byCause);
    observationAge.set(ages(oldestObservation, now));
    dsPending.set(Map.of(Tags.empty(), pendingDs));
    stepAge.set(ages(oldestInStep, now));
    dsLag.endScan();
    nsLag.endScan();
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Map<Tags, Double> ages(Map<Tags, Instant> oldest, Instant now) {
    Map<Tags, Double> out = new HashMap<>();
    oldest.forEach((tags, since) -> out.put(tags, seconds(since, now)));
    return out;
  }

  private static Instant issuedAt(ZoneViews.PendingView p) {
    return p == null ? null : p.issuedAt();
  }

  private static double seconds(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
  }

  /** A step name without key tags (bounded label values). */
  private static String stepName(ZoneViews.ProcessView p) {
    return p.process().equals("key-retirement") ? "withdraw-after-waits" : p.step();
  }

  /**
   * The zone's synced keys after a change of its bytes: {@code synced} plus its ZSKs and CSKs now
   * at every member (each also added to {@code newlySynced}, timed at the end of the scan unless
   * this is the first scan since start: a key already everywhere then synced before, by an unknown
   * time). Evaluated only when the bytes change, since unchanged bytes give the same answer.
   */
  private long[] keySync(
      ZoneViews.ZoneDetails z, long[] synced, List<ZoneViews.KeyView> newlySynced) {
    int members = z.signers().size();
    long[] out = synced;
    for (ZoneViews.KeyView k : z.keys()) {
      if ("KSK".equals(k.role()) || k.retiredSince() != null) {
        continue; // model 2: KSKs stay with their owner; the sync is of ZSKs (and CSKs)
      }
      long id = keyId(k.owner(), k.tag());
      boolean everywhere = k.publishedAt().size() + k.importedAt().size() >= members;
      if (!everywhere || contains(out, id)) {
        continue; // not yet, or already measured (or synced before this process started)
      }
      out = Arrays.copyOf(out, out.length + 1);
      out[out.length - 1] = id;
      newlySynced.add(k);
    }
    return out;
  }

  private void recordKeySync(ZoneViews.KeyView k, Instant now) {
    DistributionSummary.builder("multisigner.key.sync.latency")
        .description("A new key's first sighting at its owner until every other signer serves it")
        .baseUnit("seconds")
        .tag("signer", k.owner())
        .publishPercentileHistogram()
        .register(registry)
        .record(Math.max(0, Duration.between(k.firstSeen(), now).toMillis() / 1000.0));
  }

  /**
   * The ids of {@code synced} whose key is still in the zone's state, so the set stays as small as
   * the zone's keys: a key withdrawn and forgotten is not kept forever.
   */
  private long[] stillKnown(long[] synced, ZoneState s) {
    if (synced.length == 0) {
      return synced;
    }
    long[] known = new long[s.keys().size()];
    int n = 0;
    for (KeyRecord k : s.keys()) {
      known[n++] = keyId(k.owner().value(), k.data().keyTag());
    }
    long[] out = new long[synced.length];
    int kept = 0;
    for (long id : synced) {
      if (contains(known, id)) {
        out[kept++] = id;
      }
    }
    return kept == synced.length ? synced : Arrays.copyOf(out, kept);
  }

  /** A key of a zone by its owner and key tag (the signer's number, then the 16-bit tag). */
  private long keyId(String owner, int tag) {
    long signer = signers.computeIfAbsent(owner, o -> signers.size());
    return signer << 32 | (tag & 0xFFFFFFFFL);
  }

  private static boolean contains(long[] ids, long id) {
    for (long i : ids) {
      if (i == id) {
        return true;
      }
    }
    return false;
  }

  /**
   * A 64-bit fingerprint of the bytes from two independent JDK checksums: CRC-32C (an intrinsic) in
   * the high half, {@link Arrays#hashCode(byte[])} in the low half.
   */
  static long fingerprint(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return crc.getValue() << 32 | (Arrays.hashCode(bytes) & 0xFFFFFFFFL);
  }
}
