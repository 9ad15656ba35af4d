package dev.multisigner.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.checker.CheckReport;
import dev.multisigner.checker.CrossSignerChecker;
import dev.multisigner.checker.ParentEndpoint;
import dev.multisigner.checker.SignerEndpoint;
import dev.multisigner.cli.LocalStack;
import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.cli.MultisignerCommand;
import dev.multisigner.collector.KeyCollectorApplication;
import dev.multisigner.coordinator.CoordinatorApplication;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.MultiZoneLab;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.dns.DnsKeyReader;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The services scaled out as in production, every one in its own JVM on the real broker: two
 * key-collectors (one group), two signer-coordinators (one Streams application, each with its
 * operator API), one signer writer per signer ({@code multisigner writer --signer <id>}), against a
 * real Knot and PowerDNS signing N zones (default 40, {@code -Dmultisigner.e2e.scaleout.zones=200})
 * and a BIND parent; the ds-publisher and the broker run in this JVM. Before and after one
 * collector and one coordinator are SIGKILLed mid-way: each zone is polled by exactly one
 * collector, every zone converges (both ZSKs at both signers, both DS at the parent, the checker
 * finds every chain valid), and either coordinator's API, then the survivor's, answers for every
 * zone.
 *
 * <p>Polls are counted from the collectors' {@code event=zone_polled} lines (DEBUG, enabled by this
 * test's logback file), one per zone × signer and poll tick.
 */
class ScaleOutE2eTest {

  private static final int ZONES = Integer.getInteger("multisigner.e2e.scaleout.zones", 40);
  private static final String KNOT = "knot-a";
  private static final String PDNS = "pdns-b";
  private static final Duration POLL = Duration.ofSeconds(2);

  /**
   * Six service JVMs start at once on a machine that may be shared: quick JIT and a small GC for
   * start-up, and time.
   */
  private static final List<String> JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private static final Duration START = Duration.ofMinutes(6);
  private static final Pattern POLLED =
      Pattern.compile("event=zone_polled zone=(\\S+) signer=(\\S+)");

  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private String authorization;

  @Test
  void everyZoneConvergesWithTwoOfEachServiceThroughASigkillOfACollectorAndACoordinator()
      throws Exception {
    List<String> zones = MultiZoneLab.numberedZones(ZONES, "test.");
    List<ServiceProcess> all = new ArrayList<>();
    try (MultiZoneLab lab =
            MultiZoneLab.builder()
                .zones(zones)
                .knotSigner(KNOT)
                .pdnsSigner(PDNS)
                .workDir(dir.resolve("lab"))
                .start();
        LocalStack stack =
            LocalStack.start(
                LocalStack.Settings.embedded(dir.resolve("stack"))
                    .withServiceProperties(
                        Service.DS_PUBLISHER, E2eWorld.properties(lab.lab(), Service.DS_PUBLISHER))
                    .without(Service.KEY_COLLECTOR)
                    .without(Service.SIGNER_COORDINATOR));
        TopicProbe log = new TopicProbe(stack.bootstrapServers())) {
      authorization =
          "Bearer " + Files.readString(LocalStack.apiTokenFile(dir.resolve("stack"))).trim();
      Path logback = logback();
      Map<String, Object> signers = E2eWorld.properties(lab.lab(), Service.SIGNER_COORDINATOR);
      // the six JVMs start side by side (one after another they take minutes on a loaded host)
      Map<String, java.util.concurrent.CompletableFuture<ServiceProcess>> starting =
          new java.util.LinkedHashMap<>();
      for (String name : List.of("coordinator-a", "coordinator-b")) {
        starting.put(name, async(() -> coordinator(name, signers, stack)));
      }
      for (String signer : List.of(KNOT, PDNS)) {
        starting.put("writer-" + signer, async(() -> writer(signer, signers, stack)));
      }
      for (String name : List.of("collector-a", "collector-b")) {
        starting.put(name, async(() -> collector(name, lab, stack, logback)));
      }
      Map<String, ServiceProcess> up = new HashMap<>();
      AssertionError failed = null;
      for (var e : starting.entrySet()) {
        try {
          up.put(e.getKey(), e.getValue().get());
          all.add(up.get(e.getKey()));
        } catch (java.util.concurrent.ExecutionException x) {
          failed = failed == null ? new AssertionError("cannot start " + e.getKey(), x) : failed;
        }
      }
      if (failed != null) {
        throw failed;
      }
      ServiceProcess coordinatorA = up.get("coordinator-a");
      ServiceProcess coordinatorB = up.get("coordinator-b");
      ServiceProcess collectorA = up.get("collector-a");
      ServiceProcess collectorB = up.get("collector-b");

      long t0 = System.nanoTime();
      for (String zone : zones) {
        log.send(TopicCatalog.ZONE_INTENTS, zone, enroll(zone));
      }

      // Steady state with both collectors: each zone × signer polled by exactly one of them.
      Thread.sleep(POLL.multipliedBy(2).toMillis());
      Map<String, Map<String, Integer>> both =
          pollsDuring(POLL.multipliedBy(3), collectorA, collectorB);
      assertPolledByExactlyOne(zones, both, "both collectors up");
      assertThat(both.get("collector-a")).as("both collectors poll a share").isNotEmpty();
      assertThat(both.get("collector-b")).isNotEmpty();

      // Either coordinator answers for every zone (each forwards what the other runs).
      awaitApi(List.of(coordinatorA, coordinatorB), zones, Duration.ofMinutes(3), true);

      // Mid-way: SIGKILL one collector and one coordinator.
      Map<String, Long> converged = new ConcurrentHashMap<>();
      awaitConverged(lab, zones, converged, t0, Math.max(1, zones.size() / 4), patience(5, 3));
      int convergedAtKill = converged.size();
      long killedAt = System.nanoTime();
      long offsetA = Files.size(collectorA.log());
      collectorB.kill();
      coordinatorB.kill();
      String loadAtKill = load();

      // both failovers are timed at once: the survivor polls every zone; its API answers them
      java.util.concurrent.CompletableFuture<Long> collectorFailover =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> awaitAllPolledSince(collectorA, offsetA, zones, killedAt));
      long apiFailoverMs =
          awaitApi(List.of(coordinatorA), zones, Duration.ofMinutes(3), false) - killedAt;
      long collectorFailoverMs = collectorFailover.get();

      awaitConverged(lab, zones, converged, t0, zones.size(), patience(10, 6));
      long convergeMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(converged.keySet()).containsExactlyInAnyOrderElementsOf(zones);

      // Steady state after the failover: the survivor polls every zone × signer, alone.
      Map<String, Map<String, Integer>> after = pollsDuring(POLL.multipliedBy(3), collectorA);
      assertPolledByExactlyOne(zones, after, "after the SIGKILL");

      // The survivor's API answers for every zone, and its list holds them all.
      assertThat(apiList(coordinatorA)).containsExactlyElementsOf(zones);
      assertValid(lab, zones);

      System.out.printf(
          "e2e scale-out: zones=%d converged=%d converge_ms=%d converged_at_kill=%d"
              + " collector_failover_ms=%d api_failover_ms=%d polls_per_pair_window_both=%s"
              + " polls_per_pair_window_after=%s poll_interval_ms=%d load_at_kill=\"%s\""
              + " load_end=\"%s\"%n",
          zones.size(),
          converged.size(),
          convergeMs,
          convergedAtKill,
          collectorFailoverMs,
          apiFailoverMs / 1_000_000,
          spread(both),
          spread(after),
          POLL.toMillis(),
          loadAtKill,
          load());
    } catch (AssertionError | Exception e) {
      // the services' logs go with the temporary directory: the failure carries what they warned
      StringBuilder logs = new StringBuilder(String.valueOf(e.getMessage()));
      logs.append("\nload: ").append(load());
      for (ServiceProcess p : all) {
        logs.append('\n').append(p.diagnosis(25, 8));
      }
      throw new AssertionError(logs.toString(), e);
    } finally {
      for (ServiceProcess p : all) {
        p.close();
      }
    }
  }

  /** At least {@code minutes}, and {@code secondsPerZone} per zone for a larger run. */
  private static Duration patience(int minutes, int secondsPerZone) {
    Duration perZone = Duration.ofSeconds((long) secondsPerZone * ZONES);
    Duration floor = Duration.ofMinutes(minutes);
    return perZone.compareTo(floor) > 0 ? perZone : floor;
  }

  private static <T> java.util.concurrent.CompletableFuture<T> async(
      java.util.function.Supplier<T> start) {
    return java.util.concurrent.CompletableFuture.supplyAsync(
        start,
        r -> {
          Thread t = new Thread(r, "scale-out-start");
          t.setDaemon(true);
          t.start();
        });
  }

  /** {@code multisigner writer --signer <id>}: the signer's writer as its own process. */
  private ServiceProcess writer(String signer, Map<String, Object> signers, LocalStack stack) {
    return ServiceProcess.start(
        "writer-" + signer,
        MultisignerCommand.class,
        dir.resolve("processes"),
        signers,
        JVM,
        port ->
            List.of(
                "writer",
                "--signer",
                signer,
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--port",
                Integer.toString(port)),
        START);
  }

  private ServiceProcess coordinator(String name, Map<String, Object> signers, LocalStack stack) {
    Map<String, Object> p = new HashMap<>(signers);
    p.put("kafka.bootstrap.servers", stack.bootstrapServers());
    p.put("multisigner.coordinator.state-dir", dir.resolve(name + "-state").toString());
    p.put("multisigner.coordinator.instance-id", name);
    p.put("multisigner.coordinator.session-timeout", "6s");
    p.put("multisigner.coordinator.advertised-address", "127.0.0.1:${micronaut.server.port}");
    p.put("multisigner.writers.enabled", false);
    p.put("multisigner.api.token", "file:" + LocalStack.apiTokenFile(dir.resolve("stack")));
    return ServiceProcess.start(
        name,
        CoordinatorApplication.class,
        dir.resolve("processes"),
        p,
        JVM,
        port -> List.of(),
        START);
  }

  private ServiceProcess collector(String name, MultiZoneLab lab, LocalStack stack, Path logback) {
    Map<String, Object> p = new HashMap<>(E2eWorld.properties(lab.lab(), Service.KEY_COLLECTOR));
    p.put("kafka.bootstrap.servers", stack.bootstrapServers());
    p.put("multisigner.collector.poll-interval", POLL.toMillis() + "ms");
    p.put("multisigner.collector.group-id", "scale-out-collectors");
    p.put("multisigner.collector.group-session-timeout", "6s");
    // Knot's NOTIFY target is per zone in the lab and one port cannot serve two instances here
    p.put("multisigner.collector.notify.enabled", false);
    return ServiceProcess.start(
        name,
        KeyCollectorApplication.class,
        dir.resolve("processes"),
        p,
        java.util.stream.Stream.concat(
                JVM.stream(), java.util.stream.Stream.of("-Dlogback.configurationFile=" + logback))
            .toList(),
        port -> List.of(),
        START);
  }

  /** The services' logback configuration, with the collectors' poll lines. */
  private Path logback() throws IOException {
    Path file = dir.resolve("logback-scale-out.xml");
    Files.writeString(
        file,
        """
        <configuration>
          <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
          </appender>
          <logger name="org.apache.kafka" level="WARN"/>
          <logger name="kafka" level="WARN"/>
          <logger name="dev.multisigner" level="INFO"/>
          <logger name="dev.multisigner.collector.observe.ObservationPoller" level="DEBUG"/>
          <root level="INFO"><appender-ref ref="STDOUT"/></root>
        </configuration>
        """);
    return file;
  }

  private static ZoneIntent enroll(String zone) {
    return new ZoneIntent(
        new Envelope(UUID.randomUUID().toString(), zone, Instant.now(), "e2e-test", null, null),
        new EnrollZone(
            List.of(
                new SignerSpec(KNOT, "knot", 13, List.of("ns1." + zone)),
                new SignerSpec(PDNS, "powerdns", 13, List.of("ns2." + zone))),
            E2eWorld.policy()));
  }

  /** Zone × signer → polls per collector in the window, from the lines each logged in it. */
  private static Map<String, Map<String, Integer>> pollsDuring(
      Duration window, ServiceProcess... collectors) throws Exception {
    Map<ServiceProcess, Long> from = new HashMap<>();
    for (ServiceProcess c : collectors) {
      from.put(c, Files.size(c.log()));
    }
    Thread.sleep(window.toMillis());
    Map<String, Map<String, Integer>> polls = new TreeMap<>();
    for (ServiceProcess c : collectors) {
      Map<String, Integer> mine = new TreeMap<>();
      for (String line : linesSince(c.log(), from.get(c))) {
        Matcher m = POLLED.matcher(line);
        if (m.find()) {
          mine.merge(m.group(1) + "/" + m.group(2), 1, Integer::sum);
        }
      }
      polls.put(name(c), mine);
    }
    return polls;
  }

  private static void assertPolledByExactlyOne(
      List<String> zones, Map<String, Map<String, Integer>> polls, String when) {
    for (String zone : zones) {
      for (String signer : List.of(KNOT, PDNS)) {
        String pair = zone + "/" + signer;
        List<String> pollers =
            polls.entrySet().stream()
                .filter(e -> e.getValue().containsKey(pair))
                .map(Map.Entry::getKey)
                .toList();
        assertThat(pollers).as("%s: collectors that polled %s", when, pair).hasSize(1);
      }
    }
  }

  /** Milliseconds from the kill until the survivor polled every zone (its log since offset). */
  private static long awaitAllPolledSince(
      ServiceProcess collector, long offset, List<String> zones, long killedAt) {
    try {
      return allPolledSince(collector, offset, zones, killedAt);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long allPolledSince(
      ServiceProcess collector, long offset, List<String> zones, long killedAt)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      Set<String> polled = new java.util.HashSet<>();
      for (String line : linesSince(collector.log(), offset)) {
        Matcher m = POLLED.matcher(line);
        if (m.find()) {
          polled.add(m.group(1));
        }
      }
      if (polled.containsAll(zones)) {
        return (System.nanoTime() - killedAt) / 1_000_000;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "the surviving collector did not take every zone:\n" + collector.logTail(40));
  }

  /**
   * Waits until each coordinator's API answers 200 for every zone; returns the time (nanos). Until
   * then a zone is a 503 with Retry-After (its owner moving or not answering), or, only while the
   * enrollments may still be on their way ({@code enrolling}), a 404.
   */
  private long awaitApi(
      List<ServiceProcess> coordinators, List<String> zones, Duration timeout, boolean enrolling)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> last = new TreeMap<>();
    while (System.nanoTime() < deadline) {
      last.clear();
      for (ServiceProcess c : coordinators) {
        for (String zone : zones) {
          HttpResponse<String> r = get(c, "/zones/" + zone);
          if (r.statusCode() != 200) {
            last.put(name(c) + " " + zone, r.statusCode() + " " + r.body());
            if (r.statusCode() == 503) {
              assertThat(r.headers().firstValue("Retry-After")).isPresent();
            } else {
              assertThat(r.statusCode())
                  .as("%s %s: %s", name(c), zone, r.body())
                  .isEqualTo(enrolling ? 404 : 503);
            }
            break;
          }
        }
      }
      if (last.isEmpty()) {
        return System.nanoTime();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the API did not answer for every zone: " + last);
  }

  private List<String> apiList(ServiceProcess coordinator) throws Exception {
    HttpResponse<String> r = get(coordinator, "/zones");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("\"zone\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private HttpResponse<String> get(ServiceProcess service, String path) throws Exception {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(service.url() + path))
              .timeout(Duration.ofSeconds(20))
              .header("Authorization", authorization)
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(name(service) + " did not answer " + path + ": " + e, e);
    }
  }

  /**
   * Waits until at least {@code target} zones converged (both ZSKs at both signers, two DS at the
   * parent), recording when each did.
   */
  private static void awaitConverged(
      MultiZoneLab lab,
      List<String> zones,
      Map<String, Long> converged,
      long t0,
      int target,
      Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (converged.size() < target && System.nanoTime() < deadline) {
      for (String zone : zones) {
        if (!converged.containsKey(zone) && converged(lab, zone)) {
          converged.put(zone, (System.nanoTime() - t0) / 1_000_000);
        }
      }
      Thread.sleep(1000);
    }
    assertThat(converged.size())
        .as("zones converged within %s (of %d)", timeout, zones.size())
        .isGreaterThanOrEqualTo(target);
  }

  private static boolean converged(MultiZoneLab lab, String zone) {
    for (LabSigner s : lab.lab().signers()) {
      long zsks =
          query(s, zone, Type.DNSKEY).stream()
              .filter(r -> r instanceof DNSKEYRecord k && k.getFlags() == 256)
              .count();
      if (zsks != 2) {
        return false;
      }
    }
    try {
      return new DnsKeyReader(
                  SignerId.of("parent"), lab.parent().dnsAddress(), Duration.ofSeconds(2))
              .query(ZoneName.of(zone), Type.DS).stream()
                  .filter(r -> r.getType() == Type.DS)
                  .count()
          == 2;
    } catch (ProviderException e) {
      return false;
    }
  }

  private static List<Record> query(LabSigner signer, String zone, int type) {
    try {
      return new DnsKeyReader(SignerId.of(signer.id()), signer.dnsAddress(), Duration.ofSeconds(2))
          .query(ZoneName.of(zone), type);
    } catch (ProviderException e) {
      return List.of();
    }
  }

  /** The cross-provider checker finds every chain, pair and CDS of every zone valid. */
  private static void assertValid(MultiZoneLab lab, List<String> zones) {
    CrossSignerChecker checker = new CrossSignerChecker(Duration.ofSeconds(3));
    List<SignerEndpoint> endpoints =
        lab.lab().signers().stream().map(s -> new SignerEndpoint(s.id(), s.dnsAddress())).toList();
    ParentEndpoint parent =
        new ParentEndpoint(lab.parent().dnsAddress(), lab.parent().trustAnchor());
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    for (String zone : zones) {
      CheckReport report = checker.check(ZoneName.of(zone), endpoints, parent, Instant.now());
      while (!report.allValid() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(1000); // a CDS or DS change of the last zones may still be propagating
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        report = checker.check(ZoneName.of(zone), endpoints, parent, Instant.now());
      }
      assertThat(report.allValid()).as("%s\n%s", zone, report.render()).isTrue();
    }
  }

  private static List<String> linesSince(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long length = f.length();
      byte[] bytes = new byte[(int) Math.max(0, length - offset)];
      f.seek(offset);
      f.readFully(bytes);
      return List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
    }
  }

  /** Polls per zone × signer per collector in a window: min–max over the pairs it polled. */
  private static String spread(Map<String, Map<String, Integer>> polls) {
    StringBuilder s = new StringBuilder();
    polls.forEach(
        (collector, pairs) -> {
          int min = pairs.values().stream().mapToInt(Integer::intValue).min().orElse(0);
          int max = pairs.values().stream().mapToInt(Integer::intValue).max().orElse(0);
          s.append(collector)
              .append(':')
              .append(pairs.size())
              .append("pairs,")
              .append(min)
              .append('-')
              .append(max)
              .append(';');
        });
    return s.toString();
  }

  private static String name(ServiceProcess p) {
    return p.log().getFileName().toString().replace(".log", "");
  }

  private static String load() {
    return String.format(
        "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
