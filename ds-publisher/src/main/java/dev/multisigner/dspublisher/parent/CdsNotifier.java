package dev.multisigner.dspublisher.parent;

import dev.multisigner.dnsquery.DSYNCRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Tells a parent that a child's CDS changed (RFC 9859): finds where the parent takes NOTIFY(CDS)
 * from its DSYNC records, validated from the parent's trust anchor (§4.1: first the child-specific
 * name {@code <child labels>._dsync.<parent>}, which a wildcard may answer, then the parent-wide
 * {@code _dsync.<parent>}), and sends the NOTIFY (opcode NOTIFY, question {@code <child> IN CDS},
 * RFC 1996 §3.7) over UDP, repeating an unanswered one with a doubling backoff (RFC 1996 §3.6).
 * Every failure is a {@link ParentException} naming child, parent and cause.
 */
public final class CdsNotifier {

  private static final Logger LOG = LoggerFactory.getLogger(CdsNotifier.class);

  static {
    DSYNCRecord.register();
  }

  /** Where the NOTIFY went, and after how many sends it was answered. */
  public record Sent(Name dsyncOwner, Name target, InetSocketAddress address, int attempts) {}

  /** Waits between attempts (a test may pass a recorder). */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final DnsUpdateParent parent;
  private final Sleeper sleeper;

  public CdsNotifier(DnsUpdateParent parent) {
    this(parent, d -> Thread.sleep(d.toMillis()));
  }

  public CdsNotifier(DnsUpdateParent parent, Sleeper sleeper) {
    this.parent = parent;
    this.sleeper = sleeper;
  }

  /**
   * Discovers the parent's NOTIFY(CDS) target and notifies it about {@code child}.
   *
   * @throws ParentException naming child, parent and cause: no DSYNC for CDS (not retryable), a
   *     DSYNC that does not validate (not retryable), a refusal by the receiver (not retryable), no
   *     answer after every attempt (retryable)
   */
  public Sent notifyCds(Name child, Instant now) throws InterruptedException {
    DSYNCRecord dsync = discover(child, now);
    InetSocketAddress at =
        new InetSocketAddress(address(child, dsync.getTarget(), now), dsync.getPort());
    return send(child, dsync, at);
  }

  /** The first NOTIFY-scheme DSYNC for CDS, child-specific name first (RFC 9859 §4.1). */
  DSYNCRecord discover(Name child, Instant now) {
    List<Name> tried = new ArrayList<>();
    for (Name owner : List.of(childSpecific(child), parentWide())) {
      tried.add(owner);
      Optional<RRset> set = parent.readValidated(owner, DSYNCRecord.TYPE, now);
      if (set.isEmpty()) {
        continue;
      }
      List<DSYNCRecord> forCds =
          set.get().rrs().stream()
              .map(DSYNCRecord::of)
              .filter(d -> d.getRRType() == Type.CDS && d.getScheme() == DSYNCRecord.SCHEME_NOTIFY)
              .toList();
      if (!forCds.isEmpty()) {
        return forCds.get(0);
      }
    }
    throw new ParentException(
        child,
        parent.name(),
        "the parent publishes no DSYNC record for CDS with scheme NOTIFY (asked "
            + tried
            + ", RFC 9859 §4.1): it cannot be notified",
        false);
  }

  /** {@code <child labels below the parent>._dsync.<parent>}. */
  Name childSpecific(Name child) {
    try {
      return Name.concatenate(child.relativize(parent.zone()), parentWide());
    } catch (NameTooLongException e) {
      throw new ParentException(child, parent.name(), "its DSYNC lookup name is too long", false);
    }
  }

  private Name parentWide() {
    return Name.fromConstantString("_dsync." + parent.zone());
  }

  /**
   * The target's address: from the parent's own (validated) A record when the target is in the
   * parent zone, else from the system resolver.
   */
  private InetAddress address(Name child, Name target, Instant now) {
    if (target.subdomain(parent.zone())) {
      Optional<RRset> a = parent.readValidated(target, Type.A, now);
      if (a.isPresent()) {
        return ((ARecord) a.get().first()).getAddress();
      }
    }
    try {
      return InetAddress.getByName(target.toString(true));
    } catch (UnknownHostException e) {
      throw new ParentException(
          child,
          parent.name(),
          "the DSYNC target " + target + " has no address: " + e.getMessage(),
          true);
    }
  }

  private Sent send(Name child, DSYNCRecord dsync, InetSocketAddress at)
      throws InterruptedException {
    ParentConfig config = parent.config();
    int attempts = config.getNotifyAttempts();
    Duration backoff = config.getNotifyBackoff();
    String last = "";
    for (int i = 1; i <= attempts; i++) {
      Message notify = Message.newQuery(Record.newRecord(child, Type.CDS, DClass.IN));
      notify.getHeader().setOpcode(Opcode.NOTIFY);
      notify.getHeader().unsetFlag(Flags.RD);
      notify.getHeader().setFlag(Flags.AA);
      SimpleResolver r = new SimpleResolver(at);
      r.setTimeout(config.getTimeout());
      try {
        Message answer = r.send(notify);
        int rcode = answer.getRcode();
        if (rcode != Rcode.NOERROR) {
          throw new ParentException(
              child,
              parent.name(),
              receiver(dsync, at) + " answered " + Rcode.string(rcode),
              rcode == Rcode.SERVFAIL);
        }
        LOG.info(
            "event=notify_cds_sent zone={} parent={} dsync={} target={} address={} attempts={}",
            child,
            parent.name(),
            dsync.getName(),
            dsync.getTarget(),
            at,
            i);
        return new Sent(dsync.getName(), dsync.getTarget(), at, i);
      } catch (IOException e) {
        last = e.getMessage();
        LOG.info(
            "event=notify_cds_unanswered zone={} parent={} address={} attempt={}/{} reason=\"{}\"",
            child,
            parent.name(),
            at,
            i,
            attempts,
            last);
      }
      if (i < attempts) {
        sleeper.sleep(backoff.multipliedBy(1L << (i - 1)));
      }
    }
    throw new ParentException(
        child,
        parent.name(),
        receiver(dsync, at) + " did not answer " + attempts + " NOTIFYs: " + last,
        true);
  }

  private static String receiver(DSYNCRecord dsync, InetSocketAddress at) {
    return "the NOTIFY(CDS) receiver " + dsync.getTarget() + " (" + at + ")";
  }
}
