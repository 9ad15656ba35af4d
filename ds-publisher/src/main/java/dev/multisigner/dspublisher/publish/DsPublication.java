package dev.multisigner.dspublisher.publish;

import dev.multisigner.dspublisher.parent.DnsUpdateParent;
import dev.multisigner.dspublisher.parent.ParentException;
import dev.multisigner.dspublisher.parent.Parents;
import dev.multisigner.schemas.avro.DsChangeRequested;
import dev.multisigner.schemas.avro.DsData;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.DsPublicationFailed;
import dev.multisigner.schemas.avro.DsRequest;
import dev.multisigner.schemas.avro.ParentChannel;
import dev.multisigner.schemas.avro.ParentDsObserved;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/**
 * Brings a parent's DS RRset to the requested set through DNS UPDATE, then reads it back until it
 * matches (or the attempts run out), and reports what the parent serves. A request that no
 * configured channel can serve is answered with a non-retryable failure naming zone and cause.
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

  public DsPublication(
      Parents parents,
      EventLog log,
      Envelopes envelopes,
      Clock clock,
      @Value("${multisigner.ds-publisher.verify-attempts:25}") int verifyAttempts,
      @Value("${multisigner.ds-publisher.verify-interval:200ms}") Duration verifyInterval) {
    this.parents = parents;
    this.log = log;
    this.envelopes = envelopes;
    this.clock = clock;
    this.verifyAttempts = verifyAttempts;
    this.verifyInterval = verifyInterval;
  }

  /** Handles one request and appends the resulting DS event. */
  public DsEvent handle(DsRequest request) {
    String zone = request.getEnvelope().getZone();
    Object outcome = publish(zone, request);
    DsEvent event =
        DsEvent.newBuilder()
            .setEnvelope(envelopes.answering(request.getEnvelope()))
            .setRequestId(request.getRequestId())
            .setEvent(outcome)
            .build();
    log.append(TopicCatalog.DS_EVENTS, zone, event);
    return event;
  }

  private Object publish(String zone, DsRequest request) {
    if (!(request.getRequest() instanceof DsChangeRequested change)) {
      String reason =
          "zone=" + zone + ": parent NS (delegation) changes are not built yet in the ds-publisher";
      LOG.warn("event=ds_publication_refused zone={} reason=\"{}\"", zone, reason);
      return new DsPublicationFailed(reason, false);
    }
    Name child = Name.fromConstantString(zone);
    List<ParentChannel> channels = change.getChannels();
    boolean dnsUpdateAllowed = channels.isEmpty() || channels.contains(ParentChannel.DNS_UPDATE);
    Optional<DnsUpdateParent> parent = parents.forChild(child);
    if (!dnsUpdateAllowed || parent.isEmpty()) {
      String reason =
          "zone="
              + zone
              + ": no usable parent channel; requested "
              + channels
              + ", available: DNS_UPDATE for "
              + (parents.size() == 0 ? "no parent" : parents.size() + " configured parent(s)")
              + (parent.isEmpty() ? " (none encloses the zone)" : "");
      LOG.warn("event=ds_publication_refused zone={} reason=\"{}\"", zone, reason);
      return new DsPublicationFailed(reason, false);
    }
    DnsUpdateParent p = parent.get();
    List<DSRecord> desired = toRecords(child, change.getDesiredDs());
    try {
      long t0 = System.nanoTime();
      p.replaceDs(child, desired);
      // Every nameserver of the parent must serve the new set (validated), not just the primary
      // the UPDATE went to: a resolver may ask any of them.
      DnsUpdateParent.Observed observed = null;
      boolean matches = true;
      boolean validated = true;
      for (InetSocketAddress server : p.verifyServers()) {
        DnsUpdateParent.Observed seen = p.readDs(child, clock.instant(), server);
        for (int i = 1; i < verifyAttempts && !matches(seen.ds(), desired); i++) {
          Thread.sleep(verifyInterval.toMillis());
          seen = p.readDs(child, clock.instant(), server);
        }
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
      }
      return new ParentDsObserved(toData(observed.ds()), matches, validated);
    } catch (ParentException e) {
      LOG.warn(
          "event=ds_publication_failed zone={} retryable={} reason=\"{}\"",
          zone,
          e.retryable(),
          e.getMessage());
      return new DsPublicationFailed(e.getMessage(), e.retryable());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new DsPublicationFailed("zone=" + zone + ": interrupted while verifying", true);
    }
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
