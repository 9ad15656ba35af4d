package dev.multisigner.lab.dns;

import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.dnsquery.DSYNCRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * BIND 9.18 as the parent of the child zone: signed with {@code dnssec-policy} (one CSK, ECDSA
 * P-256), delegating the child, accepting DS (and NS) changes as DNS UPDATE with TSIG ({@code
 * update-policy { grant <key> zonesub DS NS TYPE66; }}: DS, NS and DSYNC, which BIND 9.18 knows
 * only by number). The parent zone also carries the host names {@code ns.<signer id>.<parent>} of
 * the lab's signers ({@link #providerNsHost(String)}), so a delegation to the signers' own names
 * needs no glue.
 */
public final class BindParent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BindParent.class);

  static {
    DSYNCRecord.register();
  }

  static final long DS_TTL = 60;

  /** TTL of a delegation NS RRset written by {@link #putNs(Name, List)}. */
  public static final long NS_TTL = 60;

  /**
   * The signer ids whose nameserver host name {@code ns.<id>.<parent>} the parent zone carries (an
   * A record, 127.0.0.1): the ids the lab's tests and tools give their signers.
   */
  public static final List<String> PROVIDER_NS_IDS =
      List.of("knot-a", "pdns-b", "knot-c", "pdns-d", "knot-e", "pdns-f");

  private final Name zone;
  private final Name child;
  private final Path dir;
  private final InetSocketAddress dnsAddress;
  private final TsigCredentials tsig;
  private final List<DNSKEYRecord> trustAnchor;
  private final Daemon daemon;

  private BindParent(
      Name zone,
      Name child,
      Path dir,
      InetSocketAddress dnsAddress,
      TsigCredentials tsig,
      List<DNSKEYRecord> trustAnchor,
      Daemon daemon) {
    this.zone = zone;
    this.child = child;
    this.dir = dir;
    this.dnsAddress = dnsAddress;
    this.tsig = tsig;
    this.trustAnchor = trustAnchor;
    this.daemon = daemon;
  }

  /** Renders named.conf and the parent zone into {@code dir}, starts named, waits until signed. */
  static BindParent start(Name zone, Name child, Path dir, Duration timeout) {
    return start(
        zone,
        child,
        dir,
        timeout,
        file ->
            Templates.write(
                file,
                "parent.zone",
                Map.of(
                    "parent",
                    zone.toString(),
                    "zone",
                    child.toString(),
                    "providerHosts",
                    providerHostRecords(zone))));
  }

  /**
   * The nameserver host name of lab signer {@code signerId} in the parent zone, {@code
   * ns.<id>.<parent>}: the parent serves its address, so a delegation naming it needs no glue.
   *
   * @throws IllegalArgumentException for an id not in {@link #PROVIDER_NS_IDS}
   */
  public static Name providerNsHost(Name parentZone, String signerId) {
    if (!PROVIDER_NS_IDS.contains(signerId)) {
      throw new IllegalArgumentException(
          "the lab parent carries no host name for signer '"
              + signerId
              + "'; it has "
              + PROVIDER_NS_IDS);
    }
    return Name.fromConstantString("ns." + signerId + "." + parentZone);
  }

  /** {@link #providerNsHost(Name, String)} in this parent's zone. */
  public Name providerNsHost(String signerId) {
    return providerNsHost(zone, signerId);
  }

  private static String providerHostRecords(Name zone) {
    StringBuilder out = new StringBuilder();
    for (String id : PROVIDER_NS_IDS) {
      out.append(providerNsHost(zone, id)).append(" IN A 127.0.0.1\n");
    }
    return out.toString();
  }

  /**
   * A parent delegating many children: one NS pair and its glue per child in the zone file, DS/NS
   * updates allowed as for one child. {@link #child()} is the first child.
   */
  static BindParent startZones(Name zone, List<Name> children, Path dir, Duration timeout) {
    StringBuilder delegations = new StringBuilder();
    for (Name c : children) {
      delegations
          .append(c)
          .append(" IN NS ns1.")
          .append(c)
          .append('\n')
          .append(c)
          .append(" IN NS ns2.")
          .append(c)
          .append("\nns1.")
          .append(c)
          .append(" IN A 127.0.0.1\nns2.")
          .append(c)
          .append(" IN A 127.0.0.1\n");
    }
    return start(
        zone,
        children.get(0),
        dir,
        timeout,
        file ->
            Templates.write(
                file,
                "parent-zones.zone",
                Map.of(
                    "parent",
                    zone.toString(),
                    "delegations",
                    delegations.toString(),
                    "providerHosts",
                    providerHostRecords(zone))));
  }

  private static BindParent start(
      Name zone,
      Name child,
      Path dir,
      Duration timeout,
      java.util.function.Consumer<Path> writeZoneFile) {
    InetSocketAddress address = LabPorts.nextAddress();
    TsigCredentials tsig = TsigCredentials.randomHmacSha256("parent-ddns");
    Redactor redactor = new Redactor(List.of(tsig.secret()));
    KnotSigner.mkdirs(dir.resolve("keys"));
    Path conf =
        Templates.write(
            dir.resolve("named.conf"),
            "named.conf",
            Map.of(
                "parent", zone.toString(),
                "dir", dir.toString(),
                "port", Integer.toString(address.getPort()),
                "tsigName", tsig.configName(),
                "tsigAlgorithm", tsig.algorithm(),
                "tsigSecret", tsig.secret()));
    writeZoneFile.accept(dir.resolve("parent.db"));
    LabCommand.run(List.of("named-checkconf", conf.toString()), dir, redactor);
    Daemon d =
        Daemon.start(
            "named[parent]",
            zone.toString(),
            List.of("named", "-g", "-c", conf.toString()),
            dir,
            dir.resolve("named.log"),
            redactor);
    List<DNSKEYRecord> anchor;
    try {
      Message m =
          DnsQueries.awaitAnswer(
              d,
              address,
              zone,
              Type.DNSKEY,
              false,
              r -> DnsQueries.signedAnswer(r, Type.DNSKEY),
              timeout);
      anchor =
          m.getSection(Section.ANSWER).stream()
              .filter(r -> r instanceof DNSKEYRecord k && (k.getFlags() & 1) == 1)
              .map(r -> (DNSKEYRecord) r)
              .toList();
      if (anchor.isEmpty()) {
        throw d.failure("serves no SEP key (flags 257) for " + zone, null);
      }
    } catch (RuntimeException e) {
      d.stop();
      throw e;
    }
    LOG.info("event=parent_ready provider=bind zone={} address={} pid={}", zone, address, d.pid());
    return new BindParent(zone, child, dir, address, tsig, anchor, d);
  }

  public Name zone() {
    return zone;
  }

  /** The delegated child zone. */
  public Name child() {
    return child;
  }

  public InetSocketAddress dnsAddress() {
    return dnsAddress;
  }

  /** The TSIG key the parent accepts DS/NS updates with. */
  public TsigCredentials tsig() {
    return tsig;
  }

  /** The parent's SEP DNSKEY(s) (the CSK), the validator's trust anchor. */
  public List<DNSKEYRecord> trustAnchor() {
    return trustAnchor;
  }

  /** The DS RRset the parent serves now for the child (empty if none). */
  public List<DSRecord> ds() {
    return ds(child);
  }

  /** The DS RRset the parent serves now for {@code child} (one of a multi-zone parent's). */
  public List<DSRecord> ds(Name child) {
    try {
      Message m = DnsQueries.query(dnsAddress, child, Type.DS, false, true, Duration.ofSeconds(2));
      return m.getSection(Section.ANSWER).stream()
          .filter(r -> r instanceof DSRecord)
          .map(r -> (DSRecord) r)
          .toList();
    } catch (IOException e) {
      throw daemon.failure("did not answer DS " + child + ": " + e.getMessage(), e);
    }
  }

  /**
   * The NS RRset the parent delegates the child with now (the referral's authority section), in
   * canonical order, lower case.
   */
  public List<Name> ns() {
    return ns(child);
  }

  /** The NS RRset the parent delegates {@code delegated} with now, canonical order, lower case. */
  public List<Name> ns(Name delegated) {
    try {
      Message m =
          DnsQueries.query(dnsAddress, delegated, Type.NS, false, true, Duration.ofSeconds(2));
      return Stream.concat(
              m.getSection(Section.ANSWER).stream(), m.getSection(Section.AUTHORITY).stream())
          .filter(r -> r instanceof NSRecord && r.getName().equals(delegated))
          .map(r -> ((NSRecord) r).getTarget().canonicalize())
          .distinct()
          .sorted()
          .toList();
    } catch (IOException e) {
      throw daemon.failure("did not answer NS " + delegated + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the child's DS RRset at the parent with {@code ds} (empty: removes it), by DNS UPDATE
   * with TSIG, and waits until the parent serves exactly that set, signed.
   */
  public void putDs(List<DSRecord> ds) {
    putDs(ds, DS_TTL);
  }

  /**
   * {@link #putDs(List)} with the DS RRset's TTL {@code ttl} (a registry's, or a test policy's).
   */
  public void putDs(List<DSRecord> ds, long ttl) {
    putDs(child, ds, ttl);
  }

  /** {@link #putDs(List, long)} for {@code child} (one of a multi-zone parent's). */
  public void putDs(Name child, List<DSRecord> ds, long ttl) {
    List<Record> records = new ArrayList<>();
    for (DSRecord r : ds) {
      if (!r.getName().equals(child)) {
        throw new IllegalArgumentException(
            "DS owner " + r.getName() + " is not the child zone " + child);
      }
      records.add(
          new DSRecord(
              child,
              r.getDClass(),
              ttl,
              r.getFootprint(),
              r.getAlgorithm(),
              r.getDigestID(),
              r.getDigest()));
    }
    replace(child, Type.DS, records, () -> rdata(ds(child)));
    LOG.info(
        "event=parent_ds_put provider=bind zone={} child={} ds_count={}", zone, child, ds.size());
  }

  /**
   * Replaces the delegation NS RRset of {@code delegated} with {@code nameservers} (TTL {@value
   * #NS_TTL}) in one DNS UPDATE with TSIG, and waits until the parent serves exactly that set. Glue
   * is not written: name hosts outside the child, e.g. {@link #providerNsHost(String)} (BIND takes
   * a name in its zone without an address too, which makes a lame delegation).
   *
   * @throws LabException naming parent, child and cause when the parent refuses or does not serve
   *     the set
   */
  public void putNs(Name delegated, List<Name> nameservers) {
    if (nameservers.isEmpty()) {
      throw new IllegalArgumentException("a delegation needs at least one NS, got none");
    }
    List<Record> records = new ArrayList<>();
    for (Name ns : nameservers) {
      // lower case, as ns() reports what the parent serves
      records.add(new NSRecord(delegated, DClass.IN, NS_TTL, ns.canonicalize()));
    }
    replace(
        delegated,
        Type.NS,
        records,
        () -> ns(delegated).stream().map(Name::toString).collect(Collectors.toSet()));
    LOG.info(
        "event=parent_ns_put provider=bind zone={} child={} ns={}", zone, delegated, nameservers);
  }

  /**
   * The parent-wide DSYNC owner name, {@code _dsync.<parent>} (RFC 9859 §4.1: where a child's
   * operator looks when there is no child-specific record).
   */
  public Name dsyncName() {
    return Name.fromConstantString("_dsync." + zone);
  }

  /**
   * The child-specific DSYNC owner name of {@code delegated}: its labels below the parent, then
   * {@code _dsync}, then the parent ({@code example._dsync.test.} for {@code example.test.}, RFC
   * 9859 §4.1).
   */
  public Name dsyncName(Name delegated) {
    if (!delegated.subdomain(zone) || delegated.equals(zone)) {
      throw new IllegalArgumentException(delegated + " is not below the parent " + zone);
    }
    try {
      return Name.concatenate(delegated.relativize(zone), dsyncName());
    } catch (org.xbill.DNS.NameTooLongException e) {
      throw new IllegalArgumentException("the DSYNC name of " + delegated + " is too long", e);
    }
  }

  /**
   * Replaces the DSYNC RRset at {@code owner} (in the parent zone) with {@code records} (empty:
   * removes it), by DNS UPDATE with TSIG, and waits until the parent serves exactly that set.
   */
  public void putDsync(Name owner, List<DSYNCRecord> records) {
    List<Record> out = new ArrayList<>();
    for (DSYNCRecord r : records) {
      out.add(DSYNCRecord.notify(owner, DS_TTL, r.getRRType(), r.getPort(), r.getTarget()));
    }
    replace(owner, DSYNCRecord.TYPE, out, () -> served(owner, DSYNCRecord.TYPE));
    LOG.info("event=parent_dsync_put provider=bind zone={} owner={} dsync={}", zone, owner, out);
  }

  /** The rdata (text) of the {@code type} RRset the parent serves at {@code owner}. */
  private Set<String> served(Name owner, int type) {
    try {
      Message m = DnsQueries.query(dnsAddress, owner, type, false, true, Duration.ofSeconds(2));
      return rdata(
          m.getSection(Section.ANSWER).stream()
              .filter(r -> r.getType() == type && r.getName().equals(owner))
              .toList());
    } catch (IOException e) {
      throw daemon.failure("did not answer " + Type.string(type) + " " + owner, e);
    }
  }

  /** Deletes the RRset and adds {@code records} in one UPDATE, then waits until it is served. */
  private void replace(Name owner, int type, List<Record> records, Supplier<Set<String>> served) {
    Update u = new Update(zone);
    u.delete(owner, type);
    records.forEach(u::add);
    SimpleResolver res = AuthoritativeDns.signed(dnsAddress, Duration.ofSeconds(5), tsig.toTsig());
    String what = Type.string(type);
    try {
      Message resp = res.send(u);
      if (resp.getRcode() != Rcode.NOERROR) {
        throw new LabException(
            "parent "
                + zone
                + " refused the "
                + what
                + " update for "
                + owner
                + ": "
                + Rcode.string(resp.getRcode()));
      }
    } catch (IOException e) {
      throw daemon.failure(what + " update for " + owner + " failed: " + e.getMessage(), e);
    }
    Set<String> want = rdata(records);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!served.get().equals(want)) {
      if (System.nanoTime() > deadline) {
        throw daemon.failure(
            "does not serve the updated " + what + " set for " + owner + " after 10 s", null);
      }
      sleep(20);
    }
  }

  private static Set<String> rdata(List<? extends Record> records) {
    Set<String> out = new HashSet<>();
    records.forEach(r -> out.add(r.rdataToString()));
    return out;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    }
  }

  /** Builds the SHA-256 DS records for the SEP keys (flags 257) among {@code dnskeys}. */
  public static List<DSRecord> dsFor(List<? extends Record> dnskeys) {
    return dnskeys.stream()
        .filter(r -> r instanceof DNSKEYRecord k && (k.getFlags() & 1) == 1)
        .map(
            r ->
                new DSRecord(
                    r.getName(),
                    r.getDClass(),
                    DS_TTL,
                    DSRecord.SHA256_DIGEST_ID,
                    (DNSKEYRecord) r))
        .toList();
  }

  public long pid() {
    return daemon.pid();
  }

  public String logTail() {
    return daemon.logTail(60);
  }

  /**
   * How many DNS UPDATEs replaced the child's DS RRset so far, by named's log (each one deletes the
   * RRset first): whoever sent them, with whatever key.
   */
  public long dsUpdatesLogged() {
    String rrset = "deleting rrset at '" + child.toString(true) + "' DS";
    return daemon.logTail(Integer.MAX_VALUE).lines().filter(l -> l.contains(rrset)).count();
  }

  boolean isAlive() {
    return daemon.isAlive();
  }

  @Override
  public void close() {
    daemon.stop();
  }

  @Override
  public String toString() {
    return "BindParent[zone=" + zone + ", dns=" + dnsAddress + ", tsig=" + tsig + "]";
  }
}
