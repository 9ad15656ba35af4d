package dev.multisigner.lab.dns;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Knot DNS 3.2 as an automatic signer of the child zone (ECDSA P-256 until {@link
 * KnotKeystore#startAlgorithmRoll(int)}, KSK+ZSK or CSK, {@code dnskey-management: incremental}),
 * accepting DNS UPDATE with TSIG, sending NOTIFY (over TCP) to an optional target, with knotc
 * access. Its keys (keymgr, rolls) are {@link KnotKeystore}'s, as PowerDNS's are {@link
 * PdnsKeystore}'s.
 */
public final class KnotSigner implements LabSigner, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KnotSigner.class);

  private final String id;
  private final Name zone;
  private final KeyScheme scheme;
  private final Path dir;
  private final InetSocketAddress dnsAddress;
  private final TsigCredentials tsig;
  private final Redactor redactor;
  private final Duration timeout;
  private volatile Daemon daemon;

  private KnotSigner(
      String id,
      Name zone,
      KeyScheme scheme,
      Path dir,
      InetSocketAddress dnsAddress,
      TsigCredentials tsig,
      Redactor redactor,
      Daemon daemon,
      Duration timeout) {
    this.timeout = timeout;
    this.id = id;
    this.zone = zone;
    this.scheme = scheme;
    this.dir = dir;
    this.dnsAddress = dnsAddress;
    this.tsig = tsig;
    this.redactor = redactor;
    this.daemon = daemon;
  }

  /**
   * Renders the config into {@code dir}, starts knotd and waits until it serves the signed DNSKEY
   * RRset.
   */
  static KnotSigner start(
      String id,
      Name zone,
      KeyScheme scheme,
      Path dir,
      InetSocketAddress notifyTarget,
      Duration timeout) {
    InetSocketAddress address = LabPorts.nextAddress();
    TsigCredentials tsig = TsigCredentials.randomHmacSha256(id + "-ddns");
    Redactor redactor = new Redactor(List.of(tsig.secret()));
    String notifyRemote = "";
    String notifyZone = "";
    if (notifyTarget != null) {
      notifyRemote =
          "\nremote:\n  - id: notify-target\n    address: "
              + notifyTarget.getAddress().getHostAddress()
              + "@"
              + notifyTarget.getPort()
              + "\n";
      notifyZone = "    notify: notify-target";
    }
    Path conf =
        Templates.write(
            dir.resolve("knot.conf"),
            scheme == KeyScheme.OFFLINE_KSK ? "knot-offline-ksk.conf" : "knot.conf",
            Map.ofEntries(
                Map.entry("id", id),
                Map.entry("zone", zone.toString()),
                Map.entry("dir", dir.toString()),
                Map.entry("port", Integer.toString(address.getPort())),
                Map.entry("tsigName", tsig.configName()),
                Map.entry("tsigAlgorithm", tsig.algorithm()),
                Map.entry("tsigSecret", tsig.secret()),
                Map.entry("notifyRemote", notifyRemote),
                Map.entry("notifyZone", notifyZone),
                Map.entry("singleTypeSigning", scheme == KeyScheme.CSK ? "on" : "off")));
    Templates.write(dir.resolve("zones/zone.db"), "child.zone", Map.of("zone", zone.toString()));
    mkdirs(dir.resolve("run"), dir.resolve("db"));
    checkSocketPath(dir.resolve("run/knot.sock"));
    LabCommand.run(List.of("knotc", "-c", conf.toString(), "conf-check"), dir, redactor);
    if (scheme == KeyScheme.OFFLINE_KSK) {
      // its ZSK, made before knotd starts; the zone is served once an SKR is imported
      LabCommand.run(
          List.of(
              "keymgr", "-c", conf.toString(), zone.toString(), "generate", "ksk=no", "zsk=yes"),
          dir,
          redactor);
    }
    Daemon d =
        Daemon.start(
            "knotd[" + id + "]",
            zone.toString(),
            List.of("knotd", "-c", conf.toString()),
            dir,
            dir.resolve("knotd.log"),
            redactor);
    try {
      if (scheme == KeyScheme.OFFLINE_KSK) {
        awaitControl(d, conf, dir, redactor, timeout);
      } else {
        DnsQueries.awaitAnswer(
            d,
            address,
            zone,
            Type.DNSKEY,
            false,
            m -> DnsQueries.signedAnswer(m, Type.DNSKEY),
            timeout);
      }
    } catch (RuntimeException e) {
      d.stop();
      throw e;
    }
    LOG.info(
        "event=signer_ready provider=knot signer={} zone={} address={} scheme={} pid={}",
        id,
        zone,
        address,
        scheme,
        d.pid());
    return new KnotSigner(id, zone, scheme, dir, address, tsig, redactor, d, timeout);
  }

  /**
   * A Knot signer of many zones (KSK+ZSK each, the single-zone lab's policy, no NOTIFY): one {@code
   * zone:} entry per zone through the default template, zone files generated; waits until every
   * zone serves a signed DNSKEY RRset. {@link #zone()} is the first zone.
   */
  static KnotSigner startZones(String id, List<Name> zones, Path dir, Duration timeout) {
    return startZones(id, zones, z -> KeyScheme.KSK_ZSK, Duration.ofSeconds(2), dir, timeout);
  }

  /**
   * {@link #startZones(String, List, Path, Duration)} with each zone's key scheme: KSK+ZSK, or one
   * CSK (the {@code multisigner-csk} policy, {@code single-type-signing: on}), and the policy's
   * {@code propagation-delay}: how long a new key is published before it signs (after the DNSKEY
   * TTL), which must cover the other signers' import of it.
   */
  static KnotSigner startZones(
      String id,
      List<Name> zones,
      java.util.function.Function<Name, KeyScheme> schemes,
      Duration propagationDelay,
      Path dir,
      Duration timeout) {
    InetSocketAddress address = LabPorts.nextAddress();
    TsigCredentials tsig = TsigCredentials.randomHmacSha256(id + "-ddns");
    Redactor redactor = new Redactor(List.of(tsig.secret()));
    StringBuilder entries = new StringBuilder();
    for (Name z : zones) {
      entries.append("  - domain: ").append(z).append('\n');
      KeyScheme scheme = schemes.apply(z);
      if (scheme == KeyScheme.CSK) {
        entries.append("    dnssec-policy: multisigner-csk\n");
      } else if (scheme != KeyScheme.KSK_ZSK) {
        throw new IllegalArgumentException("a multi-zone Knot signs KSK+ZSK or CSK, not " + scheme);
      }
      Templates.write(
          dir.resolve("zones/" + z.toString(true) + ".zone"),
          "child.zone",
          Map.of("zone", z.toString()));
    }
    Path conf =
        Templates.write(
            dir.resolve("knot.conf"),
            "knot-zones.conf",
            Map.of(
                "id", id,
                "zoneCount", Integer.toString(zones.size()),
                "propagationDelay", Long.toString(propagationDelay.toSeconds()),
                "dir", dir.toString(),
                "port", Integer.toString(address.getPort()),
                "tsigName", tsig.configName(),
                "tsigAlgorithm", tsig.algorithm(),
                "tsigSecret", tsig.secret(),
                "zoneEntries", entries.toString()));
    mkdirs(dir.resolve("run"), dir.resolve("db"));
    checkSocketPath(dir.resolve("run/knot.sock"));
    LabCommand.run(List.of("knotc", "-c", conf.toString(), "conf-check"), dir, redactor);
    Daemon d =
        Daemon.start(
            "knotd[" + id + "]",
            zones.size() + " zones",
            List.of("knotd", "-c", conf.toString()),
            dir,
            dir.resolve("knotd.log"),
            redactor);
    try {
      DnsQueries.awaitSignedDnskeys(d, address, zones, timeout);
    } catch (RuntimeException e) {
      d.stop();
      throw e;
    }
    LOG.info(
        "event=signer_ready provider=knot signer={} zones={} address={} pid={}",
        id,
        zones.size(),
        address,
        d.pid());
    return new KnotSigner(
        id, zones.get(0), KeyScheme.KSK_ZSK, dir, address, tsig, redactor, d, timeout);
  }

  private static Daemon launch(
      String id,
      Name zone,
      Path dir,
      InetSocketAddress address,
      Redactor redactor,
      Duration timeout) {
    Daemon d =
        Daemon.start(
            "knotd[" + id + "]",
            zone.toString(),
            List.of("knotd", "-c", dir.resolve("knot.conf").toString()),
            dir,
            dir.resolve("knotd.log"),
            redactor);
    try {
      DnsQueries.awaitAnswer(
          d,
          address,
          zone,
          Type.DNSKEY,
          false,
          m -> DnsQueries.signedAnswer(m, Type.DNSKEY),
          timeout);
      return d;
    } catch (RuntimeException e) {
      d.stop();
      throw e;
    }
  }

  /**
   * Stops knotd by its PID and starts it again from the same config, KASP database and journal (the
   * zone's DDNS changes survive: {@code zonefile-load: difference}); waits until it answers.
   */
  @Override
  public void restart() {
    daemon.stop();
    daemon = launch(id, zone, dir, dnsAddress, redactor, timeout);
    LOG.info(
        "event=signer_restarted provider=knot signer={} zone={} pid={}", id, zone, daemon.pid());
  }

  /**
   * Waits until knotd answers on its control socket: an offline-KSK signer serves nothing before
   * its first SKR, so a DNS query cannot tell that it is up.
   */
  private static void awaitControl(
      Daemon d, Path conf, Path dir, Redactor redactor, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        LabCommand.run(List.of("knotc", "-c", conf.toString(), "status"), dir, redactor);
        return;
      } catch (LabException e) {
        if (System.nanoTime() > deadline) {
          throw d.failure("no answer on its control socket in " + timeout, e);
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw d.failure("interrupted while waiting for the control socket", e);
      }
    }
  }

  /** Unix socket paths (knotc, unbound-control) are limited to 107 bytes on Linux. */
  static void checkSocketPath(Path socket) {
    if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
      throw new LabException(
          "control socket path too long for a unix socket (max 107 bytes): "
              + socket
              + "; give the lab a shorter work dir (DnsLab.builder().workDir(...) or java.io.tmpdir)");
    }
  }

  static void mkdirs(Path... dirs) {
    for (Path p : dirs) {
      try {
        java.nio.file.Files.createDirectories(p);
      } catch (java.io.IOException e) {
        throw new LabException("cannot create " + p, e);
      }
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Name zone() {
    return zone;
  }

  @Override
  public InetSocketAddress dnsAddress() {
    return dnsAddress;
  }

  @Override
  public SignerKind kind() {
    return SignerKind.KNOT;
  }

  public KeyScheme keyScheme() {
    return scheme;
  }

  /** The TSIG key Knot accepts DNS UPDATEs for the zone with. */
  public TsigCredentials tsig() {
    return tsig;
  }

  public Path configFile() {
    return dir.resolve("knot.conf");
  }

  /**
   * Knot's key database ({@code database.storage}/keys, the default {@code kasp-db}): {@code keymgr
   * -D} on it lists a zone's keys without parsing the whole configuration, which with 10,000 zones
   * costs some 120 ms of CPU per run against about 15 (bench/README.md §11).
   */
  public Path kaspDb() {
    return dir.resolve("db").resolve("keys");
  }

  @Override
  public long pid() {
    return daemon.pid();
  }

  /** Waits are bounded by this (the daemon timeout the lab was built with). */
  Duration timeout() {
    return timeout;
  }

  /** Runs {@code command} in the signer's directory, secrets redacted from errors. */
  String run(List<String> command) {
    return LabCommand.run(command, dir, redactor);
  }

  /** Fails with the daemon's log when knotd is no longer running. */
  void checkAlive() {
    daemon.checkAlive();
  }

  /**
   * Points the zone's NOTIFY at {@code target} (or turns NOTIFY off with {@code null}) in the
   * running knotd, through a knotc configuration transaction. Not written to knot.conf: {@link
   * #restart()} goes back to the target given at start.
   */
  public void setNotifyTarget(InetSocketAddress target) {
    String z = zone.toString();
    knotc("conf-begin");
    try {
      tryKnotc("conf-unset", "zone[" + z + "].notify");
      tryKnotc("conf-unset", "remote[notify-target]");
      if (target != null) {
        knotc("conf-set", "remote[notify-target]");
        knotc(
            "conf-set",
            "remote[notify-target].address",
            target.getAddress().getHostAddress() + "@" + target.getPort());
        knotc("conf-set", "zone[" + z + "].notify", "notify-target");
      }
      knotc("conf-commit");
    } catch (RuntimeException e) {
      tryKnotc("conf-abort");
      throw e;
    }
    LOG.info("event=notify_target_set provider=knot signer={} zone={} target={}", id, zone, target);
  }

  private void tryKnotc(String... args) {
    try {
      knotc(args);
    } catch (LabException e) {
      // not set before: nothing to unset
    }
  }

  /** Runs {@code keymgr -c knot.conf <zone> <args>} and returns its output. */
  public String keymgr(String... args) {
    List<String> cmd =
        new ArrayList<>(List.of("keymgr", "-c", configFile().toString(), zone.toString()));
    cmd.addAll(List.of(args));
    return LabCommand.run(cmd, dir, redactor);
  }

  /** Runs {@code knotc -c knot.conf <args>} and returns its output. */
  public String knotc(String... args) {
    List<String> cmd = new ArrayList<>(List.of("knotc", "-c", configFile().toString()));
    cmd.addAll(List.of(args));
    return LabCommand.run(cmd, dir, redactor);
  }

  @Override
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
    return "KnotSigner[id="
        + id
        + ", zone="
        + zone
        + ", dns="
        + dnsAddress
        + ", tsig="
        + tsig
        + "]";
  }
}
