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
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/**
 * Watches the parent of every managed zone: its delegation (NS) and DS RRset, with the TTLs they
 * are served with. Reports each change (a changed TTL too) as an unsolicited DS event, so the
 * coordinator learns the parent's state at enrollment, sees changes nobody requested, and waits out
 * the TTLs the parent really serves.
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
  private final Map<String, String> lastSeen = new ConcurrentHashMap<>();

  public ParentWatcher(
      ZoneDirectory directory, Parents parents, EventLog log, Envelopes envelopes, Clock clock) {
    this.directory = directory;
    this.parents = parents;
    this.log = log;
    this.envelopes = envelopes;
    this.clock = clock;
  }

  @Scheduled(
      fixedDelay = "${multisigner.ds-publisher.watch-interval:10s}",
      initialDelay = "${multisigner.ds-publisher.watch-initial-delay:1s}")
  void watch() {
    for (String zone : directory.zones().keySet()) {
      Name child = Name.fromConstantString(zone);
      Optional<DnsUpdateParent> parent = parents.forChild(child);
      if (parent.isEmpty()) {
        continue;
      }
      try {
        // Canonical order: a parent may rotate an RRset's order between answers (BIND does),
        // which is no change.
        DnsUpdateParent.Delegation ns = parent.get().readDelegation(child);
        report(
            zone,
            "ns",
            ns.names() + " ttl=" + ns.ttl(),
            new ParentNsObserved(ns.names(), DsPublication.ttl(ns.ttl())));
        DnsUpdateParent.Observed ds = parent.get().readDs(child, clock.instant());
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
        // The event log cannot take the record (shutdown or broker gone): retried next tick.
        LOG.warn("event=parent_watch_stopped zone={} reason=\"{}\"", zone, e.getMessage());
        return;
      }
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
