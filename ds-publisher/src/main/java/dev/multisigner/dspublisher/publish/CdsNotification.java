package dev.multisigner.dspublisher.publish;

import dev.multisigner.dspublisher.parent.CdsNotifier;
import dev.multisigner.dspublisher.parent.DnsUpdateParent;
import dev.multisigner.dspublisher.parent.ParentException;
import dev.multisigner.schemas.avro.DsPublicationFailed;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * NOTIFY(CDS) to a parent that scans CDS (RFC 9859), for a DS change the coordinator left to the
 * parent's scan: once every signer of the zone serves the requested CDS set (the parent acts only
 * on a set all nameservers agree on, RFC 7344 §4.1), the parent's DSYNC target is told to scan now.
 * Nothing is written to the parent; the parent watcher reports its DS RRset when it changes. The
 * coordinator repeats a request until the parent's DS is the requested set, so the same set is
 * notified again only after {@code notify-repeat}.
 */
@Singleton
@Requires(env = "ds-publisher")
public class CdsNotification {

  private static final Logger LOG = LoggerFactory.getLogger(CdsNotification.class);

  private final SignerCds signerCds;
  private final Clock clock;
  private final Duration cdsWait;
  private final Duration cdsPoll;
  private final Duration repeat;
  private final Map<String, Sent> last = new ConcurrentHashMap<>();

  /** The CDS set last notified for a zone, and when. */
  private record Sent(Set<String> cds, Instant at) {}

  public CdsNotification(
      SignerCds signerCds,
      Clock clock,
      @Value("${multisigner.ds-publisher.notify-cds-wait:30s}") Duration cdsWait,
      @Value("${multisigner.ds-publisher.notify-cds-poll:500ms}") Duration cdsPoll,
      @Value("${multisigner.ds-publisher.notify-repeat:30s}") Duration repeat) {
    this.signerCds = signerCds;
    this.clock = clock;
    this.cdsWait = cdsWait;
    this.cdsPoll = cdsPoll;
    this.repeat = repeat;
  }

  /**
   * Notifies {@code parent} about {@code zone}'s CDS set {@code desired}: null when sent, or when
   * the same set was sent less than {@code notify-repeat} ago; otherwise the failure to report,
   * naming zone, parent and cause.
   */
  DsPublicationFailed notifyParent(String zone, DnsUpdateParent parent, List<DSRecord> desired)
      throws InterruptedException {
    Set<String> want = rdata(desired);
    Sent previous = last.get(zone);
    if (previous != null
        && previous.cds().equals(want)
        && clock.instant().isBefore(previous.at().plus(repeat))) {
      LOG.info(
          "event=notify_cds_skipped zone={} parent={} reason=\"the same CDS set was notified at"
              + " {}\"",
          zone,
          parent.name(),
          previous.at());
      return null;
    }
    String notServed = notServedEverywhere(zone, want);
    if (notServed != null) {
      return failed(
          "zone="
              + zone
              + " parent="
              + parent.name()
              + ": NOTIFY(CDS) not sent: the signers do not all serve the requested CDS set "
              + want
              + " after "
              + cdsWait
              + " ("
              + notServed
              + ")",
          true);
    }
    try {
      CdsNotifier.Sent sent =
          new CdsNotifier(parent).notifyCds(Name.fromConstantString(zone), clock.instant());
      last.put(zone, new Sent(want, clock.instant()));
      LOG.info(
          "event=ds_change_notified zone={} parent={} target={} address={} dsync={} cds={}",
          zone,
          parent.name(),
          sent.target(),
          sent.address(),
          sent.dsyncOwner(),
          want.size());
      return null;
    } catch (ParentException e) {
      return failed(e.getMessage(), e.retryable());
    }
  }

  /** Null once every readable signer serves {@code want} as its CDS set, else who serves what. */
  private String notServedEverywhere(String zone, Set<String> want) throws InterruptedException {
    long deadline = System.nanoTime() + cdsWait.toNanos();
    while (true) {
      String differing;
      try {
        differing =
            signerCds.cdsBySigner(zone).entrySet().stream()
                .filter(e -> !rdata(e.getValue()).equals(want))
                .map(e -> "signer=" + e.getKey() + " serves " + rdata(e.getValue()))
                .collect(Collectors.joining("; "));
      } catch (ChildKsks.Unavailable e) {
        differing = e.getMessage();
      }
      if (differing.isEmpty()) {
        return null;
      }
      if (System.nanoTime() > deadline) {
        return differing;
      }
      Thread.sleep(cdsPoll.toMillis());
    }
  }

  private static DsPublicationFailed failed(String reason, boolean retryable) {
    LOG.warn("event=notify_cds_failed retryable={} reason=\"{}\"", retryable, reason);
    return new DsPublicationFailed(reason, retryable);
  }

  private static Set<String> rdata(List<? extends Record> records) {
    return records.stream()
        .map(Record::rdataToString)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
