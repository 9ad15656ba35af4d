package dev.multisigner.bench;

import dev.multisigner.cli.LocalStack;
import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.collector.notify.NotifyListener;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.MultiZoneLab;
import dev.multisigner.lab.dns.PdnsKeystore;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Issue 10's key-sync target: cross-provider key sync p99 ≤ 1 s over ≥ 100 rollovers with NOTIFY
 * (both directions), and ≤ poll interval + 1 s without it. A {@link MultiZoneLab} (Knot knot-a,
 * PowerDNS pdns-b, BIND parent) with N zones, the three services in one JVM with Demo's properties,
 * every zone enrolled and converged; then R ZSK rollovers spread over the zones, one started every
 * {@code spacing-ms} (each zone's pair moved by a seeded random 0..{@code jitter-ms}), alternating
 * between the providers:
 *
 * <ul>
 *   <li>at Knot, {@code knotc zone-key-rollover <zone> zsk} (Knot's own pre-publish roll);
 *   <li>at PowerDNS, what its operator does to pre-publish a ZSK: a new ZSK through the cryptokeys
 *       API, published and not yet active. PowerDNS 4.7 does not move the SOA serial nor NOTIFY for
 *       a cryptokeys change, so in the {@code notify} mode the operator's hook also makes it known
 *       ({@code --pdns-notify}: {@code queue} runs {@code pdns_control notify <zone>}, {@code host}
 *       {@code pdns_control notify-host}, {@code direct} sends the NOTIFY itself; see {@link
 *       PdnsHook}); in the {@code poll} mode nothing notifies.
 * </ul>
 *
 * <p>Per rollover: {@code t_origin}, the first time the rolling provider serves the new ZSK (polled
 * over UDP/TCP every 10 ms), and {@code t_other}, the first time the other provider serves it
 * (polled every 10 ms). {@code sync = t_other - t_origin}. In the {@code notify} mode both
 * providers NOTIFY the collector (Knot for every zone through its default template, PowerDNS per
 * zone as a primary with ALSO-NOTIFY).
 *
 * <p>Where the time went ({@link SyncStages}): each rollover's line gives, in ms from {@code
 * t_origin}, the NOTIFY's arrival at the collector, the observation, the coordinator's command, the
 * writer's start and end and {@code t_other}, and a refused basis at the writer; then per direction
 * one line per step with its percentiles.
 *
 * <p>{@code --after-write=on,off} runs each mode with the collector's observe-after-write on and
 * off, to compare; the bench also counts the signer commands written during the rolls. {@code
 * --commit-interval} sets the coordinator's commit interval (the product's default when empty).
 *
 * <p>{@code --zones=60 --rolls=100 --spacing-ms=1500 --jitter-ms=1000 --poll-interval=5s
 * --modes=notify,poll --after-write=off --pdns-notify=queue --converge-timeout-s=600
 * --sync-timeout-s=60 --commit-interval=}
 */
public final class KeySyncBench {

  private static final String TAG = "bench=key_sync";

  private KeySyncBench() {}

  public static void main(String[] argv) throws Exception {
    Args args =
        new Args(
            argv,
            Map.ofEntries(
                Map.entry("zones", "60"),
                Map.entry("rolls", "100"),
                Map.entry("spacing-ms", "1500"),
                Map.entry("poll-interval", "5s"),
                Map.entry("modes", "notify,poll"),
                Map.entry("after-write", "off"),
                Map.entry("converge-timeout-s", "600"),
                Map.entry("sync-timeout-s", "60"),
                Map.entry("pdns-notify", "queue"),
                Map.entry("jitter-ms", "1000"),
                Map.entry("commit-interval", "")));
    System.out.println(Machine.describe("start"));
    for (String mode : args.string("modes").split(",")) {
      for (String afterWrite : args.string("after-write").split(",")) {
        run(mode.trim(), "on".equals(afterWrite.trim()), args);
        System.out.println(Machine.describe("after_" + mode.trim() + "_" + afterWrite.trim()));
      }
    }
    System.out.println(Machine.describe("end"));
    System.exit(0);
  }

  private static void run(String mode, boolean afterWrite, Args args) throws Exception {
    boolean notify =
        switch (mode) {
          case "notify" -> true;
          case "poll" -> false;
          default -> throw new IllegalArgumentException("mode is notify or poll, got " + mode);
        };
    int n = args.integer("zones");
    int rolls = args.integer("rolls");
    if (rolls > 2 * n) {
      throw new IllegalArgumentException(
          "at most one roll per zone and provider: --rolls ≤ 2 × --zones");
    }
    String pdnsNotify = args.string("pdns-notify");
    if (!Set.of("queue", "host", "direct").contains(pdnsNotify)) {
      throw new IllegalArgumentException(
          "--pdns-notify is queue, host or direct, got " + pdnsNotify);
    }
    String tag =
        TAG
            + " mode="
            + mode
            + " observe_after_write="
            + afterWrite
            + " poll_interval="
            + args.string("poll-interval")
            + (notify ? " pdns_notify=" + pdnsNotify : "")
            + (args.string("commit-interval").isEmpty()
                ? ""
                : " commit_interval=" + args.string("commit-interval"));
    List<String> zones = MultiZoneLab.numberedZones(n, "test.");
    try (Scratch scratch = new Scratch("multisigner-bench-");
        MultiZoneLab lab =
            MultiZoneLab.builder()
                .zones(zones)
                .knotSigner("knot-a")
                .pdnsSigner("pdns-b")
                .workDir(scratch.dir().resolve("lab"))
                .start()) {
      Map<String, Object> overrides = new HashMap<>();
      overrides.put("multisigner.collector.poll-interval", args.string("poll-interval"));
      overrides.put("multisigner.collector.notify.enabled", notify);
      overrides.put("multisigner.collector.observe-after-write", afterWrite);
      if (!args.string("commit-interval").isEmpty()) {
        // to measure what the coordinator's commit interval costs the sync; default 100 ms
        overrides.put("multisigner.coordinator.commit-interval", args.string("commit-interval"));
      }
      try (LocalStack stack =
          LocalStack.start(
              DemoRun.settings(lab.lab(), scratch.dir().resolve("stack"), overrides))) {
        InetSocketAddress target = null;
        if (notify) {
          target = stack.context(Service.KEY_COLLECTOR).getBean(NotifyListener.class).address();
          wireNotify(lab, target);
          System.out.println(tag + " notify_target=" + target);
        }
        long t0 = System.nanoTime();
        ManyZonesBench.enroll(stack.bootstrapServers(), zones, 0, 0);
        if (!awaitConverged(lab, zones, args.integer("converge-timeout-s"))) {
          System.out.println(tag + " converged=false");
          return;
        }
        System.out.println(
            tag
                + " zones="
                + n
                + " converged=true converge_ms="
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        long commandsBefore = records(stack, TopicCatalog.Names.SIGNER_COMMANDS);
        PdnsHook hook = new PdnsHook(notify ? pdnsNotify : "none", target);
        SyncStages stages = SyncStages.attach();
        try {
          measure(tag, lab, zones, rolls, hook, args, stages, stack.bootstrapServers());
        } finally {
          if (stages != null) {
            stages.detach();
          }
        }
        System.out.println(
            tag
                + " signer_commands_during_rolls="
                + (records(stack, TopicCatalog.Names.SIGNER_COMMANDS) - commandsBefore));
      }
    }
  }

  /**
   * Records on every partition of {@code topic} (its end offsets; the topics are not compacted).
   */
  private static long records(LocalStack stack, String topic) {
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Knot: every zone through the default template; PowerDNS: each zone a primary. */
  private static void wireNotify(MultiZoneLab lab, InetSocketAddress target) {
    KnotSigner knot = lab.knot();
    knot.knotc("conf-begin");
    try {
      knot.knotc("conf-set", "remote[notify-target]");
      knot.knotc(
          "conf-set",
          "remote[notify-target].address",
          target.getAddress().getHostAddress() + "@" + target.getPort());
      knot.knotc("conf-set", "template[default].notify", "notify-target");
      knot.knotc("conf-commit");
    } catch (RuntimeException e) {
      knot.knotc("conf-abort");
      throw e;
    }
    PdnsSigner pdns = lab.pdns();
    String also = target.getAddress().getHostAddress() + ":" + target.getPort();
    for (Name z : lab.zones()) {
      pdns.pdnsutil("set-meta", z.toString(), "ALSO-NOTIFY", also);
      pdns.pdnsutil("set-kind", z.toString(), "primary");
    }
  }

  private static boolean awaitConverged(MultiZoneLab lab, List<String> zones, int timeoutS)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
    Set<String> left = new TreeSet<>(zones);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      left.removeIf(
          z -> {
            Name name = Name.fromConstantString(z);
            return ManyZonesBench.crossImported(lab.lab().signers(), name)
                && ManyZonesBench.count(lab.parent().dnsAddress(), name, Type.DS, DSRecord.class)
                    == 2;
          });
      if (!left.isEmpty()) {
        Thread.sleep(1000);
      }
    }
    return left.isEmpty();
  }

  /**
   * One rollover: wall-clock epoch milliseconds when the operator's hook started ({@code hookAt}),
   * when the origin first served the new key ({@code originAt}) and when the other did.
   */
  private record Sample(
      String origin,
      String zone,
      int tag,
      long syncMs,
      String failure,
      long hookAt,
      long originAt,
      long otherAt) {
    static Sample failed(String origin, String zone, int tag, String failure) {
      return new Sample(origin, zone, tag, 0, failure, 0, 0, 0);
    }
  }

  /**
   * How the PowerDNS operator's hook makes a key change known after the cryptokeys call ({@code
   * how}):
   *
   * <ul>
   *   <li>{@code none}: it does not (poll mode);
   *   <li>{@code queue}: {@code pdns_control notify <zone>}: PowerDNS queues a NOTIFY to the zone's
   *       ALSO-NOTIFY targets; its communicator thread sends the queue when it next wakes, which it
   *       does once a second (PowerDNS 4.7 {@code CommunicatorClass::mainloop} sleeps 1 s between
   *       its checks);
   *   <li>{@code host}: {@code pdns_control notify-host <zone> <collector>}: the same queue, with a
   *       wake-up signal the communicator only sees after its current 1 s sleep;
   *   <li>{@code direct}: the hook sends the NOTIFY to the collector itself (what {@code
   *       ldns-notify} would), at once.
   * </ul>
   */
  private record PdnsHook(String how, InetSocketAddress collector) {
    void notify(PdnsSigner pdns, Name zone) {
      switch (how) {
        case "queue" -> pdns.pdnsControl("notify", zone.toString());
        case "host" ->
            pdns.pdnsControl(
                "notify-host",
                zone.toString(),
                collector.getAddress().getHostAddress() + ":" + collector.getPort());
        case "direct" -> sendNotify(zone, collector);
        default -> {}
      }
    }

    boolean notifies() {
      return !"none".equals(how);
    }
  }

  /** A NOTIFY (RFC 1996) for {@code zone} over UDP to {@code target}, and its answer awaited. */
  private static void sendNotify(Name zone, InetSocketAddress target) {
    Message notify = Message.newQuery(Record.newRecord(zone, Type.SOA, DClass.IN));
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    notify.getHeader().setFlag(Flags.AA);
    notify.getHeader().unsetFlag(Flags.RD);
    SimpleResolver r = new SimpleResolver(target);
    r.setTimeout(Duration.ofSeconds(2));
    try {
      Message answer = r.send(notify);
      if (answer.getRcode() != Rcode.NOERROR) {
        throw new IllegalStateException(
            "NOTIFY for " + zone + " answered " + Rcode.string(answer.getRcode()));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("NOTIFY for " + zone + " to " + target, e);
    }
  }

  private static void measure(
      String tag,
      MultiZoneLab lab,
      List<String> zones,
      int rolls,
      PdnsHook hook,
      Args args,
      SyncStages stages,
      String bootstrap)
      throws Exception {
    KnotSigner knot = lab.knot();
    PdnsSigner pdns = lab.pdns();
    Duration timeout = Duration.ofSeconds(args.integer("sync-timeout-s"));
    long spacing = TimeUnit.MILLISECONDS.toNanos(args.integer("spacing-ms"));
    // PowerDNS sends its NOTIFYs once a second: rolls on a fixed grid would all meet it at one
    // phase, so each zone's pair of rolls (Knot's, then PowerDNS's one spacing later) is moved by
    // a random 0..jitter (seeded: the same in every run)
    Random random = new Random(10);
    int jitterMs = args.integer("jitter-ms");
    long[] jitter = new long[(rolls + 1) / 2];
    for (int p = 0; p < jitter.length; p++) {
      jitter[p] = jitterMs > 0 ? TimeUnit.MILLISECONDS.toNanos(random.nextInt(jitterMs)) : 0;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(rolls, 64));
    List<Future<Sample>> futures = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < rolls; i++) {
        long at = start + i * spacing + jitter[i / 2];
        long sleep = at - System.nanoTime();
        if (sleep > 0) {
          TimeUnit.NANOSECONDS.sleep(sleep);
        }
        Name zone = Name.fromConstantString(zones.get(i / 2));
        boolean atKnot = i % 2 == 0;
        futures.add(
            pool.submit(
                () ->
                    atKnot
                        ? roll(
                            knot, pdns, zone, timeout, () -> new KnotKeystore(knot, zone).rollZsk())
                        : roll(
                            pdns,
                            knot,
                            zone,
                            timeout,
                            () -> {
                              new PdnsKeystore(pdns, zone).add("zsk", false, true);
                              hook.notify(pdns, zone);
                            })));
      }
      List<Long> fromKnot = new ArrayList<>();
      List<Long> fromPdns = new ArrayList<>();
      int failures = 0;
      List<Sample> samples = new ArrayList<>();
      for (Future<Sample> f : futures) {
        samples.add(f.get());
      }
      if (stages != null) {
        stages.readCommands(bootstrap);
      }
      List<Map<String, Long>> knotStages = new ArrayList<>();
      List<Map<String, Long>> pdnsStages = new ArrayList<>();
      for (Sample s : samples) {
        System.out.println(
            tag
                + " origin="
                + s.origin()
                + " zone="
                + s.zone()
                + " key_tag="
                + s.tag()
                + (s.failure() == null ? " sync_ms=" + s.syncMs() : " failure=" + s.failure())
                + (stages == null || s.failure() != null ? "" : stageLine(stages, s, knot, pdns)));
        if (stages != null && s.failure() == null) {
          boolean fromKnotSide = s.origin().equals(knot.id());
          (fromKnotSide ? knotStages : pdnsStages)
              .add(
                  stages.stages(
                      s.zone(),
                      s.origin(),
                      fromKnotSide ? pdns.id() : knot.id(),
                      fromKnotSide ? "tcp" : "udp",
                      s.hookAt(),
                      s.originAt(),
                      s.otherAt()));
        }
        if (s.failure() != null) {
          failures++;
        } else if (s.origin().equals(knot.id())) {
          fromKnot.add(s.syncMs());
        } else {
          fromPdns.add(s.syncMs());
        }
      }
      List<Long> all = new ArrayList<>(fromKnot);
      all.addAll(fromPdns);
      StringBuilder summary =
          new StringBuilder(
              tag
                  + " rolls="
                  + rolls
                  + " failures="
                  + failures
                  + " run_s="
                  + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
      if (!all.isEmpty()) {
        summary.append(' ').append(new Percentiles(all).render("sync"));
      }
      if (!fromKnot.isEmpty()) {
        summary.append(' ').append(new Percentiles(fromKnot).render("knot_to_pdns"));
      }
      if (!fromPdns.isEmpty()) {
        summary.append(' ').append(new Percentiles(fromPdns).render("pdns_to_knot"));
      }
      if (stages != null) {
        SyncStages.printSteps(tag, "knot_to_pdns", knotStages);
        SyncStages.printSteps(tag, "pdns_to_knot", pdnsStages);
      }
      boolean notify = hook.notifies();
      long target = notify ? 1000 : 1000 + parseSeconds(args.string("poll-interval")) * 1000;
      summary
          .append(" target_p99_ms=")
          .append(target)
          .append(" met=")
          .append(failures == 0 && !all.isEmpty() && new Percentiles(all).at(99) <= target);
      System.out.println(summary);
    } finally {
      pool.shutdownNow();
    }
  }

  private static long parseSeconds(String interval) {
    if (!interval.endsWith("s") || interval.endsWith("ms")) {
      throw new IllegalArgumentException("poll-interval in whole seconds, e.g. 5s: " + interval);
    }
    return Long.parseLong(interval.substring(0, interval.length() - 1));
  }

  /**
   * Starts one roll at {@code origin}, then times the new ZSK from its first appearance at {@code
   * origin} to its first appearance at {@code other}.
   */
  private static Sample roll(
      LabSigner origin, LabSigner other, Name zone, Duration timeout, Runnable start)
      throws InterruptedException {
    Set<Integer> before = tags(origin, zone);
    if (before.isEmpty()) {
      return Sample.failed(origin.id(), zone.toString(), 0, "origin_not_answering");
    }
    long hookAt = System.currentTimeMillis();
    start.run();
    long deadline = System.nanoTime() + timeout.toNanos();
    Integer newTag = null;
    long tOrigin = 0;
    long originAt = 0;
    while (newTag == null && System.nanoTime() < deadline) {
      Set<Integer> now = tags(origin, zone);
      tOrigin = System.nanoTime();
      originAt = System.currentTimeMillis();
      now.removeAll(before);
      if (!now.isEmpty()) {
        newTag = now.iterator().next();
      } else {
        Thread.sleep(10);
      }
    }
    if (newTag == null) {
      return Sample.failed(origin.id(), zone.toString(), 0, "new_zsk_never_served_at_origin");
    }
    deadline = tOrigin + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Set<Integer> served = tags(other, zone);
      long t = System.nanoTime();
      if (served.contains(newTag)) {
        return new Sample(
            origin.id(),
            zone.toString(),
            newTag,
            TimeUnit.NANOSECONDS.toMillis(t - tOrigin),
            null,
            hookAt,
            originAt,
            System.currentTimeMillis());
      }
      Thread.sleep(10);
    }
    return Sample.failed(origin.id(), zone.toString(), newTag, "not_imported_in_time");
  }

  /** The sample's stages, in ms from the origin first serving the key, and any refused write. */
  private static String stageLine(SyncStages stages, Sample s, LabSigner knot, LabSigner pdns) {
    String other = s.origin().equals(knot.id()) ? pdns.id() : knot.id();
    Map<String, Long> at =
        stages.stages(
            s.zone(),
            s.origin(),
            other,
            s.origin().equals(knot.id()) ? "tcp" : "udp",
            s.hookAt(),
            s.originAt(),
            s.otherAt());
    StringBuilder b = new StringBuilder(" hook_ms=").append(s.hookAt() - s.originAt());
    at.forEach((k, v) -> b.append(' ').append(k).append("_ms=").append(v - s.originAt()));
    List<String> writes = stages.writeEvents(s.zone(), other, s.hookAt(), s.otherAt());
    if (!writes.isEmpty()) {
      b.append(" write_events=").append(String.join(",", writes));
    }
    return b.toString();
  }

  private static Set<Integer> tags(LabSigner signer, Name zone) {
    return DemoRun.dnskeyTags(signer, zone.toString());
  }
}
