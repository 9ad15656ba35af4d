package dev.multisigner.lab.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Unbound as the validating resolver, anchored only at the parent's key, with the child zone
 * reached through a stub zone that points at exactly one signer at a time.
 *
 * <p>To reproduce "DNSKEY cached from A, answer from B" (RFC 8901 §5): {@link #flushZone()}, {@link
 * #useOnly} A, query the DNSKEY RRset, {@link #useOnly} B, query a signed name within the 10 s
 * DNSKEY TTL. {@code useOnly} keeps the zone's cached data (and so the key cache) and drops only
 * server state and bogus entries; {@code flushZone} drops everything cached for the zone. Two stub
 * addresses at once would hide a missing cross-import, because Unbound retries a bogus answer at
 * the other server.
 */
public final class UnboundValidator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UnboundValidator.class);

  private final Name zone;
  private final Path dir;
  private final InetSocketAddress address;
  private final Daemon daemon;
  private volatile LabSigner upstream;

  private UnboundValidator(
      Name zone, Path dir, InetSocketAddress address, Daemon daemon, LabSigner upstream) {
    this.zone = zone;
    this.dir = dir;
    this.address = address;
    this.daemon = daemon;
    this.upstream = upstream;
  }

  /**
   * Renders unbound.conf and the trust anchor, starts unbound, waits until it resolves the parent.
   */
  static UnboundValidator start(
      BindParent parent, Name zone, LabSigner firstUpstream, Path dir, Duration timeout) {
    return start(parent, List.of(zone), firstUpstream, dir, timeout);
  }

  /**
   * A validator for many child zones of {@code parent} (a {@link MultiZoneLab}'s), one stub zone
   * each, all first pointing at {@code firstUpstream}; the zone-taking methods switch one zone's
   * stub. {@link #useOnly(LabSigner)} and the others without a zone act on the first zone.
   */
  static UnboundValidator start(
      BindParent parent, List<Name> zones, LabSigner firstUpstream, Path dir, Duration timeout) {
    Name zone = zones.get(0);
    StringBuilder moreStubs = new StringBuilder();
    for (Name z : zones.subList(1, zones.size())) {
      moreStubs
          .append("\nstub-zone:\n    name: \"")
          .append(z)
          .append("\"\n    stub-addr: 127.0.0.1@")
          .append(firstUpstream.dnsAddress().getPort())
          .append('\n');
    }
    InetSocketAddress address = LabPorts.nextAddress();
    KnotSigner.mkdirs(dir);
    KnotSigner.checkSocketPath(dir.resolve("unbound.ctl"));
    String anchor =
        parent.trustAnchor().stream().map(DNSKEYRecord::toString).collect(Collectors.joining("\n"));
    try {
      Files.writeString(dir.resolve("parent.anchor"), anchor + "\n");
    } catch (IOException e) {
      throw new LabException("cannot write the trust anchor into " + dir, e);
    }
    Path conf =
        Templates.write(
            dir.resolve("unbound.conf"),
            "unbound.conf",
            Map.of(
                "localZones", localZones(parent.zone()),
                "parent", parent.zone().toString(),
                "zone", zone.toString(),
                "dir", dir.toString(),
                "port", Integer.toString(address.getPort()),
                "parentPort", Integer.toString(parent.dnsAddress().getPort()),
                "childPort", Integer.toString(firstUpstream.dnsAddress().getPort()),
                "moreStubs", moreStubs.toString()));
    LabCommand.run(List.of("unbound-checkconf", conf.toString()), dir, Redactor.none());
    Daemon d =
        Daemon.start(
            "unbound[validator]",
            zone.toString(),
            List.of("unbound", "-d", "-c", conf.toString()),
            dir,
            dir.resolve("unbound.log"),
            Redactor.none());
    try {
      // RD=1: without it Unbound answers from its cache only
      DnsQueries.awaitAnswer(
          d,
          address,
          parent.zone(),
          Type.SOA,
          true,
          m -> m.getRcode() == Rcode.NOERROR && m.getHeader().getFlag(Flags.AD),
          timeout);
    } catch (RuntimeException e) {
      d.stop();
      throw e;
    }
    LOG.info(
        "event=validator_ready provider=unbound zone={} address={} upstream={} pid={}",
        zone,
        address,
        firstUpstream.id(),
        d.pid());
    return new UnboundValidator(zone, dir, address, d, firstUpstream);
  }

  /**
   * {@code local-zone: ... nodefault} for the parent zone and, when the parent lies deeper (e.g.
   * {@code s001.test.}), for its top-level zone too.
   */
  static String localZones(Name parent) {
    String line = "    local-zone: \"%s\" nodefault\n";
    Name top = new Name(parent, parent.labels() - 2);
    return String.format(line, parent) + (top.equals(parent) ? "" : String.format(line, top));
  }

  public InetSocketAddress address() {
    return address;
  }

  /** The signer the child zone's stub points at now. */
  public LabSigner upstream() {
    return upstream;
  }

  /**
   * Points the child zone's stub at exactly {@code signer} and drops server state (infra cache) and
   * bogus entries; the zone's cached RRsets and validated DNSKEYs stay.
   */
  public void useOnly(LabSigner signer) {
    useOnly(zone, signer);
  }

  /** {@link #useOnly(LabSigner)} for one of the validator's zones. */
  public void useOnly(Name zone, LabSigner signer) {
    String z = zone.toString();
    InetSocketAddress a = signer.dnsAddress();
    control("stub_remove", z);
    control("stub_add", z, a.getAddress().getHostAddress() + "@" + a.getPort());
    control("flush_infra", "all");
    control("flush_bogus");
    control("flush_requestlist");
    upstream = signer;
    LOG.info(
        "event=validator_upstream zone={} provider={} signer={}", zone, signer.kind(), signer.id());
  }

  /** Drops everything cached for the child zone: RRsets, messages, key cache, negative, bogus. */
  public void flushZone() {
    flushZone(zone);
  }

  /** {@link #flushZone()} for one of the validator's zones. */
  public void flushZone(Name zone) {
    control("flush_zone", zone.toString());
    control("flush_negative");
    control("flush_bogus");
    control("flush_infra", "all");
  }

  /**
   * Case (c) of the lab: flushes the zone, points at {@code signer} and asks for the DNSKEY RRset,
   * so the key cache holds {@code signer}'s DNSKEY RRset for its TTL.
   */
  public Message cacheDnskeyFrom(LabSigner signer) {
    return cacheDnskeyFrom(zone, signer);
  }

  /** {@link #cacheDnskeyFrom(LabSigner)} for one of the validator's zones. */
  public Message cacheDnskeyFrom(Name zone, LabSigner signer) {
    flushZone(zone);
    useOnly(zone, signer);
    return query(zone, Type.DNSKEY);
  }

  /** Asks the validator (RD=1, DO=1, over UDP); a SERVFAIL is an answer, not an exception. */
  public Message query(Name name, int type) {
    try {
      return DnsQueries.query(address, name, type, true, false, Duration.ofSeconds(8));
    } catch (IOException e) {
      throw daemon.failure(
          "did not answer " + name + " " + Type.string(type) + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code unbound-control -c unbound.conf <args>}. */
  public String control(String... args) {
    List<String> cmd =
        new ArrayList<>(List.of("unbound-control", "-c", dir.resolve("unbound.conf").toString()));
    cmd.addAll(List.of(args));
    return LabCommand.run(cmd, dir, Redactor.none());
  }

  public long pid() {
    return daemon.pid();
  }

  public String logTail() {
    return daemon.logTail(80);
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
    return "UnboundValidator[zone="
        + zone
        + ", address="
        + address
        + ", upstream="
        + upstream.id()
        + "]";
  }
}
