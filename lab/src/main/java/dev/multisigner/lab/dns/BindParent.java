package dev.multisigner.lab.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Message;
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
 * update-policy { grant <key> zonesub DS NS; }}).
 */
public final class BindParent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BindParent.class);
  static final long DS_TTL = 60;

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
                file, "parent.zone", Map.of("parent", zone.toString(), "zone", child.toString())));
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
                Map.of("parent", zone.toString(), "delegations", delegations.toString())));
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
   * Replaces the child's DS RRset at the parent with {@code ds} (empty: removes it), by DNS UPDATE
   * with TSIG, and waits until the parent serves exactly that set, signed.
   */
  public void putDs(List<DSRecord> ds) {
    Update u = new Update(zone);
    u.delete(child, Type.DS);
    for (DSRecord r : ds) {
      if (!r.getName().equals(child)) {
        throw new IllegalArgumentException(
            "DS owner " + r.getName() + " is not the child zone " + child);
      }
      u.add(
          new DSRecord(
              child,
              r.getDClass(),
              DS_TTL,
              r.getFootprint(),
              r.getAlgorithm(),
              r.getDigestID(),
              r.getDigest()));
    }
    SimpleResolver res = new SimpleResolver(dnsAddress);
    res.setTCP(true);
    res.setTimeout(Duration.ofSeconds(5));
    res.setTSIGKey(tsig.toTsig());
    try {
      Message resp = res.send(u);
      if (resp.getRcode() != Rcode.NOERROR) {
        throw new LabException(
            "parent "
                + zone
                + " refused the DS update for "
                + child
                + ": "
                + Rcode.string(resp.getRcode()));
      }
    } catch (IOException e) {
      throw daemon.failure("DS update for " + child + " failed: " + e.getMessage(), e);
    }
    Set<String> want = new HashSet<>();
    ds.forEach(r -> want.add(r.rdataToString()));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      Set<String> have = new HashSet<>();
      ds().forEach(r -> have.add(r.rdataToString()));
      if (have.equals(want)) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw daemon.failure(
            "does not serve the updated DS set for " + child + " after 10 s", null);
      }
      sleep(20);
    }
    LOG.info(
        "event=parent_ds_put provider=bind zone={} child={} ds_count={}", zone, child, ds.size());
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
