package dev.multisigner.bench;

import dev.multisigner.cli.DemoWorld;
import dev.multisigner.cli.LocalStack;
import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.coordinator.topology.CoordinatorStreams;
import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.MultiZoneLab;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.lab.dns.PdnsZoneCreation;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.topics.Topic;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * DESIGN.md target: N zones enrolled on two real signers converge (keys cross-imported, DS at the
 * parent) in ≤ 5 min on a 2-core machine; coordinator state ≤ 4 KiB per zone. A {@link
 * MultiZoneLab} (Knot knot-a, PowerDNS pdns-b, BIND parent {@code test.}, N zones {@code
 * z00001.test.} ...), the three services in one JVM with Demo's properties (plus the overrides
 * below), every zone enrolled with Demo's EnrollZone intent (model 2, the lab's short TTLs). Every
 * {@code check-interval-s} the zones not yet settled are checked over UDP: each signer's DNSKEY
 * RRset (cross-imported with 2 ZSKs), then the parent's DS RRset (converged with 2 records), then
 * each signer's CDS RRset (settled when it equals the parent's DS RRset: the CDS commands are done
 * too, which the DS at the parent does not wait for).
 *
 * <p>{@code --zones=1000 --poll-interval=5s --max-concurrency-per-signer=4 --check-interval-s=5
 * --converge-timeout-s=900 --pdns-create=api --pdns-api-threads=4 --check-threads=8
 * --lab-only=false --retry-interval-s=0 --propagation-delay-s=0 --writer-concurrency=0
 * --plan-basis=last-known --timeline=true --observe-after-write=false} ({@code timeline}: where
 * each zone's time went, {@link ZoneTimeline}; {@code retry-interval-s} 0: Demo's policy, 5 s;
 * {@code propagation-delay-s} 0: Demo's policy, 2 s (the group's propagation delay, which every
 * wait adds to a TTL); {@code writer-concurrency} 0: the coordinator's default, {@code
 * multisigner.writers.concurrency}; {@code plan-basis} a comma-separated list runs the whole
 * benchmark once per value, each on a new lab: {@code multisigner.writers.plan-basis})
 */
public final class ManyZonesBench {

  private static final String TAG = "bench=many_zones";

  private ManyZonesBench() {}

  public static void main(String[] argv) throws Exception {
    Args args =
        new Args(
            argv,
            Map.ofEntries(
                Map.entry("zones", "1000"),
                Map.entry("poll-interval", "5s"),
                Map.entry("max-concurrency-per-signer", "4"),
                Map.entry("check-interval-s", "5"),
                Map.entry("converge-timeout-s", "900"),
                Map.entry("pdns-create", "api"),
                Map.entry("pdns-api-threads", "4"),
                Map.entry("pdns-caches", "off"),
                Map.entry("check-threads", "8"),
                Map.entry("lab-only", "false"),
                Map.entry("retry-interval-s", "0"),
                Map.entry("propagation-delay-s", "0"),
                Map.entry("writer-concurrency", "0"),
                Map.entry("plan-basis", "last-known"),
                Map.entry("timeline", "true"),
                Map.entry("observe-after-write", "false")));
    for (String planBasis : args.string("plan-basis").split(",")) {
      runOnce(args, planBasis.trim());
    }
    System.out.println(Machine.describe("end"));
    System.exit(0);
  }

  /** One lab, one stack, one enrollment of every zone, with the writers' plan basis given. */
  private static void runOnce(Args args, String planBasis) throws Exception {
    int n = args.integer("zones");
    System.out.println(Machine.describe("start"));
    List<String> zones = MultiZoneLab.numberedZones(n, "test.");
    try (Scratch scratch = new Scratch("multisigner-bench-");
        MultiZoneLab lab =
            MultiZoneLab.builder()
                .zones(zones)
                .knotSigner("knot-a")
                .pdnsSigner("pdns-b")
                .pdnsZoneCreation(
                    PdnsZoneCreation.valueOf(args.string("pdns-create").toUpperCase(Locale.ROOT)),
                    args.integer("pdns-api-threads"))
                .pdnsCaches(
                    PdnsSigner.Caches.valueOf(args.string("pdns-caches").toUpperCase(Locale.ROOT)))
                .workDir(scratch.dir().resolve("lab"))
                .start()) {
      StringBuilder startLine =
          new StringBuilder(
              TAG
                  + " zones="
                  + n
                  + " pdns_create="
                  + args.string("pdns-create")
                  + " pdns_caches="
                  + args.string("pdns-caches")
                  + " lab_start_ms="
                  + lab.startupTime().toMillis());
      lab.componentStartup()
          .forEach(
              (k, v) -> startLine.append(' ').append(k).append("_start_ms=").append(v.toMillis()));
      System.out.println(startLine);
      System.out.println(Machine.describe("lab_up"));
      Map<String, Double> cpuLabUp = WorkCounts.cpuSeconds(scratch.dir().toString());
      System.out.println(TAG + " lab_start " + WorkCounts.cpuDelta(Map.of(), cpuLabUp, n));
      Map<String, Long> threadsLabUp = WorkCounts.threadCpuNanos();
      if (!Boolean.parseBoolean(args.string("lab-only"))) {
        WorkCounts.ThreadCpuSampler threads =
            new WorkCounts.ThreadCpuSampler(Duration.ofSeconds(5));
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("multisigner.collector.poll-interval", args.string("poll-interval"));
        overrides.put(
            "multisigner.collector.max-concurrency-per-signer",
            args.integer("max-concurrency-per-signer"));
        // one zone's NOTIFY target is per zone in Knot: polling only, for every zone alike
        overrides.put("multisigner.collector.notify.enabled", false);
        overrides.put("multisigner.writers.plan-basis", planBasis);
        overrides.put(
            "multisigner.collector.observe-after-write",
            Boolean.parseBoolean(args.string("observe-after-write")));
        if (args.integer("writer-concurrency") > 0) {
          overrides.put("multisigner.writers.concurrency", args.integer("writer-concurrency"));
        }
        System.out.println(
            TAG
                + " plan_basis="
                + planBasis
                + " writer_concurrency="
                + (args.integer("writer-concurrency") > 0
                    ? args.string("writer-concurrency")
                    : "default"));
        try (LocalStack stack =
            LocalStack.start(
                DemoRun.settings(lab.lab(), scratch.dir().resolve("stack"), overrides))) {
          run(lab, stack, zones, args);
          System.out.println(TAG + " plan_basis=" + planBasis + " " + WorkCounts.of(stack, zones));
          System.out.println(
              TAG + " plan_basis=" + planBasis + " " + WorkCounts.rss(scratch.dir().toString()));
          // what the run itself cost each process, the lab's start left out
          System.out.println(
              TAG
                  + " plan_basis="
                  + planBasis
                  + " run "
                  + WorkCounts.cpuDelta(
                      cpuLabUp, WorkCounts.cpuSeconds(scratch.dir().toString()), n));
          // the JVM's share by thread: broker, each service's threads, the bench's checks
          System.out.println(
              TAG
                  + " plan_basis="
                  + planBasis
                  + " run "
                  + WorkCounts.threadCpuDelta(threadsLabUp, threads.soFar(), 25));
        } finally {
          threads.close();
        }
      }
    }
  }

  private static void run(MultiZoneLab lab, LocalStack stack, List<String> zones, Args args)
      throws Exception {
    Map<String, Long> enrolledAt =
        enroll(
            stack.bootstrapServers(),
            zones,
            args.integer("retry-interval-s"),
            args.integer("propagation-delay-s"));
    long t0 = enrolledAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    Map<String, Long> crossAt = new ConcurrentHashMap<>();
    Map<String, Long> dsAt = new ConcurrentHashMap<>();
    Map<String, Long> cdsAt = new ConcurrentHashMap<>();
    List<LabSigner> signers = lab.lab().signers();
    InetSocketAddress parent = lab.parent().dnsAddress();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(args.integer("converge-timeout-s"));
    long interval = TimeUnit.SECONDS.toNanos(args.integer("check-interval-s"));
    ExecutorService pool = Executors.newFixedThreadPool(args.integer("check-threads"));
    try {
      while (cdsAt.size() < zones.size()) {
        long roundStart = System.nanoTime();
        if (roundStart > deadline) {
          break;
        }
        List<Future<?>> checks = new ArrayList<>();
        for (String z : zones) {
          if (cdsAt.containsKey(z)) {
            continue;
          }
          checks.add(
              pool.submit(
                  () -> {
                    if (System.nanoTime() > deadline) {
                      return null; // a round that outlasts the timeout ends with it
                    }
                    Name name = Name.fromString(z);
                    if (!crossAt.containsKey(z) && crossImported(signers, name)) {
                      crossAt.put(z, System.nanoTime());
                    }
                    // the DS follows the CDS, which follows the cross-import: ask the parent
                    // only then, so the checks load the machine less
                    if (crossAt.containsKey(z)
                        && !dsAt.containsKey(z)
                        && count(parent, name, Type.DS, DSRecord.class) == 2) {
                      dsAt.put(z, System.nanoTime());
                    }
                    // settled: every signer also serves CDS equal to the parent's DS RRset
                    if (dsAt.containsKey(z) && cdsMatchesDs(signers, parent, name)) {
                      cdsAt.put(z, System.nanoTime());
                    }
                    return null;
                  }));
        }
        for (Future<?> f : checks) {
          f.get();
        }
        long now = System.nanoTime();
        System.out.printf(
            "%s progress elapsed_s=%.1f cross_imported=%d ds_at_parent=%d cds_at_signers=%d"
                + " round_ms=%d load=%s%n",
            TAG,
            (now - t0) / 1e9,
            crossAt.size(),
            dsAt.size(),
            cdsAt.size(),
            TimeUnit.NANOSECONDS.toMillis(now - roundStart),
            Machine.describe("now").replaceAll(".*loadavg_1_5_15=", ""));
        long sleep = interval - (now - roundStart);
        if (sleep > 0) {
          TimeUnit.NANOSECONDS.sleep(sleep);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    report(zones, enrolledAt, crossAt, dsAt, cdsAt, t0, stack);
    if (Boolean.parseBoolean(args.string("timeline"))) {
      long wallMinusNanoMs = System.currentTimeMillis() - System.nanoTime() / 1_000_000;
      Map<String, Long> enrolledAtMs = new HashMap<>();
      enrolledAt.forEach((z, nanos) -> enrolledAtMs.put(z, nanos / 1_000_000 + wallMinusNanoMs));
      ZoneTimeline.print(TAG, stack.bootstrapServers(), enrolledAtMs, signers.size());
    }
  }

  private static void report(
      List<String> zones,
      Map<String, Long> enrolledAt,
      Map<String, Long> crossAt,
      Map<String, Long> dsAt,
      Map<String, Long> cdsAt,
      long t0,
      LocalStack stack) {
    List<Long> converge = new ArrayList<>();
    List<Long> cross = new ArrayList<>();
    List<Long> settle = new ArrayList<>();
    long last = t0;
    long lastSettled = t0;
    for (String z : zones) {
      long e = enrolledAt.get(z);
      if (crossAt.containsKey(z)) {
        cross.add(TimeUnit.NANOSECONDS.toMillis(crossAt.get(z) - e));
      }
      if (crossAt.containsKey(z) && dsAt.containsKey(z)) {
        long done = Math.max(crossAt.get(z), dsAt.get(z));
        converge.add(TimeUnit.NANOSECONDS.toMillis(done - e));
        last = Math.max(last, done);
        if (cdsAt.containsKey(z)) {
          long settled = Math.max(done, cdsAt.get(z));
          settle.add(TimeUnit.NANOSECONDS.toMillis(settled - e));
          lastSettled = Math.max(lastSettled, settled);
        }
      }
    }
    boolean all = converge.size() == zones.size();
    long totalMs = TimeUnit.NANOSECONDS.toMillis(last - t0);
    StringBuilder s =
        new StringBuilder(
            TAG
                + " zones="
                + zones.size()
                + " converged="
                + converge.size()
                + " cross_imported="
                + cross.size()
                + " ds_at_parent="
                + dsAt.size()
                + " all_converged="
                + all
                + " total_converge_ms="
                + (all ? totalMs : -1));
    if (!converge.isEmpty()) {
      s.append(' ').append(new Percentiles(converge).render("zone_converge"));
    }
    if (!cross.isEmpty()) {
      s.append(' ').append(new Percentiles(cross).render("zone_cross_import"));
    }
    s.append(" target_total_ms=300000 met=").append(all && totalMs <= 300_000);
    System.out.println(s);
    boolean allSettled = settle.size() == zones.size();
    StringBuilder settled =
        new StringBuilder(
            TAG
                + " settled="
                + settle.size()
                + " all_settled="
                + allSettled
                + " total_settle_ms="
                + (allSettled ? TimeUnit.NANOSECONDS.toMillis(lastSettled - t0) : -1));
    if (!settle.isEmpty()) {
      settled.append(' ').append(new Percentiles(settle).render("zone_settle"));
    }
    System.out.println(settled);
    System.out.println(TAG + " " + stateSize(stack));
  }

  /**
   * Sends one EnrollZone intent per zone (Demo's; with {@code retryIntervalS > 0} its policy's
   * command retry interval replaced, with {@code propagationDelayS > 0} its propagation delay), all
   * at once; returns each zone's send time.
   */
  static Map<String, Long> enroll(
      String bootstrap, List<String> zones, int retryIntervalS, int propagationDelayS) {
    GroupPolicy.Builder policy = GroupPolicy.newBuilder(DemoWorld.labPolicy());
    if (retryIntervalS > 0) {
      policy.setRetryIntervalSeconds(retryIntervalS);
    }
    if (propagationDelayS > 0) {
      policy.setPropagationDelaySeconds(propagationDelayS);
    }
    GroupPolicy adjusted = policy.build();
    Topic<ZoneIntent> topic = TopicCatalog.ZONE_INTENTS;
    Map<String, Long> at = new HashMap<>();
    long t = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (String z : zones) {
        ZoneIntent intent = DemoWorld.enroll(z);
        ((EnrollZone) intent.getIntent()).setPolicy(adjusted);
        at.put(z, System.nanoTime());
        producer.send(new ProducerRecord<>(topic.name(), z, topic.valueSerde().encode(intent)));
      }
      producer.flush();
    }
    System.out.println(
        TAG
            + " enrolled="
            + zones.size()
            + " retry_interval_s="
            + adjusted.getRetryIntervalSeconds()
            + " propagation_delay_s="
            + adjusted.getPropagationDelaySeconds()
            + " enroll_send_ms="
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t));
    return at;
  }

  /** True when every signer serves two ZSKs (its own and the other's) for the zone. */
  static boolean crossImported(List<LabSigner> signers, Name zone) {
    for (LabSigner s : signers) {
      int zsks = 0;
      Message m = query(s.dnsAddress(), zone, Type.DNSKEY);
      if (m == null) {
        return false;
      }
      for (Record r : m.getSection(Section.ANSWER)) {
        if (r instanceof DNSKEYRecord k && k.getFlags() == 256) {
          zsks++;
        }
      }
      if (zsks < 2) {
        return false;
      }
    }
    return true;
  }

  /** True when every signer's CDS RRset has the same rdata as the parent's DS RRset. */
  private static boolean cdsMatchesDs(
      List<LabSigner> signers, InetSocketAddress parent, Name zone) {
    Set<String> ds = rdata(parent, zone, Type.DS);
    if (ds.isEmpty()) {
      return false;
    }
    for (LabSigner s : signers) {
      if (!ds.equals(rdata(s.dnsAddress(), zone, Type.CDS))) {
        return false;
      }
    }
    return true;
  }

  private static Set<String> rdata(InetSocketAddress server, Name name, int type) {
    Message m = query(server, name, type);
    Set<String> out = new TreeSet<>();
    if (m != null) {
      for (Record r : m.getSection(Section.ANSWER)) {
        if (r.getType() == type) {
          out.add(r.rdataToString());
        }
      }
    }
    return out;
  }

  static int count(InetSocketAddress server, Name name, int type, Class<?> kind) {
    Message m = query(server, name, type);
    return m == null
        ? 0
        : (int) m.getSection(Section.ANSWER).stream().filter(kind::isInstance).count();
  }

  private static Message query(InetSocketAddress server, Name name, int type) {
    try {
      SimpleResolver r = AuthoritativeDns.resolver(server, Duration.ofSeconds(2));
      r.setTCP(false);
      Message q = AuthoritativeDns.newQuery(name, type);
      Message m = r.send(q);
      if (m.getHeader().getFlag(Flags.TC)) {
        r.setTCP(true);
        m = r.send(q);
      }
      return m;
    } catch (IOException e) {
      return null;
    }
  }

  /** Bytes of the coordinator's zone-state store per zone (ZoneStateCodec bytes). */
  private static String stateSize(LocalStack stack) {
    try {
      return StateSize.describe(
          stack.context(Service.SIGNER_COORDINATOR).getBean(CoordinatorStreams.class).zoneStates());
    } catch (RuntimeException e) {
      return "state_error=\"" + e + "\"";
    }
  }
}
