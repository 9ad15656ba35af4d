package dev.multisigner.lab.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * PowerDNS Authoritative 4.7 as a live signer of the child zone: gsqlite3, {@code
 * direct-dnskey=yes} (API-added DNSKEY/CDS/CDNSKEY are served and signed), all caches off, HTTP API
 * with a per-run key, SOA-EDIT-API DEFAULT and API-RECTIFY 1.
 */
public final class PdnsSigner implements LabSigner, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PdnsSigner.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  static final Path SQLITE_SCHEMA =
      Path.of("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql");

  private final String id;
  private final Name zone;
  private final KeyScheme scheme;
  private final Path dir;
  private final InetSocketAddress dnsAddress;
  private final URI apiUrl;
  private final String apiKey;
  private final Redactor redactor;
  private final Duration timeout;
  private volatile Daemon daemon;

  /** PowerDNS's caches in the lab. */
  public enum Caches {
    /** Every cache off, so a change is visible at once: the lab's default, every test's. */
    OFF(
        "# no caches: changes are visible at once\n"
            + "cache-ttl=0\nquery-cache-ttl=0\nnegquery-cache-ttl=0\n"
            + "dnssec-key-cache-ttl=0\nzone-metadata-cache-ttl=0"),
    /**
     * PowerDNS's own defaults, as a production server runs (packet and query cache 20 s, key cache
     * 30 s, metadata cache 60 s): for benchmarks of what the caches save; a change made around the
     * API can show that much later.
     */
    DEFAULTS("# PowerDNS's default caches (packet and query 20 s, keys 30 s, metadata 60 s)");

    private final String config;

    Caches(String config) {
      this.config = config;
    }
  }

  private PdnsSigner(
      String id,
      Name zone,
      KeyScheme scheme,
      Path dir,
      InetSocketAddress dnsAddress,
      URI apiUrl,
      String apiKey,
      Redactor redactor,
      Daemon daemon,
      Duration timeout) {
    this.timeout = timeout;
    this.id = id;
    this.zone = zone;
    this.scheme = scheme;
    this.dir = dir;
    this.dnsAddress = dnsAddress;
    this.apiUrl = apiUrl;
    this.apiKey = apiKey;
    this.redactor = redactor;
    this.daemon = daemon;
  }

  /**
   * Creates the sqlite database from the packaged schema, loads and secures the zone with pdnsutil,
   * starts pdns_server and waits until it serves the signed DNSKEY RRset and its API answers.
   */
  static PdnsSigner start(
      String id,
      Name zone,
      KeyScheme scheme,
      Path dir,
      InetSocketAddress notifyTarget,
      Duration timeout) {
    InetSocketAddress address = LabPorts.nextAddress();
    int apiPort = LabPorts.next();
    String apiKey = newApiKey();
    Redactor redactor = new Redactor(List.of(apiKey));
    writeConfigAndDatabase(
        id,
        zone.toString(),
        scheme,
        dir,
        address,
        apiPort,
        apiKey,
        notifyTarget,
        Caches.OFF,
        redactor);
    Path zoneFile =
        Templates.write(dir.resolve("zone.db"), "child.zone", Map.of("zone", zone.toString()));
    String z = zone.toString();
    pdnsutil(dir, redactor, "load-zone", z, zoneFile.toString());
    // KSK + ZSK because default-zsk-algorithm is set, a single CSK when it is empty; secure-zone
    // also rectifies the zone (NSEC ordering), so no separate rectify-zone
    pdnsutil(dir, redactor, "secure-zone", z);
    pdnsutil(dir, redactor, "set-meta", z, "SOA-EDIT-API", "DEFAULT");
    pdnsutil(dir, redactor, "set-meta", z, "API-RECTIFY", "1");
    if (notifyTarget != null) {
      // NOTIFY goes out for primary zones only
      pdnsutil(dir, redactor, "set-kind", z, "primary");
    }
    Daemon d =
        Daemon.start(
            "pdns_server[" + id + "]",
            z,
            List.of("pdns_server", "--config-dir=" + dir),
            dir,
            dir.resolve("pdns.log"),
            redactor);
    URI api = URI.create("http://127.0.0.1:" + apiPort + "/api/v1");
    try {
      DnsQueries.awaitAnswer(
          d,
          address,
          zone,
          Type.DNSKEY,
          false,
          m -> DnsQueries.signedAnswer(m, Type.DNSKEY),
          timeout);
      awaitApi(d, api, apiKey, timeout);
    } catch (RuntimeException e) {
      d.stop();
      throw e;
    }
    LOG.info(
        "event=signer_ready provider=pdns signer={} zone={} address={} api={} scheme={} pid={}",
        id,
        zone,
        address,
        api,
        scheme,
        d.pid());
    return new PdnsSigner(id, zone, scheme, dir, address, api, apiKey, redactor, d, timeout);
  }

  /** A per-run API key: 24 random bytes in hex. */
  private static String newApiKey() {
    byte[] keyBytes = new byte[24];
    RANDOM.nextBytes(keyBytes);
    return HexFormat.of().formatHex(keyBytes);
  }

  /** Renders pdns.conf and creates the sqlite database from the packaged schema. */
  private static void writeConfigAndDatabase(
      String id,
      String zoneLabel,
      KeyScheme scheme,
      Path dir,
      InetSocketAddress address,
      int apiPort,
      String apiKey,
      InetSocketAddress notifyTarget,
      Caches caches,
      Redactor redactor) {
    KnotSigner.mkdirs(dir.resolve("run"));
    KnotSigner.checkSocketPath(dir.resolve("run/pdns.controlsocket"));
    Templates.write(
        dir.resolve("pdns.conf"),
        "pdns.conf",
        Map.of(
            "id",
            id,
            "zone",
            zoneLabel,
            "dir",
            dir.toString(),
            "port",
            Integer.toString(address.getPort()),
            "apiPort",
            Integer.toString(apiPort),
            "apiKey",
            apiKey,
            "zskAlgorithm",
            scheme == KeyScheme.CSK ? "" : "ecdsa256",
            "notifyConfig",
            notifyConfig(notifyTarget),
            "cacheConfig",
            caches.config));
    // the packaged schema in one transaction: one fsync instead of one per statement (~0.3 s)
    Path schema = dir.resolve("schema.sql");
    try {
      java.nio.file.Files.writeString(
          schema, "BEGIN;\n" + java.nio.file.Files.readString(SQLITE_SCHEMA) + "\nCOMMIT;\n");
    } catch (IOException e) {
      throw new LabException(
          "cannot read the PowerDNS sqlite schema "
              + SQLITE_SCHEMA
              + " (package pdns-backend-sqlite3)",
          e);
    }
    LabCommand.run(
        List.of("sqlite3", dir.resolve("pdns.sqlite3").toString()),
        dir,
        schema,
        LabCommand.DEFAULT_TIMEOUT,
        redactor);
  }

  /**
   * A PowerDNS signer of many zones (KSK+ZSK each, no NOTIFY), its zones created either through the
   * API of the running pdns_server ({@code threads} concurrent requests) or with pdnsutil before
   * the start (one zone after another); waits until each serves a signed DNSKEY RRset. {@link
   * #zone()} is the first zone.
   */
  static PdnsSigner startZones(
      String id,
      List<Name> zones,
      Path dir,
      Duration timeout,
      PdnsZoneCreation creation,
      int threads,
      Caches caches) {
    InetSocketAddress address = LabPorts.nextAddress();
    int apiPort = LabPorts.next();
    String apiKey = newApiKey();
    Redactor redactor = new Redactor(List.of(apiKey));
    writeConfigAndDatabase(
        id,
        zones.size() + " zones",
        KeyScheme.KSK_ZSK,
        dir,
        address,
        apiPort,
        apiKey,
        null,
        caches,
        redactor);
    // zones pdnsutil creates while pdns_server runs stay REFUSED until its zone cache refreshes
    // (zone-cache-refresh-interval, 5 min): pdnsutil runs before the start
    long t0 = System.nanoTime();
    if (creation == PdnsZoneCreation.PDNSUTIL) {
      for (Name z : zones) {
        Path file =
            Templates.write(
                dir.resolve("zones/" + z.toString(true) + ".zone"),
                "child.zone",
                Map.of("zone", z.toString()));
        pdnsutil(dir, redactor, "load-zone", z.toString(), file.toString());
        pdnsutil(dir, redactor, "secure-zone", z.toString());
        pdnsutil(dir, redactor, "set-meta", z.toString(), "SOA-EDIT-API", "DEFAULT");
        pdnsutil(dir, redactor, "set-meta", z.toString(), "API-RECTIFY", "1");
      }
    }
    Daemon d =
        Daemon.start(
            "pdns_server[" + id + "]",
            zones.size() + " zones",
            List.of("pdns_server", "--config-dir=" + dir),
            dir,
            dir.resolve("pdns.log"),
            redactor);
    URI api = URI.create("http://127.0.0.1:" + apiPort + "/api/v1");
    try {
      awaitApi(d, api, apiKey, timeout);
      if (creation == PdnsZoneCreation.API) {
        createZonesByApi(d, api, apiKey, zones, threads);
      }
      LOG.info(
          "event=pdns_zones_created signer={} zones={} creation={} ms={}",
          id,
          zones.size(),
          creation,
          (System.nanoTime() - t0) / 1_000_000);
      DnsQueries.awaitSignedDnskeys(d, address, zones, timeout);
    } catch (RuntimeException e) {
      d.stop();
      throw e;
    }
    LOG.info(
        "event=signer_ready provider=pdns signer={} zones={} address={} api={} pid={}",
        id,
        zones.size(),
        address,
        api,
        d.pid());
    return new PdnsSigner(
        id, zones.get(0), KeyScheme.KSK_ZSK, dir, address, api, apiKey, redactor, d, timeout);
  }

  private static void createZonesByApi(
      Daemon d, URI api, String apiKey, List<Name> zones, int threads) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI url = URI.create(api + "/servers/localhost/zones");
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (Name z : zones) {
        String body =
            "{\"name\":\""
                + z
                + "\",\"kind\":\"Native\",\"dnssec\":true,\"soa_edit_api\":\"DEFAULT\","
                + "\"api_rectify\":true,\"nameservers\":[],\"zone\":"
                + jsonString(Templates.render("child.zone", Map.of("zone", z.toString())))
                + "}";
        HttpRequest req =
            HttpRequest.newBuilder(url)
                .header("X-API-Key", apiKey)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        done.add(
            pool.submit(
                () -> {
                  HttpResponse<String> r;
                  try {
                    r = http.send(req, HttpResponse.BodyHandlers.ofString());
                  } catch (IOException | InterruptedException e) {
                    throw d.failure("API zone creation of " + z + " failed: " + e, e);
                  }
                  if (r.statusCode() != 201) {
                    throw d.failure(
                        "API refused zone " + z + ": HTTP " + r.statusCode() + " " + r.body(),
                        null);
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause() instanceof RuntimeException re
              ? re
              : new LabException("zone creation failed", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LabException("interrupted while creating zones", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String jsonString(String text) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /**
   * With a target: the zone is a primary zone, NOTIFY (over UDP) goes to the target only ({@code
   * only-notify} empty keeps it from the NS addresses), and serial changes are noticed every
   * second. Without one the server can still notify: {@link #setNotifyTarget} later makes the zone
   * primary with an ALSO-NOTIFY (Native zones send none until then).
   */
  private static String notifyConfig(InetSocketAddress target) {
    String primary = "primary=yes\nonly-notify=\nxfr-cycle-interval=1";
    if (target == null) {
      return primary;
    }
    return primary
        + "\nalso-notify="
        + target.getAddress().getHostAddress()
        + ":"
        + target.getPort();
  }

  /**
   * Points the zone's NOTIFY (UDP) at {@code target} in the running server: the zone becomes a
   * primary zone with the per-zone ALSO-NOTIFY metadata (read at every NOTIFY; the lab turns the
   * metadata cache off). PowerDNS notifies when the zone's SOA serial changes (records-table edits
   * through the API, SOA-EDIT-API), not when its keys change through the cryptokeys API.
   */
  public void setNotifyTarget(InetSocketAddress target) {
    String z = zone.toString();
    if (target == null) {
      pdnsutil("set-meta", z, "ALSO-NOTIFY");
      pdnsutil("set-kind", z, "native");
    } else {
      pdnsutil(
          "set-meta",
          z,
          "ALSO-NOTIFY",
          target.getAddress().getHostAddress() + ":" + target.getPort());
      pdnsutil("set-kind", z, "primary");
    }
    LOG.info("event=notify_target_set provider=pdns signer={} zone={} target={}", id, zone, target);
  }

  private static Daemon launch(
      String id,
      Name zone,
      Path dir,
      InetSocketAddress address,
      URI api,
      String apiKey,
      Redactor redactor,
      Duration timeout) {
    Daemon d =
        Daemon.start(
            "pdns_server[" + id + "]",
            zone.toString(),
            List.of("pdns_server", "--config-dir=" + dir),
            dir,
            dir.resolve("pdns.log"),
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
      awaitApi(d, api, apiKey, timeout);
      return d;
    } catch (RuntimeException e) {
      d.stop();
      throw e;
    }
  }

  /** Stops pdns_server by its PID and starts it again on the same database; waits until ready. */
  @Override
  public void restart() {
    daemon.stop();
    daemon = launch(id, zone, dir, dnsAddress, apiUrl, apiKey, redactor, timeout);
    LOG.info(
        "event=signer_restarted provider=pdns signer={} zone={} pid={}", id, zone, daemon.pid());
  }

  /**
   * Stops pdns_server (the provider is down: DNS and API refuse connections) until {@link
   * #start()}; the database is kept.
   */
  public void stop() {
    daemon.stop();
    LOG.info("event=signer_stopped provider=pdns signer={} zone={}", id, zone);
  }

  /** Starts pdns_server again after {@link #stop()} on the same database; waits until ready. */
  public void start() {
    if (daemon.isAlive()) {
      throw new LabException("pdns_server[" + id + "] is already running", null);
    }
    daemon = launch(id, zone, dir, dnsAddress, apiUrl, apiKey, redactor, timeout);
    LOG.info("event=signer_started provider=pdns signer={} zone={} pid={}", id, zone, daemon.pid());
  }

  private static void awaitApi(Daemon d, URI api, String apiKey, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(api + "/servers/localhost"))
            .header("X-API-Key", apiKey)
            .timeout(Duration.ofSeconds(1))
            .GET()
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      d.checkAlive();
      try {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = "HTTP " + r.statusCode();
      } catch (IOException e) {
        last = e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw d.failure("interrupted while waiting for the API", e);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw d.failure("interrupted while waiting for the API", e);
      }
    }
    throw d.failure(
        "API " + api + " did not answer within " + timeout + " (last: " + last + ")", null);
  }

  private static String pdnsutil(Path dir, Redactor redactor, String... args) {
    List<String> cmd = new ArrayList<>(List.of("pdnsutil", "--config-dir=" + dir));
    cmd.addAll(List.of(args));
    return LabCommand.run(cmd, dir, redactor);
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
    return SignerKind.PDNS;
  }

  public KeyScheme keyScheme() {
    return scheme;
  }

  /** The API base, e.g. {@code http://127.0.0.1:PORT/api/v1}. */
  public URI apiUrl() {
    return apiUrl;
  }

  /** The per-run API key (header {@code X-API-Key}). Never log it. */
  public String apiKey() {
    return apiKey;
  }

  /** The API's server id. */
  public String serverId() {
    return "localhost";
  }

  /** Runs {@code pdnsutil --config-dir=<dir> <args>} and returns its output. */
  public String pdnsutil(String... args) {
    return pdnsutil(dir, redactor, args);
  }

  /**
   * Runs {@code pdns_control --config-dir=<dir> <args>} against the running server (e.g. {@code
   * notify <zone>}: NOTIFY the zone's ALSO-NOTIFY targets now, whether or not its serial moved).
   */
  public String pdnsControl(String... args) {
    List<String> cmd = new ArrayList<>(List.of("pdns_control", "--config-dir=" + dir));
    cmd.addAll(List.of(args));
    return LabCommand.run(cmd, dir, redactor);
  }

  public Path configDir() {
    return dir;
  }

  @Override
  public long pid() {
    return daemon.pid();
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
    return "PdnsSigner[id="
        + id
        + ", zone="
        + zone
        + ", dns="
        + dnsAddress
        + ", api="
        + apiUrl
        + ", apiKey=****]";
  }
}
