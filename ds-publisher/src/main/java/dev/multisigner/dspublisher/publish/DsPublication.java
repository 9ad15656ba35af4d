package dev.multisigner.dspublisher.publish;

import dev.multisigner.dnsquery.DsDigests;
import dev.multisigner.dnsquery.Signatures;
import dev.multisigner.dspublisher.parent.DnsUpdateParent;
import dev.multisigner.dspublisher.parent.DsUpdateBatches;
import dev.multisigner.dspublisher.parent.ParentException;
import dev.multisigner.dspublisher.parent.Parents;
import dev.multisigner.schemas.avro.DsChangeRequested;
import dev.multisigner.schemas.avro.DsData;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.DsPublicationFailed;
import dev.multisigner.schemas.avro.DsRequest;
import dev.multisigner.schemas.avro.NsChangeRequested;
import dev.multisigner.schemas.avro.ParentChannel;
import dev.multisigner.schemas.avro.ParentDsObserved;
import dev.multisigner.schemas.avro.ParentNsObserved;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Brings a parent's DS RRset, or its delegation NS RRset, to the requested set through DNS UPDATE,
 * then reads it back at every verify server until it matches (or the attempts run out), and reports
 * what the parent serves. A request that no configured channel can serve is answered with a
 * non-retryable failure naming zone and cause; an NS change left to the parent's CSYNC scan is
 * logged and not answered (the parent watcher reports the parent's NS when it changes).
 *
 * <p>A DS set is written only when it is not empty and covers at least one KSK the child serves now
 * ({@link ChildKsks}); otherwise the request is refused, non-retryable, with the reason.
 *
 * <p>{@link #submit} is what the Kafka listener calls: it queues the request on the zone's lane
 * ({@link ZoneQueue}, {@code multisigner.ds-publisher.concurrency} zones at once) and returns, so
 * UPDATEs and read-backs, which can take verify-attempts × verify-interval per parent server, never
 * hold the poll loop past {@code max.poll.interval.ms}, and one zone's slow parent or failure
 * delays no other zone. Every failure, expected or not, is answered with {@code
 * DsPublicationFailed}. The offset is committed when the request is queued: a request lost in a
 * crash is asked again by the coordinator after its retry interval (it re-requests until the
 * parent's DS is the desired set), and the parent watcher reports what the parent serves.
 */
@Singleton
@Requires(env = "ds-publisher")
public class DsPublication {

  private static final Logger LOG = LoggerFactory.getLogger(DsPublication.class);

  private final Parents parents;
  private final EventLog log;
  private final Envelopes envelopes;
  private final Clock clock;
  private final int verifyAttempts;
  private final Duration verifyInterval;
  private final ChildKsks childKsks;
  private final CdsNotification notification;
  private final ExecutorService pool;
  private final ZoneQueue lanes;
  private final DsUpdateBatches batches;

  public DsPublication(
      Parents parents,
      EventLog log,
      Envelopes envelopes,
      Clock clock,
      ChildKsks childKsks,
      CdsNotification notification,
      @Value("${multisigner.ds-publisher.verify-attempts:25}") int verifyAttempts,
      @Value("${multisigner.ds-publisher.verify-interval:200ms}") Duration verifyInterval,
      @Value("${multisigner.ds-publisher.concurrency:16}") int concurrency,
      @Value("${multisigner.ds-publisher.update-batch:64}") int updateBatch) {
    this.parents = parents;
    this.log = log;
    this.envelopes = envelopes;
    this.clock = clock;
    this.childKsks = childKsks;
    this.notification = notification;
    this.verifyAttempts = verifyAttempts;
    this.verifyInterval = verifyInterval;
    this.pool = ZoneQueue.daemonPool("ds-publication-", concurrency);
    this.lanes = new ZoneQueue(pool);
    this.batches = new DsUpdateBatches(updateBatch);
  }

  /**
   * Queues the request on its zone's lane and returns at once; the result (or failure) is appended
   * to the DS events when done.
   */
  public CompletableFuture<Void> submit(DsRequest request) {
    String zone = request.getEnvelope().getZone();
    return lanes
        .submit(zone, () -> handle(request))
        .whenComplete(
            (ok, failed) -> {
              if (failed != null) {
                // The answer could not be appended (event log closed or broker gone): the
                // coordinator asks again after its retry interval.
                LOG.warn(
                    "event=ds_answer_lost zone={} request={} reason=\"{}\"",
                    zone,
                    request.getRequestId(),
                    failed.toString());
              }
            });
  }

  @PreDestroy
  void close() {
    pool.shutdownNow();
  }

  /**
   * Handles one request and appends the resulting DS event; empty when the request asks for nothing
   * to be written (a DS change left to the parent's CDS scan, an NS change to its CSYNC scan).
   */
  public Optional<DsEvent> handle(DsRequest request) {
    String zone = request.getEnvelope().getZone();
    Object outcome;
    try {
      outcome =
          request.getRequest() instanceof NsChangeRequested ns
              ? delegate(zone, ns)
              : publish(zone, request.getRequest());
    } catch (RuntimeException e) {
      // Whatever went wrong, the coordinator hears of it and the next request is handled.
      LOG.error(
          "event=ds_request_failed zone={} request={} error={}",
          zone,
          request.getRequestId(),
          e.toString(),
          e);
      outcome =
          new DsPublicationFailed(
              "zone="
                  + zone
                  + ": the request could not be handled: "
                  + e.getClass().getSimpleName()
                  + ": "
                  + e.getMessage(),
              true);
    }
    if (outcome == null) {
      return Optional.empty();
    }
    DsEvent event =
        DsEvent.newBuilder()
            .setEnvelope(envelopes.answering(request.getEnvelope()))
            .setRequestId(request.getRequestId())
            .setEvent(outcome)
            .build();
    log.append(TopicCatalog.DS_EVENTS, zone, event);
    return Optional.of(event);
  }

  private Object publish(String zone, Object request) {
    if (!(request instanceof DsChangeRequested change)) {
      return refused(zone, null, "unknown request type " + request.getClass().getSimpleName());
    }
    Name child = Name.fromConstantString(zone);
    List<ParentChannel> channels = change.getChannels();
    boolean dnsUpdateAllowed = channels.isEmpty() || channels.contains(ParentChannel.DNS_UPDATE);
    Optional<DnsUpdateParent> parent = parents.forChild(child);
    if (!dnsUpdateAllowed && channels.contains(ParentChannel.CDS_SCAN)) {
      // The signers publish the identical CDS/CDNSKEY set (the coordinator's commands); the
      // parent's scanner turns it into DS (RFC 7344, RFC 9975), now if notified (RFC 9859).
      if (parent.isPresent() && parent.get().config().isNotifyCds()) {
        try {
          DsPublicationFailed failed =
              notification.notifyParent(
                  zone, parent.get(), toRecords(child, change.getDesiredDs()));
          if (failed != null) {
            return failed;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new DsPublicationFailed("zone=" + zone + ": interrupted before NOTIFY(CDS)", true);
        }
      }
      return leftToScanner(zone, "ds", change.getDesiredDs().size(), "CDS/CDNSKEY", channels);
    }
    if (!dnsUpdateAllowed || parent.isEmpty()) {
      return noUsableChannel(zone, channels, parent);
    }
    DnsUpdateParent p = parent.get();
    List<DSRecord> desired = toRecords(child, change.getDesiredDs());
    if (desired.isEmpty()) {
      return refused(
          zone,
          p.name(),
          "an empty DS set would make the zone insecure at the parent; refused (remove the DS"
              + " by hand if that is meant)");
    }
    List<DNSKEYRecord> ksks;
    try {
      ksks = childKsks.served(zone);
    } catch (ChildKsks.Unavailable e) {
      LOG.warn("event=child_ksks_unavailable zone={} reason=\"{}\"", zone, e.getMessage());
      return new DsPublicationFailed(e.getMessage() + "; nothing written", true);
    }
    if (ksks.stream().noneMatch(k -> DsDigests.coversAny(desired, k))) {
      return refused(
          zone,
          p.name(),
          "the DS set "
              + tags(desired)
              + " covers no KSK the child serves "
              + Signatures.tags(ksks)
              + "; writing it would break the chain of trust");
    }
    try {
      long t0 = System.nanoTime();
      batches.replaceDs(p, child, desired);
      // Every nameserver of the parent must serve the new set (validated), not just the primary
      // the UPDATE went to: a resolver may ask any of them.
      DnsUpdateParent.Observed observed = null;
      long ttl = 0;
      boolean matches = true;
      boolean validated = true;
      for (InetSocketAddress server : p.verifyServers()) {
        DnsUpdateParent.Observed seen =
            readUntil(
                () -> p.readDs(child, clock.instant(), server), o -> matches(o.ds(), desired));
        boolean serverMatches = matches(seen.ds(), desired);
        LOG.info(
            "event=parent_ds_observed zone={} parent={} server={} ds={} matches={} validated={}"
                + " note=\"{}\" took_ms={}",
            zone,
            p.zone(),
            server,
            seen.ds().size(),
            serverMatches,
            seen.validated(),
            seen.validationNote(),
            (System.nanoTime() - t0) / 1_000_000);
        if (observed == null || !serverMatches) {
          observed = seen; // what a lagging server serves is what a resolver may get
        }
        matches &= serverMatches;
        validated &= seen.validated();
        ttl = Math.max(ttl, seen.ttl());
      }
      return new ParentDsObserved(toData(observed.ds()), matches, validated, ttl(ttl));
    } catch (ParentException e) {
      return failed(zone, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new DsPublicationFailed("zone=" + zone + ": interrupted while verifying", true);
    }
  }

  /**
   * A change the parent makes itself from what the signers publish: nothing written here, nothing
   * answered (the parent watcher reports the parent's set when it changes).
   */
  private static Object leftToScanner(
      String zone, String what, Object wanted, String scanned, List<ParentChannel> channels) {
    LOG.info(
        "event={}_change_left_to_scan zone={} {}={} channels={} note=\"the parent scans the"
            + " signers' {}; nothing written, the parent watcher reports its {} when it changes\"",
        what,
        zone,
        what,
        wanted,
        channels,
        scanned,
        what.toUpperCase(java.util.Locale.ROOT));
    return null;
  }

  /**
   * An NS (delegation) change. With DNS_UPDATE allowed (or no channel named): replace the parent's
   * NS RRset by UPDATE and report it once every verify server serves exactly the requested set.
   * With CSYNC_SCAN and no DNS_UPDATE: the parent scans the signers' CSYNC itself, so nothing is
   * written and nothing reported here (the ParentWatcher reports the parent's NS when it changes).
   */
  private Object delegate(String zone, NsChangeRequested change) {
    List<ParentChannel> channels = change.getChannels();
    boolean dnsUpdateAllowed = channels.isEmpty() || channels.contains(ParentChannel.DNS_UPDATE);
    if (!dnsUpdateAllowed && channels.contains(ParentChannel.CSYNC_SCAN)) {
      return leftToScanner(zone, "ns", change.getNameservers(), "CSYNC", channels);
    }
    Name child = Name.fromConstantString(zone);
    Optional<DnsUpdateParent> parent = parents.forChild(child);
    if (!dnsUpdateAllowed || parent.isEmpty()) {
      return noUsableChannel(zone, channels, parent);
    }
    DnsUpdateParent p = parent.get();
    List<Name> desired = new ArrayList<>();
    for (String host : change.getNameservers()) {
      Name ns;
      try {
        ns = Name.fromString(host, Name.root).canonicalize();
      } catch (TextParseException e) {
        return refused(zone, p.name(), "'" + host + "' is not a host name");
      }
      if (ns.subdomain(child)) {
        return refused(
            zone,
            p.name(),
            "nameserver "
                + ns
                + " is inside the zone and needs glue at the parent, which the ds-publisher does"
                + " not write; name hosts outside the zone");
      }
      desired.add(ns);
    }
    if (desired.isEmpty()) {
      return refused(zone, p.name(), "an empty NS set cannot delegate the zone");
    }
    List<String> want = desired.stream().map(Name::toString).distinct().sorted().toList();
    try {
      long t0 = System.nanoTime();
      p.replaceNs(child, desired);
      long ttl = 0;
      for (InetSocketAddress server : p.verifyServers()) {
        // canonical order: the parent may rotate the RRset between answers (BIND does)
        DnsUpdateParent.Delegation d =
            readUntil(() -> p.readDelegation(child, server), x -> want.equals(x.names()));
        List<String> seen = d.names();
        LOG.info(
            "event=parent_ns_observed zone={} parent={} server={} ns={} ttl={} matches={}"
                + " took_ms={}",
            zone,
            p.zone(),
            server,
            seen,
            d.ttl(),
            seen.equals(want),
            (System.nanoTime() - t0) / 1_000_000);
        if (!seen.equals(want)) {
          throw new ParentException(
              child, p.name(), server + " serves NS " + seen + ", not the requested " + want, true);
        }
        ttl = Math.max(ttl, d.ttl());
      }
      // the TTL served, not the one configured (ns-ttl): NS-Wait-Time counts on what resolvers get
      return new ParentNsObserved(want, ttl(ttl));
    } catch (ParentException e) {
      return failed(zone, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new DsPublicationFailed("zone=" + zone + ": interrupted while verifying", true);
    }
  }

  /** Reads until {@code done} accepts what is served, at most verify-attempts times. */
  private <T> T readUntil(Supplier<T> read, Predicate<T> done) throws InterruptedException {
    T seen = read.get();
    for (int i = 1; i < verifyAttempts && !done.test(seen); i++) {
      Thread.sleep(verifyInterval.toMillis());
      seen = read.get();
    }
    return seen;
  }

  private DsPublicationFailed noUsableChannel(
      String zone, List<ParentChannel> channels, Optional<DnsUpdateParent> parent) {
    return refused(
        zone,
        null,
        "no usable parent channel; requested "
            + channels
            + ", available: DNS_UPDATE for "
            + (parents.size() == 0 ? "no parent" : parents.size() + " configured parent(s)")
            + (parent.isEmpty() ? " (none encloses the zone)" : ""));
  }

  /** A request no retry can serve: reported non-retryable, naming the zone (and the parent). */
  private static DsPublicationFailed refused(String zone, String parent, String why) {
    String reason = "zone=" + zone + (parent == null ? "" : " parent=" + parent) + ": " + why;
    LOG.warn("event=ds_publication_refused zone={} reason=\"{}\"", zone, reason);
    return new DsPublicationFailed(reason, false);
  }

  private static DsPublicationFailed failed(String zone, ParentException e) {
    LOG.warn(
        "event=ds_publication_failed zone={} retryable={} reason=\"{}\"",
        zone,
        e.retryable(),
        e.getMessage());
    return new DsPublicationFailed(e.getMessage(), e.retryable());
  }

  private static String tags(List<DSRecord> ds) {
    return ds.stream()
        .map(d -> d.getFootprint() + "/" + d.getAlgorithm() + "/" + d.getDigestID())
        .sorted()
        .toList()
        .toString();
  }

  private static boolean matches(List<DSRecord> served, List<DSRecord> desired) {
    return rdata(served).equals(rdata(desired));
  }

  private static Set<String> rdata(List<DSRecord> records) {
    Set<String> out = new HashSet<>();
    records.forEach(r -> out.add(r.rdataToString()));
    return out;
  }

  static List<DSRecord> toRecords(Name child, List<DsData> data) {
    List<DSRecord> out = new ArrayList<>();
    for (DsData d : data) {
      byte[] digest = new byte[d.getDigest().remaining()];
      d.getDigest().duplicate().get(digest);
      out.add(
          new DSRecord(
              child, DClass.IN, 0, d.getKeyTag(), d.getAlgorithm(), d.getDigestType(), digest));
    }
    return out;
  }

  /** A TTL as the DS events carry it: seconds, capped at 2^31-1 (RFC 2181 §8). */
  static int ttl(long seconds) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, seconds));
  }

  static List<DsData> toData(List<DSRecord> records) {
    return records.stream()
        .map(
            r ->
                new DsData(
                    r.getFootprint(),
                    r.getAlgorithm(),
                    r.getDigestID(),
                    ByteBuffer.wrap(r.getDigest())))
        .toList();
  }
}
