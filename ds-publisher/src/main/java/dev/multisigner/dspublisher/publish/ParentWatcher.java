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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 *
 * <p>Not every zone is read every pass. A pass reads a zone whose DS or NS it has not reported yet,
 * a zone in motion, and a settled zone last read {@code
 * multisigner.ds-publisher.watch-settled-interval} ago (60 s by default). A zone is in motion while
 * a DS or NS request for it that reached the ds-publisher ({@link #expectChange}) has not shown at
 * the parent yet, for at most {@code multisigner.ds-publisher.watch-busy-for} (10 min), and for
 * {@code watch-busy-for} after the watcher saw its parent change without a request (a parent's CDS
 * or CSYNC scan, an operator): more changes tend to follow those. A requested change, once seen,
 * ends the motion it started: this publisher's own writes are read back and verified by {@link
 * DsPublication} anyway, and the coordinator asks again for the next step of a process. So the
 * reads follow the zones in motion, not the number of zones managed, and a change nobody requested
 * is still seen within the settled interval. With 10,000 zones and a one-second pass every zone was
 * read every few seconds, most of them unchanged for hours; then, with every zone kept in motion
 * for 10 minutes after its request, every pass of a large enrollment still read almost every zone.
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
  private final Map<String, Instant> lastRead = new ConcurrentHashMap<>();
  private final Map<String, Instant> busyUntil = new ConcurrentHashMap<>();

  /** Requested changes not seen at the parent yet ("zone|ds", "zone|ns"), each until when. */
  private final Map<String, Instant> awaiting = new ConcurrentHashMap<>();

  private final Duration settledInterval;
  private final Duration busyFor;

  public ParentWatcher(
      ZoneDirectory directory,
      Parents parents,
      EventLog log,
      Envelopes envelopes,
      Clock clock,
      @Value("${multisigner.ds-publisher.watch-concurrency:8}") int concurrency,
      @Value("${multisigner.ds-publisher.watch-settled-interval:60s}") Duration settledInterval,
      @Value("${multisigner.ds-publisher.watch-busy-for:10m}") Duration busyFor) {
    if (settledInterval.isNegative() || busyFor.isNegative()) {
      throw new IllegalArgumentException(
          "multisigner.ds-publisher.watch-settled-interval and watch-busy-for must not be"
              + " negative, got "
              + settledInterval
              + " and "
              + busyFor);
    }
    this.settledInterval = settledInterval;
    this.busyFor = busyFor;
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

  /** What a request asks the parent to change. */
  public enum Watched {
    DS("ds"),
    NS("ns");

    private final String key;

    Watched(String key) {
      this.key = key;
    }
  }

  /**
   * The parent's {@code what} of {@code zone} is about to change (a request for it reached the
   * ds-publisher): read the zone on the next pass and every pass until the watcher sees that
   * change, for at most {@code watch-busy-for}.
   */
  public void expectChange(String zone, Watched what) {
    awaiting.put(zone + "|" + what.key, clock.instant().plus(busyFor));
    lastRead.remove(zone);
  }

  /**
   * One pass over the managed zones due for a read (see the class comment); returns when every zone
   * of the pass has been read.
   */
  @Scheduled(
      fixedDelay = "${multisigner.ds-publisher.watch-interval:10s}",
      initialDelay = "${multisigner.ds-publisher.watch-initial-delay:1s}")
  void watch() {
    Set<String> managed = directory.zoneNames();
    lastRead.keySet().retainAll(managed);
    busyUntil.keySet().retainAll(managed);
    awaiting.keySet().removeIf(k -> !managed.contains(k.substring(0, k.lastIndexOf('|'))));
    Instant start = clock.instant();
    List<String> zones = new ArrayList<>();
    for (String zone : managed) {
      if (due(zone, start)) {
        zones.add(zone);
      }
    }
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

  private boolean due(String zone, Instant now) {
    if (!lastSeen.containsKey(zone + "|ds") || !lastSeen.containsKey(zone + "|ns")) {
      return true;
    }
    // not short-circuited: each call also forgets an expectation that has run out
    if (until(awaiting, zone + "|ds", now) | until(awaiting, zone + "|ns", now)
        || until(busyUntil, zone, now)) {
      return true;
    }
    Instant read = lastRead.get(zone);
    return read == null || !now.isBefore(read.plus(settledInterval));
  }

  /** Whether {@code key} is held until after {@code now}; forgets it once that has passed. */
  private static boolean until(Map<String, Instant> held, String key, Instant now) {
    Instant until = held.get(key);
    if (until == null) {
      return false;
    }
    if (now.isBefore(until)) {
      return true;
    }
    held.remove(key, until);
    return false;
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
      lastRead.put(zone, now);
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
    String before = lastSeen.put(key, fingerprint);
    if (before != null && awaiting.remove(key) == null) {
      // the parent moved with nobody asking (a scan, an operator): more changes tend to follow
      busyUntil.put(zone, clock.instant().plus(busyFor));
    }
  }
}
