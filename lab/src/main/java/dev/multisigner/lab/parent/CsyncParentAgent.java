package dev.multisigner.lab.parent;

import dev.multisigner.dnsquery.DsDigests;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.LabException;
import dev.multisigner.lab.parent.ChildServers.Refused;
import dev.multisigner.lab.parent.CsyncScanResult.Outcome;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * A registry's CSYNC parental agent (RFC 7477) for the lab's BIND parent: it scans a child zone's
 * delegated nameservers and, when they all agree, replaces the parent's delegation NS RRset with
 * the child's apex NS RRset by DNS UPDATE with the parent's TSIG key.
 *
 * <p>One scan of a child asks every nameserver the parent delegates it to (at the address the
 * resolver function gives, over TCP with DO) for SOA, CSYNC, NS and DNSKEY, then SOA again, and
 * acts only when
 *
 * <ul>
 *   <li>every nameserver answers authoritatively and serves exactly one CSYNC record, the same
 *       rdata everywhere (consistency across all of a child's nameservers, as for CDS/CDNSKEY);
 *   <li>the immediate flag is set (without it RFC 7477 asks for out-of-band approval) and the type
 *       bit map lists NS and nothing but NS, A, AAAA (§3: all listed types or none);
 *   <li>every nameserver serves the identical apex NS RRset;
 *   <li>at every nameserver the CSYNC and NS RRsets validate: DNSKEY RRset from that server, one of
 *       its keys matching the parent's DS RRset, the DS RRset validated from the parent's trust
 *       anchor (§3: CSYNC needs DNSSEC);
 *   <li>with the soaminimum flag, every server's SOA serial is at least the CSYNC's serial (RFC
 *       1982 arithmetic); and no server's serial changed during the scan (§3);
 *   <li>no NS name is at or below the child (that needs glue, which this agent does not copy).
 * </ul>
 *
 * <p>The TSIG secret is never logged; results and logs name the zone, the nameserver and the cause.
 */
public final class CsyncParentAgent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CsyncParentAgent.class);
  private static final Set<Integer> COPYABLE = Set.of(Type.NS, Type.A, Type.AAAA);

  private final BindParent parent;
  private final List<Name> children;
  private final Function<Name, Optional<InetSocketAddress>> addresses;
  private final Duration queryTimeout;
  private final Clock clock;
  private final Object scanLock = new Object();
  private final Map<Name, CsyncScanResult> lastResults = new ConcurrentHashMap<>();
  private ScheduledExecutorService scanner; // guarded by this

  /**
   * An agent for {@code children} of {@code parent}; {@code addresses} says where a nameserver host
   * name answers (the lab's signers share 127.0.0.1 and differ by port, so host names cannot be
   * resolved the ordinary way).
   */
  public CsyncParentAgent(
      BindParent parent,
      List<Name> children,
      Function<Name, Optional<InetSocketAddress>> addresses,
      Duration queryTimeout,
      Clock clock) {
    this.parent = parent;
    this.children = children.stream().map(Name::canonicalize).toList();
    this.addresses = addresses;
    this.queryTimeout = queryTimeout;
    this.clock = clock;
    for (Name c : this.children) {
      if (!c.subdomain(parent.zone()) || c.equals(parent.zone())) {
        throw new IllegalArgumentException(c + " is not a child of the parent " + parent.zone());
      }
    }
  }

  /**
   * An agent for the lab parent's child, with a fixed map of nameserver host name to address (e.g.
   * {@code ns1.example.test.} and {@code ns.knot-a.test.} to the Knot signer's port).
   */
  public static CsyncParentAgent forLabChild(
      BindParent parent, Map<Name, InetSocketAddress> addresses) {
    Map<Name, InetSocketAddress> canonical = new HashMap<>();
    addresses.forEach((name, at) -> canonical.put(name.canonicalize(), at));
    return new CsyncParentAgent(
        parent,
        List.of(parent.child()),
        name -> Optional.ofNullable(canonical.get(name.canonicalize())),
        Duration.ofSeconds(3),
        Clock.systemUTC());
  }

  /** Scans the parent's child once (see {@link #scanOnce(Name)}). */
  public CsyncScanResult scanOnce() {
    return scanOnce(children.get(0));
  }

  /**
   * Scans {@code child} once: reads the parent's delegation, asks every delegated nameserver, and
   * replaces the delegation when every check of the class comment passes. Never throws for what the
   * DNS answers; the result says what was done or why nothing was.
   */
  public CsyncScanResult scanOnce(Name child) {
    Name zone = child.canonicalize();
    long t0 = System.nanoTime();
    CsyncScanResult result;
    synchronized (scanLock) {
      result = scan(zone);
    }
    lastResults.put(zone, result);
    LOG.info(
        "event=csync_scan parent={} zone={} outcome={} ns_before={} ns_after={} reason=\"{}\""
            + " took_ms={}",
        parent.zone(),
        zone,
        result.outcome(),
        result.parentNsBefore(),
        result.parentNsAfter(),
        result.reason(),
        (System.nanoTime() - t0) / 1_000_000);
    return result;
  }

  /** The result of the last scan of {@code child}, if any. */
  public Optional<CsyncScanResult> lastResult(Name child) {
    return Optional.ofNullable(lastResults.get(child.canonicalize()));
  }

  /**
   * Scans every child now and then every {@code interval} after the previous round ended, on one
   * daemon thread, until {@link #stop()}.
   *
   * @throws IllegalStateException when already started
   */
  public synchronized void start(Duration interval) {
    if (scanner != null) {
      throw new IllegalStateException("the CSYNC agent for " + parent.zone() + " already runs");
    }
    scanner =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "csync-agent-" + parent.zone());
              t.setDaemon(true);
              return t;
            });
    scanner.scheduleWithFixedDelay(
        this::scanAll, 0, Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
    LOG.info(
        "event=csync_agent_started parent={} zones={} interval_ms={}",
        parent.zone(),
        children,
        interval.toMillis());
  }

  /** Stops the background scanner (waits for a running scan up to 10 s); no-op when not started. */
  public synchronized void stop() {
    if (scanner == null) {
      return;
    }
    scanner.shutdown();
    try {
      if (!scanner.awaitTermination(10, TimeUnit.SECONDS)) {
        scanner.shutdownNow();
      }
    } catch (InterruptedException e) {
      scanner.shutdownNow();
      Thread.currentThread().interrupt();
    }
    scanner = null;
    LOG.info("event=csync_agent_stopped parent={}", parent.zone());
  }

  @Override
  public void close() {
    stop();
  }

  private void scanAll() {
    for (Name child : children) {
      try {
        scanOnce(child);
      } catch (RuntimeException e) {
        // keep scanning: one bad round must not end the scanner
        LOG.warn("event=csync_scan_failed parent={} zone={} error=\"{}\"", parent.zone(), child, e);
      }
    }
  }

  // ---- one scan -------------------------------------------------------------------------------

  /** What one nameserver of the child serves. */
  private record View(
      Name ns,
      InetSocketAddress at,
      long serialBefore,
      long serialAfter,
      RRset soa,
      RRset csync,
      RRset apexNs,
      RRset dnskeys) {

    String label() {
      return ns.toString();
    }
  }

  private CsyncScanResult scan(Name child) {
    List<Name> before;
    try {
      before = parent.ns(child);
    } catch (LabException e) {
      return new CsyncScanResult(
          child,
          Outcome.FAILED,
          List.of(),
          List.of(),
          "the parent did not answer: " + e.getMessage());
    }
    try {
      List<Name> want = checkedNs(child, before);
      if (want.equals(before)) {
        return new CsyncScanResult(
            child,
            Outcome.IN_SYNC,
            before,
            before,
            "the parent already delegates to " + want + ", as the child's CSYNC asks");
      }
      try {
        parent.putNs(child, want);
      } catch (LabException e) {
        return new CsyncScanResult(
            child,
            Outcome.FAILED,
            before,
            servedOr(child, before),
            "the parent did not take the NS RRset " + want + ": " + e.getMessage());
      }
      return new CsyncScanResult(
          child,
          Outcome.REPLACED,
          before,
          servedOr(child, want),
          "delegation replaced: " + before + " -> " + want + " (CSYNC validated at every NS)");
    } catch (Refused e) {
      return new CsyncScanResult(child, Outcome.NO_CHANGE, before, before, e.getMessage());
    }
  }

  private List<Name> servedOr(Name child, List<Name> fallback) {
    try {
      return parent.ns(child);
    } catch (LabException e) {
      return fallback;
    }
  }

  /** The child's NS set when every check passes (canonical order), else why not. */
  private List<Name> checkedNs(Name child, List<Name> delegated) throws Refused {
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
    CsyncRdata csync = consistentCsync(views);
    if (!csync.immediate()) {
      throw new Refused(
          "CSYNC ("
              + csync
              + ") has no immediate flag: it waits for out-of-band approval (RFC 7477, immediate flag)");
    }
    if (!csync.covers(Type.NS)) {
      throw new Refused("CSYNC (" + csync + ") does not list NS: nothing for this agent to copy");
    }
    List<Integer> unknown = csync.types().stream().filter(t -> !COPYABLE.contains(t)).toList();
    if (!unknown.isEmpty()) {
      throw new Refused(
          "CSYNC lists "
              + unknown.stream().map(Type::string).toList()
              + ", which this agent cannot copy; RFC 7477 §3: all listed types or none");
    }
    List<Name> want = consistentNs(views);
    validate(child, views, csync);
    for (View v : views) {
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
      if (csync.soaMinimum() && serialBelow(v.serialAfter(), csync.soaSerial())) {
        throw new Refused(
            v.label()
                + " serves SOA serial "
                + v.serialAfter()
                + ", below the CSYNC soaminimum serial "
                + csync.soaSerial());
      }
    }
    for (Name ns : want) {
      if (ns.subdomain(child)) {
        throw new Refused(
            "the child's NS "
                + ns
                + " is inside "
                + child
                + " and needs glue, which this agent does not copy");
      }
    }
    return want;
  }

  private View view(Name child, Name ns, InetSocketAddress at) throws Refused {
    RRset soa1 = rrset(child, Type.SOA, ns, at);
    RRset csync = rrset(child, Type.CSYNC, ns, at);
    RRset apexNs = rrset(child, Type.NS, ns, at);
    RRset dnskeys = rrset(child, Type.DNSKEY, ns, at);
    RRset soa2 = rrset(child, Type.SOA, ns, at);
    if (soa1 == null || soa2 == null) {
      throw new Refused(ns + " (" + at + ") serves no SOA for " + child);
    }
    return new View(ns, at, serial(soa1), serial(soa2), soa2, csync, apexNs, dnskeys);
  }

  /** The identical CSYNC record every view serves, else why not. */
  private static CsyncRdata consistentCsync(List<View> views) throws Refused {
    List<String> without = views.stream().filter(v -> v.csync() == null).map(View::label).toList();
    if (without.size() == views.size()) {
      throw new Refused("no nameserver serves a CSYNC (asked " + String.join(", ", without) + ")");
    }
    if (!without.isEmpty()) {
      throw new Refused(String.join(", ", without) + " serves no CSYNC");
    }
    View first = views.get(0);
    CsyncRdata expected = parsed(first);
    for (View v : views) {
      if (v.csync().size() != 1) {
        throw new Refused(
            v.label() + " serves " + v.csync().size() + " CSYNC records; RFC 7477 allows one");
      }
      CsyncRdata served = parsed(v);
      if (!Arrays.equals(
          v.csync().first().rdataToWireCanonical(), first.csync().first().rdataToWireCanonical())) {
        throw new Refused(
            "CSYNC differs between "
                + first.label()
                + " ("
                + expected
                + ") and "
                + v.label()
                + " ("
                + served
                + ")");
      }
    }
    return expected;
  }

  private static CsyncRdata parsed(View v) throws Refused {
    try {
      return CsyncRdata.of(v.csync().first());
    } catch (IllegalArgumentException e) {
      throw new Refused("CSYNC at " + v.label() + " is malformed: " + e.getMessage());
    }
  }

  /** The identical apex NS set every view serves (canonical order), else why not. */
  private static List<Name> consistentNs(List<View> views) throws Refused {
    View first = views.get(0);
    for (View v : views) {
      if (v.apexNs() == null) {
        throw new Refused(v.label() + " serves no apex NS RRset");
      }
      if (!targets(v.apexNs()).equals(targets(first.apexNs()))) {
        throw new Refused(
            "NS differs between "
                + first.label()
                + " "
                + targets(first.apexNs())
                + " and "
                + v.label()
                + " "
                + targets(v.apexNs()));
      }
    }
    return targets(first.apexNs());
  }

  // ---- DNSSEC ---------------------------------------------------------------------------------

  /** CSYNC and NS (and SOA with soaminimum) validate at every view, else why not. */
  private void validate(Name child, List<View> views, CsyncRdata csync) throws Refused {
    Instant now = clock.instant();
    List<DSRecord> ds = validatedDs(child, now);
    for (View v : views) {
      String why = chainBreak(v, ds, now, csync.soaMinimum());
      if (why != null) {
        throw new Refused("CSYNC not validated: at " + v.label() + ": " + why);
      }
    }
  }

  /** The parent's DS RRset for the child, validated from the parent's trust anchor. */
  private List<DSRecord> validatedDs(Name child, Instant now) throws Refused {
    List<DSRecord> ds = ChildServers.validatedDs(parent, child, now, queryTimeout, "CSYNC");
    if (ds.isEmpty()) {
      throw new Refused(
          "CSYNC not validated: the parent holds no DS for "
              + child
              + " (an unsigned child's CSYNC is not acted on, RFC 7477 §3)");
    }
    return ds;
  }

  /** Null when the view's CSYNC and NS chain up to {@code ds}, else where the chain breaks. */
  private static String chainBreak(View v, List<DSRecord> ds, Instant now, boolean withSoa) {
    if (v.dnskeys() == null) {
      return "no DNSKEY RRset";
    }
    List<DNSKEYRecord> keys = records(v.dnskeys(), DNSKEYRecord.class);
    List<DNSKEYRecord> anchors = keys.stream().filter(k -> matchesSomeDs(k, ds)).toList();
    if (anchors.isEmpty()) {
      return "no DNSKEY matches the parent's DS "
          + ds.stream().map(DSRecord::getFootprint).sorted().toList()
          + " (keys served: "
          + keys.stream().map(DNSKEYRecord::getFootprint).sorted().toList()
          + ")";
    }
    String why = unverified(v.dnskeys(), anchors, now);
    if (why != null) {
      return "DNSKEY RRset: " + why;
    }
    List<DNSKEYRecord> zoneKeys =
        keys.stream().filter(k -> (k.getFlags() & DNSKEYRecord.Flags.ZONE_KEY) != 0).toList();
    List<RRset> data = new ArrayList<>(List.of(v.csync(), v.apexNs()));
    if (withSoa) {
      data.add(v.soa());
    }
    for (RRset set : data) {
      why = unverified(set, zoneKeys, now);
      if (why != null) {
        return Type.string(set.getType()) + " RRset: " + why;
      }
    }
    return null;
  }

  private static boolean matchesSomeDs(DNSKEYRecord key, List<DSRecord> ds) {
    return DsDigests.coversAny(ds, key);
  }

  private static String unverified(RRset set, List<DNSKEYRecord> keys, Instant now) {
    return ChildServers.unverified(set, keys, now);
  }

  // ---- DNS ------------------------------------------------------------------------------------

  private RRset rrset(Name name, int type, Name server, InetSocketAddress at) throws Refused {
    return ChildServers.rrset(name, type, server, at, queryTimeout);
  }

  private static List<Name> targets(RRset ns) {
    return records(ns, NSRecord.class).stream()
        .map(r -> r.getTarget().canonicalize())
        .distinct()
        .sorted()
        .collect(Collectors.toList());
  }

  private static <R extends Record> List<R> records(RRset set, Class<R> type) {
    return ChildServers.records(set, type);
  }

  private static long serial(RRset soa) {
    return ((SOARecord) soa.first()).getSerial();
  }

  /** RFC 1982: {@code serial} is less than {@code minimum} in 32-bit serial arithmetic. */
  static boolean serialBelow(long serial, long minimum) {
    long diff = (minimum - serial) & 0xFFFF_FFFFL;
    return diff != 0 && diff < 0x8000_0000L;
  }

  @Override
  public String toString() {
    return "CsyncParentAgent[parent=" + parent.zone() + ", zones=" + children + "]";
  }
}
