package dev.multisigner.lab.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Knot DNS 3.2 as an automatic signer of the child zone (ECDSA P-256 until {@link
 * #startAlgorithmRoll(int)}, KSK+ZSK or CSK, {@code dnskey-management: incremental}), accepting DNS
 * UPDATE with TSIG, sending NOTIFY (over TCP) to an optional target, with knotc/keymgr access.
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
    InetSocketAddress address = LabPorts.nextAddress();
    TsigCredentials tsig = TsigCredentials.randomHmacSha256(id + "-ddns");
    Redactor redactor = new Redactor(List.of(tsig.secret()));
    StringBuilder entries = new StringBuilder();
    for (Name z : zones) {
      entries.append("  - domain: ").append(z).append('\n');
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

  @Override
  public long pid() {
    return daemon.pid();
  }

  /** Knot's own keys for the zone ({@code keymgr -c knot.conf <zone> list}). */
  public List<KnotKey> keymgrList() {
    String out =
        LabCommand.run(
            List.of("keymgr", "-x", "-c", configFile().toString(), zone.toString(), "list"),
            dir,
            redactor);
    List<KnotKey> keys = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        keys.add(KnotKey.parse(line));
      }
    }
    return keys;
  }

  /** Starts a ZSK rollover ({@code knotc zone-key-rollover <zone> zsk}), pre-publish method. */
  public void rollZsk() {
    String out = knotc("zone-key-rollover", zone.toString(), "zsk");
    LOG.info(
        "event=zsk_roll_started provider=knot signer={} zone={} knotc={}", id, zone, out.trim());
  }

  /**
   * Where Knot's automatic algorithm rollover (RFC 6781 §4.1.4, double signature) of the zone
   * stands, read from its KASP timers ({@code keymgr -j list}) against the policy algorithm. Lab
   * timings (policy: propagation-delay 2, dnskey-ttl 10, zone-max-ttl 60) are from {@link
   * #startAlgorithmRoll(int)} unless said otherwise.
   */
  public enum AlgorithmRollStep {
    /** The policy names the new algorithm but Knot has not generated its keys yet (&lt; 1 s). */
    NOT_STARTED,
    /**
     * The new KSK and ZSK are "pre-active": every RRset except DNSKEY carries an RRSIG of both
     * algorithms, the DNSKEY RRset holds the old keys only and is signed by the old KSK only. From
     * 0 s to 62 s (propagation-delay + zone-max-ttl).
     */
    NEW_SIGNATURES,
    /**
     * The new DNSKEYs are published: the DNSKEY RRset holds both algorithms and is signed by both
     * KSKs, every other RRset by both ZSKs. From 62 s to 74 s (+ propagation-delay + dnskey-ttl).
     */
    DOUBLE_SIGNED,
    /**
     * Still double-signed, and the new KSK is "ready": Knot waits for the DS confirmation ({@code
     * KSK submission, waiting for confirmation}), with no timeout and no parent check in the lab.
     * Its own CDS/CDNSKEY now name the new KSK only. From 74 s until {@link
     * #finishAlgorithmRoll()}.
     */
    AWAITING_DS,
    /**
     * After {@link #finishAlgorithmRoll()}: the old DNSKEYs have left the DNSKEY RRset at once, the
     * RRSIGs of the old ZSK stay on the other RRsets for propagation-delay + dnskey-ttl = 12 s.
     */
    OLD_SIGNATURES,
    /** Only keys of the policy algorithm are published and sign (no roll running). */
    DONE
  }

  /** The id of the signing policy in knot.conf (both templates call it so). */
  private static final String POLICY_ID = "multisigner";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ALGORITHM_LINE = Pattern.compile("(?m)^\\s+algorithm:\\s*(\\S+)");

  /** The policy's {@code algorithm:} line in knot.conf text (not the TSIG key's, above it). */
  private static Matcher policyAlgorithm(String conf, Path file) {
    int policy = conf.indexOf("\npolicy:");
    Matcher m = ALGORITHM_LINE.matcher(conf);
    if (policy < 0 || !m.find(policy)) {
      throw new LabException("no policy algorithm in " + file);
    }
    return m;
  }

  /**
   * Starts Knot's own algorithm rollover of the zone to {@code algorithm} (13 ECDSA P-256, 14 ECDSA
   * P-384, 15 Ed25519, 16 Ed448), as its operator does: the policy's {@code algorithm} changes in
   * the running knotd (a knotc configuration transaction, so other live changes such as {@link
   * #setNotifyTarget} stay) and in knot.conf (so {@link #restart()} keeps it). Knot then generates
   * a KSK and a ZSK of the new algorithm (one CSK with {@link KeyScheme#CSK}) and walks through
   * {@link AlgorithmRollStep}: new RRSIGs at once, new DNSKEYs published and the DNSKEY RRset
   * signed by both KSKs after 62 s, the new KSK ready after 74 s; there it waits until {@link
   * #finishAlgorithmRoll()}. Knot never removes the old keys by itself. Returns when the new keys
   * exist (step {@link AlgorithmRollStep#NEW_SIGNATURES}). The policy is shared by every zone of
   * this knotd.
   *
   * @throws IllegalArgumentException for an algorithm other than 13-16, or the current one
   * @throws LabException while another algorithm rollover of this signer is unfinished
   */
  public void startAlgorithmRoll(int algorithm) {
    if (algorithm < DNSSEC.Algorithm.ECDSAP256SHA256 || algorithm > DNSSEC.Algorithm.ED448) {
      throw new IllegalArgumentException(
          "the lab rolls to ECDSA or EdDSA (13-16) only, not algorithm " + algorithm);
    }
    int current = policyAlgorithm();
    if (algorithm == current) {
      throw new IllegalArgumentException(
          "the policy of " + id + " already uses algorithm " + algorithm);
    }
    AlgorithmRollStep step = algorithmRollStep();
    if (step != AlgorithmRollStep.DONE) {
      throw new LabException(
          "knotd[" + id + "] " + zone + ": the roll to algorithm " + current + " is at " + step);
    }
    String name = DNSSEC.Algorithm.string(algorithm).toLowerCase(java.util.Locale.ROOT);
    Path conf = configFile();
    try {
      String text = java.nio.file.Files.readString(conf);
      Matcher m = policyAlgorithm(text, conf);
      java.nio.file.Files.writeString(
          conf, text.substring(0, m.start(1)) + name + text.substring(m.end(1)));
    } catch (java.io.IOException e) {
      throw new LabException("cannot rewrite " + conf, e);
    }
    knotc("conf-begin");
    try {
      knotc("conf-set", "policy[" + POLICY_ID + "].algorithm", name);
      knotc("conf-commit");
    } catch (RuntimeException e) {
      tryKnotc("conf-abort");
      throw e;
    }
    awaitAlgorithmRollStep(AlgorithmRollStep.NEW_SIGNATURES, timeout);
    LOG.info(
        "event=algorithm_roll_started provider=knot signer={} zone={} from={} to={}",
        id,
        zone,
        current,
        algorithm);
  }

  /**
   * Confirms the new KSK's DS to Knot ({@code knotc zone-ksk-submitted}), which ends the algorithm
   * rollover: the old-algorithm DNSKEYs leave the DNSKEY RRset at once (the DNSKEY RRset is then
   * signed by the new KSK only), the old ZSK's RRSIGs leave the other RRsets 12 s later
   * (propagation-delay + dnskey-ttl), and the old keys are marked removed (keymgr still lists them
   * with a {@code remove} timer for the policy's delete-delay). Call it when Multisigner says the
   * old DS has left the parent and the DS waits passed: Knot itself checks nothing.
   *
   * @throws LabException unless the roll is at {@link AlgorithmRollStep#AWAITING_DS}; before that
   *     step {@code zone-ksk-submitted} would confirm the old (ready) KSK instead and finish
   *     nothing
   */
  public void finishAlgorithmRoll() {
    AlgorithmRollStep step = algorithmRollStep();
    if (step != AlgorithmRollStep.AWAITING_DS) {
      throw new LabException(
          "knotd["
              + id
              + "] "
              + zone
              + ": the new KSK is not waiting for its DS (step "
              + step
              + "); it is ready 74 s after startAlgorithmRoll");
    }
    String out = knotc("zone-ksk-submitted", zone.toString());
    LOG.info(
        "event=algorithm_roll_finished provider=knot signer={} zone={} knotc={}",
        id,
        zone,
        out.trim());
  }

  /** The algorithm number of the signing policy (knot.conf), e.g. 13. */
  public int policyAlgorithm() {
    Path conf = configFile();
    try {
      Matcher m = policyAlgorithm(java.nio.file.Files.readString(conf), conf);
      int alg = DNSSEC.Algorithm.value(m.group(1).toUpperCase(java.util.Locale.ROOT));
      if (alg < 0) {
        throw new LabException("unknown policy algorithm '" + m.group(1) + "' in " + conf);
      }
      return alg;
    } catch (java.io.IOException e) {
      throw new LabException("cannot read " + conf, e);
    }
  }

  /** Where the algorithm rollover of the zone stands now (see {@link AlgorithmRollStep}). */
  public AlgorithmRollStep algorithmRollStep() {
    int target = policyAlgorithm();
    long now = System.currentTimeMillis() / 1000;
    String out =
        LabCommand.run(
            List.of("keymgr", "-j", "-c", configFile().toString(), zone.toString(), "list"),
            dir,
            redactor);
    JsonNode keys;
    try {
      keys = JSON.readTree(out);
    } catch (java.io.IOException e) {
      throw new LabException("unexpected keymgr -j list output: " + out, e);
    }
    boolean anyNew = false;
    boolean anyOld = false;
    boolean oldWithdrawn = false;
    boolean newPublished = true;
    boolean newKskReady = false;
    for (JsonNode k : keys) {
      if (k.path("public-only").asBoolean() || reached(k, "remove", now)) {
        continue;
      }
      if (k.path("algorithm").asInt() == target) {
        anyNew = true;
        newPublished &= reached(k, "publish", now);
        newKskReady |=
            k.path("ksk").asBoolean() && (reached(k, "ready", now) || reached(k, "active", now));
      } else {
        anyOld = true;
        oldWithdrawn |= reached(k, "post-active", now) || reached(k, "retire", now);
      }
    }
    if (!anyNew) {
      return AlgorithmRollStep.NOT_STARTED;
    }
    if (!anyOld) {
      return AlgorithmRollStep.DONE;
    }
    if (oldWithdrawn) {
      return AlgorithmRollStep.OLD_SIGNATURES;
    }
    if (newKskReady) {
      return AlgorithmRollStep.AWAITING_DS;
    }
    return newPublished ? AlgorithmRollStep.DOUBLE_SIGNED : AlgorithmRollStep.NEW_SIGNATURES;
  }

  private static boolean reached(JsonNode key, String timer, long now) {
    long t = key.path(timer).asLong();
    return t > 0 && t <= now;
  }

  /**
   * Waits (polling keymgr every 250 ms) until the roll is at {@code step} or beyond it (in the
   * order of {@link AlgorithmRollStep}); Knot serves each step within the same second.
   */
  public AlgorithmRollStep awaitAlgorithmRollStep(AlgorithmRollStep step, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      daemon.checkAlive();
      AlgorithmRollStep now = algorithmRollStep();
      if (now.compareTo(step) >= 0) {
        return now;
      }
      if (System.nanoTime() > deadline) {
        throw new LabException(
            "knotd["
                + id
                + "] "
                + zone
                + ": algorithm roll still at "
                + now
                + ", not "
                + step
                + ", after "
                + within);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LabException("interrupted while waiting for the algorithm roll", e);
      }
    }
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
