package dev.multisigner.dspublisher.publish;

import dev.multisigner.dspublisher.parent.DnsUpdateParent;
import dev.multisigner.dspublisher.parent.ParentException;
import dev.multisigner.dspublisher.parent.Parents;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.ParentDsObserved;
import dev.multisigner.schemas.avro.ParentNsObserved;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import dev.multisigner.support.zones.ZoneDirectory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/**
 * Watches the parent of every managed zone: its delegation (NS) and DS RRset, with the TTLs they
 * are served with. Reports each change (a changed TTL too) as an unsolicited DS event, so the
 * coordinator learns the parent's state at enrollment, sees changes nobody requested, and waits out
 * the TTLs the parent really serves.
 *
 * <p>A pass reads {@code multisigner.ds-publisher.watch-concurrency} zones at once, the zones it
 * has reported nothing for yet first (the coordinator plans no DS or NS for a zone before its
 * parent is observed), and reads and validates each parent's DNSKEY RRset once per pass, not once
 * per zone: every DS answer of the pass is validated with that copy, as a resolver validates with
 * its cached one. A pass over 2,000 zones used to take about 11 minutes on a loaded 2-core machine,
 * one zone at a time with three reads each, so a zone's first DS waited that long.
 */
@Singleton
@Requires(env = "ds-publisher")
public class ParentWatcher {

  private static final Logger LOG = LoggerFactory.getLogger(ParentWatcher.class);

  private final ZoneDirectory directory;
  private final Parents parents;
  private final EventLog log;
  private final Envelopes envelopes;
  private final Clock clock;
  private final ExecutorService pool;
  private final Map<String, String> lastSeen = new ConcurrentHashMap<>();

  public ParentWatcher(
      ZoneDirectory directory,
      Parents parents,
      EventLog log,
      Envelopes envelopes,
      Clock clock,
      @Value("${multisigner.ds-publisher.watch-concurrency:8}") int concurrency) {
    this.directory = directory;
    this.parents = parents;
    this.log = log;
    this.envelopes = envelopes;
    this.clock = clock;
    this.pool = ZoneQueue.daemonPool("parent-watch-", concurrency);
  }

  @PreDestroy
  void close() {
    pool.shutdownNow();
  }

  /** One pass over every managed zone; returns when every zone of the pass has been read. */
  @Scheduled(
      fixedDelay = "${multisigner.ds-publisher.watch-interval:10s}",
      initialDelay = "${multisigner.ds-publisher.watch-initial-delay:1s}")
  void watch() {
    List<String> zones = new ArrayList<>(directory.zones().keySet());
    // never reported first: nothing is planned for a zone before its parent is observed
    zones.sort(Comparator.comparing((String z) -> lastSeen.containsKey(z + "|ds")));
    Map<DnsUpdateParent, DnsUpdateParent.Keys> keys = new ConcurrentHashMap<>();
    AtomicBoolean stopped = new AtomicBoolean();
    List<Future<?>> reads = new ArrayList<>(zones.size());
    try {
      for (String zone : zones) {
        reads.add(pool.submit(() -> watch(zone, keys, stopped)));
      }
      for (Future<?> read : reads) {
        read.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reads.forEach(r -> r.cancel(true));
    } catch (ExecutionException | RejectedExecutionException e) {
      LOG.warn("event=parent_watch_stopped reason=\"{}\"", e.toString());
      reads.forEach(r -> r.cancel(true));
    }
  }

  private void watch(
      String zone, Map<DnsUpdateParent, DnsUpdateParent.Keys> keys, AtomicBoolean stopped) {
    if (stopped.get()) {
      return;
    }
    Name child = Name.fromConstantString(zone);
    Optional<DnsUpdateParent> parent = parents.forChild(child);
    if (parent.isEmpty()) {
      return;
    }
    DnsUpdateParent p = parent.get();
    try {
      // Canonical order: a parent may rotate an RRset's order between answers (BIND does),
      // which is no change.
      DnsUpdateParent.Delegation ns = p.readDelegation(child);
      report(
          zone,
          "ns",
          ns.names() + " ttl=" + ns.ttl(),
          new ParentNsObserved(ns.names(), DsPublication.ttl(ns.ttl())));
      Instant now = clock.instant();
      DnsUpdateParent.Keys parentKeys = keys.computeIfAbsent(p, x -> x.keys(now, x.server()));
      DnsUpdateParent.Observed ds = p.readDs(child, now, p.server(), parentKeys);
      List<DSRecord> sorted =
          ds.ds().stream().sorted(Comparator.comparing(DSRecord::rdataToString)).toList();
      report(
          zone,
          "ds",
          sorted.stream().map(DSRecord::rdataToString).toList()
              + (ds.validated() ? " validated" : " not validated")
              + " ttl="
              + ds.ttl(),
          new ParentDsObserved(
              DsPublication.toData(sorted), false, ds.validated(), DsPublication.ttl(ds.ttl())));
    } catch (ParentException e) {
      LOG.warn("event=parent_watch_failed zone={} reason=\"{}\"", zone, e.getMessage());
    } catch (IllegalStateException e) {
      // The event log cannot take the record (shutdown or broker gone): the rest of the pass is
      // skipped and retried next tick.
      LOG.warn("event=parent_watch_stopped zone={} reason=\"{}\"", zone, e.getMessage());
      stopped.set(true);
    }
  }

  private void report(String zone, String what, String fingerprint, Object event) {
    String key = zone + "|" + what;
    if (fingerprint.equals(lastSeen.get(key))) {
      return;
    }
    LOG.info("event=parent_{}_observed zone={} value={}", what, zone, fingerprint);
    log.append(TopicCatalog.DS_EVENTS, zone, new DsEvent(envelopes.first(zone), null, event));
    // Remembered only once on the log, so a failed append is reported again next time.
    lastSeen.put(key, fingerprint);
  }
}
