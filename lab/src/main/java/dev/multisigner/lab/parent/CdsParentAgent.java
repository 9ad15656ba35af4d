package dev.multisigner.lab.parent;

import dev.multisigner.dnsquery.DSYNCRecord;
import dev.multisigner.dnsquery.DsDigests;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.LabException;
import dev.multisigner.lab.parent.CdsScanResult.Outcome;
import dev.multisigner.lab.parent.CdsScanResult.Trigger;
import dev.multisigner.lab.parent.ChildServers.Refused;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A registry's CDS parental agent (RFC 7344, RFC 8078) for the lab's BIND parent that acts when
 * notified: it receives NOTIFY(CDS) at the target its DSYNC record names (RFC 9859 §4.3), scans the
 * child's CDS at every nameserver the parent delegates it to, and replaces the child's DS RRset at
 * BIND by DNS UPDATE with the parent's TSIG key when every check passes. Every scan's result names
 * what started it and, when nothing was done, why.
 *
 * <p>A scan asks every delegated nameserver (TCP, DO, at the address the resolver function gives)
 * for SOA, CDS, DNSKEY, then SOA again, and acts only when
 *
 * <ul>
 *   <li>every nameserver answers authoritatively and serves a CDS RRset, the same rdata everywhere
 *       (RFC 7344 §4.1, RFC 9975: all of a child's nameservers agree);
 *   <li>the set holds no delete record (algorithm 0, RFC 8078 §4: taking a zone insecure is not
 *       done by this agent);
 *   <li>for a child the parent holds a DS for: at every nameserver a DNSKEY matching the parent's
 *       DS (validated from the parent's trust anchor) signs the DNSKEY RRset and the CDS RRset (RFC
 *       7344 §4.1: "signed with a key that is represented in both the current DNSKEY and DS
 *       RRsets");
 *   <li>for a child without DS (bootstrap): only with a bootstrap delay configured, the same CDS
 *       set has been served for that long (RFC 8078 §3.3, "accept after delay"), and at every
 *       nameserver the CDS RRset validates with the DNSKEY RRset that the CDS set itself covers
 *       (§3.2's extra checks). The end of the delay is re-checked by itself; RFC 9615's
 *       authenticated bootstrap is not done;
 *   <li>the new DS set covers, at every nameserver, a key that signs that server's DNSKEY RRset
 *       (the DS change must not break the chain, RFC 7344 §4.1);
 *   <li>no server's SOA serial changed during the scan.
 * </ul>
 *
 * <p>CDNSKEY is not consulted: the agent takes CDS. The TSIG secret is never logged.
 */
public final class CdsParentAgent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CdsParentAgent.class);

  private final BindParent parent;
  private final List<Name> children;
  private final Function<Name, Optional<InetSocketAddress>> addresses;
  private final Duration queryTimeout;
  private final Duration bootstrapDelay;
  private final long dsTtl;
  private final Clock clock;
  private final Object scanLock = new Object();
  private final List<CdsScanResult> results = new CopyOnWriteArrayList<>();
  private final List<NotifyReceived> notifies = new CopyOnWriteArrayList<>();
  private final Map<Name, Bootstrap> bootstraps = new ConcurrentHashMap<>();
  private final Set<Name> queued = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService scanner;
  private NotifyListener listener; // guarded by this

  /** When an insecure child's CDS set was first seen unchanged. */
  private record Bootstrap(List<String> cds, Instant since) {}

  /**
   * An agent for {@code children} of {@code parent}; {@code addresses} says where a nameserver host
   * name answers (the lab's signers share 127.0.0.1 and differ by port). {@code bootstrapDelay}
   * null: an insecure child's CDS is never acted on. DS records are written with {@code dsTtl}.
   */
  public CdsParentAgent(
      BindParent parent,
      List<Name> children,
      Function<Name, Optional<InetSocketAddress>> addresses,
      Duration queryTimeout,
      Duration bootstrapDelay,
      long dsTtl,
      Clock clock) {
    this.parent = parent;
    this.children = children.stream().map(Name::canonicalize).toList();
    this.addresses = addresses;
    this.queryTimeout = queryTimeout;
    this.bootstrapDelay = bootstrapDelay;
    this.dsTtl = dsTtl;
    this.clock = clock;
    for (Name c : this.children) {
      if (!c.subdomain(parent.zone()) || c.equals(parent.zone())) {
        throw new IllegalArgumentException(c + " is not a child of the parent " + parent.zone());
      }
    }
    this.scanner =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cds-agent-" + parent.zone());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * An agent for the lab parent's child with a fixed map of nameserver host name to address,
   * bootstrapping an insecure child after {@code bootstrapDelay} (null: never) and writing DS with
   * {@code dsTtl}.
   */
  public static CdsParentAgent forLabChild(
      BindParent parent,
      Map<Name, InetSocketAddress> addresses,
      Duration bootstrapDelay,
      long dsTtl) {
    Map<Name, InetSocketAddress> canonical = new HashMap<>();
    addresses.forEach((name, at) -> canonical.put(name.canonicalize(), at));
    return new CdsParentAgent(
        parent,
        List.of(parent.child()),
        name -> Optional.ofNullable(canonical.get(name.canonicalize())),
        Duration.ofSeconds(3),
        bootstrapDelay,
        dsTtl,
        Clock.systemUTC());
  }

  /**
   * Opens the NOTIFY receiver on a loopback port and publishes the parent-wide DSYNC record {@code
   * _dsync.<parent> DSYNC CDS 1 <port> <target>} at BIND, as a registry announces where it takes
   * NOTIFY(CDS) (RFC 9859 §4.1). {@code target} is a host name the parent serves an address for.
   *
   * @return where NOTIFYs are received
   * @throws IllegalStateException when already listening
   */
  public synchronized InetSocketAddress listen(Name target) {
    if (listener != null) {
      throw new IllegalStateException("the CDS agent for " + parent.zone() + " already listens");
    }
    listener = new NotifyListener("cds-agent-" + parent.zone(), this::onNotify);
    InetSocketAddress at = listener.address();
    parent.putDsync(
        parent.dsyncName(),
        List.of(DSYNCRecord.notify(parent.dsyncName(), 60, Type.CDS, at.getPort(), target)));
    LOG.info(
        "event=cds_agent_listening parent={} zones={} address={} target={}",
        parent.zone(),
        children,
        at,
        target);
    return at;
  }

  /** Where NOTIFYs are received, once {@link #listen} ran. */
  public synchronized Optional<InetSocketAddress> notifyAddress() {
    return Optional.ofNullable(listener).map(NotifyListener::address);
  }

  /** Every NOTIFY received so far, in order. */
  public List<NotifyReceived> notifies() {
    return List.copyOf(notifies);
  }

  /** Every scan's result so far, in order. */
  public List<CdsScanResult> results() {
    return List.copyOf(results);
  }

  /** The results that changed the parent's DS RRset. */
  public List<CdsScanResult> updates() {
    return results.stream().filter(CdsScanResult::changed).toList();
  }

  /** Scans the parent's child once, as a direct call (see {@link #scanOnce(Name)}). */
  public CdsScanResult scanOnce() {
    return scanOnce(children.get(0));
  }

  /**
   * Scans {@code child} once and acts when every check of the class comment passes. Never throws
   * for what the DNS answers; the result says what was done or why nothing was.
   */
  public CdsScanResult scanOnce(Name child) {
    return scan(child.canonicalize(), Trigger.direct());
  }

  private int onNotify(Record question, InetSocketAddress from, int id) {
    Name zone = question.getName().canonicalize();
    int rcode;
    if (question.getType() != Type.CDS) {
      rcode = Rcode.NOTIMP; // this agent takes NOTIFY(CDS) only; CSYNC has its own scanner
    } else if (!children.contains(zone)) {
      rcode = Rcode.REFUSED; // not a child this parent delegates
    } else {
      rcode = Rcode.NOERROR;
    }
    NotifyReceived n =
        new NotifyReceived(zone, question.getType(), from, id, rcode, clock.instant());
    notifies.add(n);
    LOG.info("event=notify_received parent={} {}", parent.zone(), n);
    if (rcode == Rcode.NOERROR && queued.add(zone)) {
      // One queued scan per child: NOTIFYs arriving before it runs are answered by it.
      scanner.execute(
          () -> {
            queued.remove(zone);
            scanSafely(zone, new Trigger(Trigger.Kind.NOTIFY, n));
          });
    }
    return rcode;
  }

  private void scanSafely(Name zone, Trigger trigger) {
    try {
      scan(zone, trigger);
    } catch (RuntimeException e) {
      // keep serving NOTIFYs: one bad scan must not end the agent
      LOG.warn("event=cds_scan_failed parent={} zone={} error=\"{}\"", parent.zone(), zone, e);
    }
  }

  private CdsScanResult scan(Name zone, Trigger trigger) {
    long t0 = System.nanoTime();
    CdsScanResult result;
    synchronized (scanLock) {
      result = checkAndAct(zone, trigger);
    }
    results.add(result);
    LOG.info(
        "event=cds_scan parent={} zone={} trigger=\"{}\" outcome={} ds_before={} ds_after={}"
            + " reason=\"{}\" took_ms={}",
        parent.zone(),
        zone,
        trigger,
        result.outcome(),
        tags(result.dsBefore()),
        tags(result.dsAfter()),
        result.reason(),
        (System.nanoTime() - t0) / 1_000_000);
    return result;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (listener != null) {
        listener.close();
        listener = null;
      }
    }
    scanner.shutdownNow();
  }

  // ---- one scan -------------------------------------------------------------------------------

  /** What one nameserver of the child serves. */
  private record View(Name ns, long serialBefore, long serialAfter, RRset cds, RRset dnskeys) {

    String label() {
      return ns.toString();
    }
  }

  private CdsScanResult checkAndAct(Name child, Trigger trigger) {
    List<DSRecord> before;
    try {
      before = parent.ds();
    } catch (LabException e) {
      return result(child, trigger, Outcome.FAILED, List.of(), List.of(), e.getMessage());
    }
    try {
      List<DSRecord> want = checkedDs(child, trigger, before);
      if (rdata(want).equals(rdata(before))) {
        return result(
            child,
            trigger,
            Outcome.IN_SYNC,
            before,
            before,
            "the parent's DS " + tags(before) + " already is the child's CDS set");
      }
      try {
        parent.putDs(want, dsTtl);
      } catch (LabException e) {
        return result(
            child,
            trigger,
            Outcome.FAILED,
            before,
            servedOr(before),
            "the parent did not take the DS RRset " + tags(want) + ": " + e.getMessage());
      }
      bootstraps.remove(child);
      return result(
          child,
          trigger,
          Outcome.UPDATED,
          before,
          servedOr(want),
          "DS replaced: " + tags(before) + " -> " + tags(want) + " (CDS validated at every NS)");
    } catch (Held h) {
      return result(child, trigger, Outcome.HELD, before, before, h.getMessage());
    } catch (Refused e) {
      return result(child, trigger, Outcome.NO_CHANGE, before, before, e.getMessage());
    }
  }

  private CdsScanResult result(
      Name child,
      Trigger trigger,
      Outcome outcome,
      List<DSRecord> before,
      List<DSRecord> after,
      String reason) {
    return new CdsScanResult(child, trigger, outcome, before, after, reason, clock.instant());
  }

  private List<DSRecord> servedOr(List<DSRecord> fallback) {
    try {
      return parent.ds();
    } catch (LabException e) {
      return fallback;
    }
  }

  /** An insecure child's CDS passed every check; it waits out the bootstrap delay. */
  private static final class Held extends Exception {
    Held(String reason) {
      super(reason, null, false, false);
    }
  }

  /** The DS set to write when every check passes (the child's CDS set), else why not. */
  private List<DSRecord> checkedDs(Name child, Trigger trigger, List<DSRecord> served)
      throws Refused, Held {
    List<Name> delegated = parent.ns(child);
    if (delegated.isEmpty()) {
      throw new Refused("the parent " + parent.zone() + " delegates " + child + " to no NS");
    }
    List<View> views = new ArrayList<>();
    for (Name ns : delegated) {
      InetSocketAddress at =
          addresses
              .apply(ns)
              .orElseThrow(() -> new Refused("no address known for the nameserver " + ns));
      views.add(view(child, ns, at));
    }
    List<CDSRecord> cds = consistentCds(views);
    if (cds.stream().anyMatch(r -> r.getAlgorithm() == 0)) {
      throw new Refused(
          "the CDS set holds a delete record (RFC 8078 §4); this agent does not take a zone"
              + " insecure");
    }
    Instant now = clock.instant();
    List<DSRecord> current = ChildServers.validatedDs(parent, child, now, queryTimeout, "CDS");
    for (View v : views) {
      String why = current.isEmpty() ? selfSigned(v, cds, now) : chainBreak(v, current, now);
      if (why != null) {
        throw new Refused("CDS not validated: at " + v.label() + ": " + why);
      }
      why = continuity(v, cds, now);
      if (why != null) {
        throw new Refused(
            "the CDS set " + tags(cds) + " would break the chain at " + v.label() + ": " + why);
      }
      if (v.serialBefore() != v.serialAfter()) {
        throw new Refused(
            "the zone changed at "
                + v.label()
                + " during the scan (SOA serial "
                + v.serialBefore()
                + " -> "
                + v.serialAfter()
                + "); next scan");
      }
    }
    if (current.isEmpty()) {
      bootstrapHold(child, trigger, cds, now);
    }
    List<DSRecord> want = new ArrayList<>();
    for (CDSRecord r : cds) {
      want.add(
          new DSRecord(
              child,
              DClass.IN,
              dsTtl,
              r.getFootprint(),
              r.getAlgorithm(),
              r.getDigestID(),
              r.getDigest()));
    }
    return want;
  }

  /**
   * RFC 8078 §3.3: an insecure child's CDS set is taken once it has been served unchanged for the
   * bootstrap delay; until then the scan is held and the delay's end re-checked.
   */
  private void bootstrapHold(Name child, Trigger trigger, List<CDSRecord> cds, Instant now)
      throws Refused, Held {
    if (bootstrapDelay == null) {
      throw new Refused(
          "the parent holds no DS for "
              + child
              + ": this agent does not bootstrap an insecure child (RFC 8078 §3 needs a bootstrap"
              + " policy; RFC 9615 authenticated bootstrapping is out of scope)");
    }
    List<String> fingerprint = rdata(cds);
    Bootstrap b = bootstraps.get(child);
    if (b == null || !b.cds().equals(fingerprint)) {
      b = new Bootstrap(fingerprint, now);
      bootstraps.put(child, b);
    }
    Instant from = b.since().plus(bootstrapDelay);
    if (now.isBefore(from)) {
      NotifyReceived n = trigger.cause();
      long delayMs = Duration.between(now, from).toMillis() + 1;
      scanner.schedule(
          () -> scanSafely(child, new Trigger(Trigger.Kind.BOOTSTRAP_RECHECK, n)),
          delayMs,
          TimeUnit.MILLISECONDS);
      throw new Held(
          "insecure child: CDS "
              + tags(cds)
              + " served since "
              + b.since()
              + ", taken after "
              + bootstrapDelay
              + " unchanged (RFC 8078 §3.3) at "
              + from
              + "; re-check scheduled");
    }
  }

  private View view(Name child, Name ns, InetSocketAddress at) throws Refused {
    RRset soa1 = ChildServers.rrset(child, Type.SOA, ns, at, queryTimeout);
    RRset cds = ChildServers.rrset(child, Type.CDS, ns, at, queryTimeout);
    RRset dnskeys = ChildServers.rrset(child, Type.DNSKEY, ns, at, queryTimeout);
    RRset soa2 = ChildServers.rrset(child, Type.SOA, ns, at, queryTimeout);
    if (soa1 == null || soa2 == null) {
      throw new Refused(ns + " (" + at + ") serves no SOA for " + child);
    }
    return new View(ns, serial(soa1), serial(soa2), cds, dnskeys);
  }

  /** The identical CDS set every view serves, else why not. */
  private static List<CDSRecord> consistentCds(List<View> views) throws Refused {
    List<String> without = views.stream().filter(v -> v.cds() == null).map(View::label).toList();
    if (without.size() == views.size()) {
      throw new Refused("no nameserver serves a CDS (asked " + String.join(", ", without) + ")");
    }
    if (!without.isEmpty()) {
      throw new Refused(String.join(", ", without) + " serves no CDS");
    }
    View first = views.get(0);
    List<CDSRecord> expected = ChildServers.records(first.cds(), CDSRecord.class);
    for (View v : views) {
      List<CDSRecord> served = ChildServers.records(v.cds(), CDSRecord.class);
      if (!rdata(served).equals(rdata(expected))) {
        throw new Refused(
            "CDS differs between "
                + first.label()
                + " "
                + tags(expected)
                + " and "
                + v.label()
                + " "
                + tags(served)
                + " (RFC 7344 §4.1: every nameserver must serve the same set)");
      }
    }
    return expected;
  }

  // ---- DNSSEC ---------------------------------------------------------------------------------

  /**
   * A secure child (RFC 7344 §4.1): null when a key the parent's DS covers signs the view's DNSKEY
   * RRset and its CDS RRset, else where the chain breaks.
   */
  private static String chainBreak(View v, List<DSRecord> ds, Instant now) {
    if (v.dnskeys() == null) {
      return "no DNSKEY RRset";
    }
    List<DNSKEYRecord> keys = ChildServers.records(v.dnskeys(), DNSKEYRecord.class);
    List<DNSKEYRecord> anchors = keys.stream().filter(k -> DsDigests.coversAny(ds, k)).toList();
    if (anchors.isEmpty()) {
      return "no DNSKEY matches the parent's DS "
          + tags(ds)
          + " (keys served: "
          + keys.stream().map(DNSKEYRecord::getFootprint).sorted().toList()
          + ")";
    }
    String why = ChildServers.unverified(v.dnskeys(), anchors, now);
    if (why != null) {
      return "DNSKEY RRset: " + why;
    }
    why = ChildServers.unverified(v.cds(), anchors, now);
    return why == null
        ? null
        : "CDS RRset not signed by a key the parent's DS covers (RFC 7344 §4.1): " + why;
  }

  /**
   * An insecure child (RFC 8078 §3.2's extra checks): null when the DNSKEY RRset is signed by a key
   * the CDS set covers and the CDS RRset validates with that RRset's keys, else why not.
   */
  private static String selfSigned(View v, List<CDSRecord> cds, Instant now) {
    if (v.dnskeys() == null) {
      return "no DNSKEY RRset";
    }
    List<DNSKEYRecord> keys = ChildServers.records(v.dnskeys(), DNSKEYRecord.class);
    List<DNSKEYRecord> covered = covered(keys, cds);
    String why = covered.isEmpty() ? "no DNSKEY matches the CDS set " + tags(cds) : null;
    if (why == null) {
      why = ChildServers.unverified(v.dnskeys(), covered, now);
    }
    if (why == null) {
      why = ChildServers.unverified(v.cds(), covered, now);
    }
    return why;
  }

  /** Null when the CDS set covers a key that signs the view's DNSKEY RRset, else why not. */
  private static String continuity(View v, List<CDSRecord> cds, Instant now) {
    if (v.dnskeys() == null) {
      return "no DNSKEY RRset";
    }
    List<DNSKEYRecord> keys = ChildServers.records(v.dnskeys(), DNSKEYRecord.class);
    for (DNSKEYRecord k : covered(keys, cds)) {
      if (ChildServers.unverified(v.dnskeys(), List.of(k), now) == null) {
        return null;
      }
    }
    return "it covers no key that signs the DNSKEY RRset (keys served: "
        + keys.stream().map(DNSKEYRecord::getFootprint).sorted().toList()
        + ")";
  }

  private static List<DNSKEYRecord> covered(List<DNSKEYRecord> keys, List<CDSRecord> cds) {
    List<DSRecord> asDs = List.copyOf(cds);
    return keys.stream().filter(k -> DsDigests.coversAny(asDs, k)).toList();
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static long serial(RRset soa) {
    return ((org.xbill.DNS.SOARecord) soa.first()).getSerial();
  }

  private static List<String> rdata(List<? extends DSRecord> records) {
    return records.stream().map(Record::rdataToString).distinct().sorted().toList();
  }

  /** Key tag/algorithm/digest type of each record, sorted: what a person compares. */
  static List<String> tags(List<? extends DSRecord> records) {
    return records.stream()
        .map(d -> d.getFootprint() + "/" + d.getAlgorithm() + "/" + d.getDigestID())
        .distinct()
        .sorted()
        .toList();
  }

  @Override
  public String toString() {
    return "CdsParentAgent[parent=" + parent.zone() + ", zones=" + children + "]";
  }
}
