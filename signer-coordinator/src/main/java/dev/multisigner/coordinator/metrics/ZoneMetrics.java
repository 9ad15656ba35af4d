package dev.multisigner.coordinator.metrics;

import dev.multisigner.coordinator.api.ZoneStates;
import dev.multisigner.coordinator.api.ZoneViews;
import dev.multisigner.domain.decide.ZoneState;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 */
@Context
@Requires(env = "signer-coordinator")
public class ZoneMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(ZoneMetrics.class);

  private final ZoneStates states;
  private final MeterRegistry registry;
  private final Clock clock;
  private final GaugeRows zones;
  private final GaugeRows halted;
  private final GaugeRows observationAge;
  private final GaugeRows dsPending;
  private final GaugeRows stepAge;
  private final ParentChangeLag dsLag;
  private final ParentChangeLag nsLag;
  private final Set<String> synced = new HashSet<>();
  private boolean first = true;

  public ZoneMetrics(
      ZoneStates states, MeterRegistry registry, Clock clock, ParentChanges parentChanges) {
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

  @Scheduled(fixedDelay = "${multisigner.metrics.scan-interval:5s}", initialDelay = "5s")
  void scan() {
    List<ZoneState> all;
    try {
      all = new ArrayList<>();
      String after = null;
      while (true) {
        List<ZoneState> page = states.list(after, 1000);
        all.addAll(page);
        if (page.size() < 1000) {
          break;
        }
        after = page.get(page.size() - 1).zone().value();
      }
    } catch (RuntimeException e) {
      LOG.debug("event=metrics_scan_skipped reason=\"{}\"", e.getMessage());
      return; // the store is not queryable yet (Streams starting or rebalancing)
    }
    Instant now = clock.instant();
    Map<Tags, Integer> byStep = new HashMap<>();
    Map<Tags, Integer> byCause = new HashMap<>();
    Map<Tags, Double> age = new HashMap<>();
    Map<Tags, Double> inStep = new HashMap<>();
    int pendingDs = 0;
    dsLag.beginScan();
    nsLag.beginScan();
    for (ZoneState s : all) {
      ZoneViews.ZoneDetails z = ZoneViews.details(s);
      if ("RETIRED".equals(z.status())) {
        continue;
      }
      if (z.processes().isEmpty()) {
        byStep.merge(Tags.of("process", "steady", "step", "steady"), 1, Integer::sum);
      }
      for (ZoneViews.ProcessView p : z.processes()) {
        Tags step = Tags.of("process", p.process(), "step", stepName(p));
        byStep.merge(step, 1, Integer::sum);
        if (p.since() != null) {
          inStep.merge(step, seconds(p.since(), now), Math::max);
        }
      }
      dsLag.zone(issuedAt(z.pendingDsRequest()), now);
      nsLag.zone(issuedAt(z.pendingNsRequest()), now);
      if (z.halted()) {
        byCause.merge(Tags.of("cause", z.haltCause()), 1, Integer::sum);
      }
      if (z.pendingDsRequest() != null) {
        pendingDs++;
      }
      for (ZoneViews.SignerView signer : z.signers()) {
        if (signer.observedAt() != null) {
          age.merge(Tags.of("signer", signer.id()), seconds(signer.observedAt(), now), Math::max);
        }
      }
      keySync(z, now);
    }
    first = false;
    zones.set(byStep);
    halted.set(byCause);
    observationAge.set(age);
    dsPending.set(Map.of(Tags.empty(), pendingDs));
    stepAge.set(inStep);
    dsLag.endScan();
    nsLag.endScan();
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

  private void keySync(ZoneViews.ZoneDetails z, Instant now) {
    int members = z.signers().size();
    for (ZoneViews.KeyView k : z.keys()) {
      if ("KSK".equals(k.role()) || k.retiredSince() != null) {
        continue; // model 2: KSKs stay with their owner; the sync is of ZSKs (and CSKs)
      }
      String id = z.zone() + "|" + k.owner() + "|" + k.tag();
      boolean everywhere = k.publishedAt().size() + k.importedAt().size() >= members;
      if (!everywhere || !synced.add(id) || first) {
        continue; // not yet, already measured, or synced before this process started
      }
      DistributionSummary.builder("multisigner.key.sync.latency")
          .description("A new key's first sighting at its owner until every other signer serves it")
          .baseUnit("seconds")
          .tag("signer", k.owner())
          .publishPercentileHistogram()
          .register(registry)
          .record(Math.max(0, Duration.between(k.firstSeen(), now).toMillis() / 1000.0));
    }
  }
}
