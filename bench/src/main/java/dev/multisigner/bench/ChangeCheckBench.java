package dev.multisigner.bench;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.dns.SerialProbe;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Issue 10: collector change checks per second against {@code dnsperf}, same Knot, same transport
 * (UDP, EDNS0 without DO, SOA of the zone), side by side in one run:
 *
 * <ul>
 *   <li>before: a change check was a full read (the rfc2136 adapter's {@code read(zone)}: SOA,
 *       DNSKEY, CDS, CDNSKEY, NS, CSYNC over TCP, a connection each), with 1 and 4 threads (4 is
 *       the collector's default {@code max-concurrency-per-signer});
 *   <li>after: {@link SerialProbe}, the collector's SOA check (one UDP socket, {@code --in-flight}
 *       queries outstanding, as {@code serial-checks.in-flight});
 *   <li>dnsjava's {@code SimpleResolver.sendAsync} over UDP with the same number outstanding (the
 *       library's own async client, measured as the alternative);
 *   <li>{@code dnsperf -m udp -e -q <in-flight>} with the same query.
 * </ul>
 *
 * <p>{@code --seconds=5 --in-flight=100 --threads=1,4 --rounds=3}
 */
public final class ChangeCheckBench {

  private static final String ZONE = "example.test.";

  private ChangeCheckBench() {}

  public static void main(String[] argv) throws Exception {
    Args args =
        new Args(argv, Map.of("seconds", "5", "in-flight", "100", "threads", "1,4", "rounds", "3"));
    Duration duration = Duration.ofSeconds(args.integer("seconds"));
    int inFlight = args.integer("in-flight");
    String tag = "bench=change_checks";
    System.out.println(Machine.describe("start"));
    try (Scratch scratch = new Scratch("multisigner-bench-checks-");
        DnsLab lab =
            DnsLab.builder()
                .zone(ZONE)
                .knotSigner("knot-a")
                .workDir(scratch.dir().resolve("lab"))
                .start()) {
      KnotSigner knot = lab.knot("knot-a");
      InetSocketAddress server = knot.dnsAddress();
      String hostPort = "127.0.0.1:" + server.getPort();
      DnsProvider provider = CollectorBench.knotProvider(knot);
      double before = 0;
      for (String t : args.string("threads").split(",")) {
        int threads = Integer.parseInt(t.trim());
        CollectorBench.observe(provider, threads, Duration.ofSeconds(2)); // warm-up
        double rate = CollectorBench.observe(provider, threads, duration);
        before = Math.max(before, rate);
        System.out.println(
            tag + String.format(" method=full_read threads=%d checks_per_s=%.0f", threads, rate));
      }
      Path queries = scratch.dir().resolve("soa.txt");
      Files.writeString(queries, ZONE + " SOA\n", StandardCharsets.US_ASCII);
      // The three UDP measurements alternate, round after round, so a load spike on this shared
      // machine hits them alike; the summary takes each one's median.
      List<Double> probes = new ArrayList<>();
      List<Double> asyncs = new ArrayList<>();
      List<Double> dnsperfs = new ArrayList<>();
      try (SerialProbe p =
          new SerialProbe(SignerId.of("knot-a"), server, Duration.ofSeconds(3), inFlight)) {
        probeLoop(p, Duration.ofSeconds(5)); // warm-up (JIT)
        asyncLoop(server, inFlight, Duration.ofSeconds(2));
        for (int round = 1; round <= args.integer("rounds"); round++) {
          double probe = probeLoop(p, duration);
          double async = asyncLoop(server, inFlight, duration);
          double dnsperf =
              CollectorBench.dnsperf(
                  hostPort, queries, args.integer("seconds"), inFlight, "-e", "-m", "udp");
          probes.add(probe);
          asyncs.add(async);
          dnsperfs.add(dnsperf);
          System.out.println(
              tag
                  + String.format(
                      " round=%d in_flight=%d serial_probe_per_s=%.0f dnsjava_send_async_per_s=%.0f"
                          + " dnsperf_udp_qps=%.0f ratio=%.3f truncated=%d %s",
                      round,
                      inFlight,
                      probe,
                      async,
                      dnsperf,
                      probe / dnsperf,
                      p.truncatedAnswers(),
                      Machine.describe("now")));
        }
      }
      double probe = median(probes);
      double dnsperf = median(dnsperfs);
      System.out.println(
          tag
              + String.format(
                  " summary before_full_read_per_s=%.0f after_serial_probe_per_s=%.0f"
                      + " dnsjava_async_per_s=%.0f dnsperf_udp_qps=%.0f ratio_before=%.4f"
                      + " ratio_after=%.3f speedup=%.0fx target_ratio=0.5 met=%s",
                  before,
                  probe,
                  median(asyncs),
                  dnsperf,
                  before / dnsperf,
                  probe / dnsperf,
                  probe / before,
                  probe / dnsperf >= 0.5));
    }
    System.out.println(Machine.describe("end"));
    System.exit(0);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  /** Serial checks completed per second, {@code in-flight} outstanding, one submitting thread. */
  private static double probeLoop(SerialProbe probe, Duration duration) {
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    ZoneName zone = ZoneName.of(ZONE);
    long t0 = System.nanoTime();
    long end = t0 + duration.toNanos();
    CompletableFuture<Long> last = CompletableFuture.completedFuture(0L);
    while (System.nanoTime() < end) {
      last = probe.serial(zone).whenComplete((s, e) -> (e == null ? ok : failed).incrementAndGet());
    }
    last.exceptionally(e -> 0L).join();
    double rate = ok.get() / ((System.nanoTime() - t0) / 1e9);
    if (failed.get() > 0) {
      System.out.println("bench=change_checks method=serial_probe failures=" + failed);
    }
    return rate;
  }

  /** The same with dnsjava's UDP {@code sendAsync}, a semaphore keeping {@code inFlight}. */
  private static double asyncLoop(InetSocketAddress server, int inFlight, Duration duration)
      throws InterruptedException {
    SimpleResolver resolver = new SimpleResolver(server);
    resolver.setTimeout(Duration.ofSeconds(3));
    resolver.setEDNS(0, 1232, 0, List.of());
    Semaphore permits = new Semaphore(inFlight);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long t0 = System.nanoTime();
    long end = t0 + duration.toNanos();
    while (System.nanoTime() < end) {
      permits.acquire();
      Message q =
          Message.newQuery(Record.newRecord(ZoneName.of(ZONE).toName(), Type.SOA, DClass.IN));
      resolver
          .sendAsync(q)
          .whenComplete(
              (m, e) -> {
                (e == null ? ok : failed).incrementAndGet();
                permits.release();
              });
    }
    permits.acquire(inFlight);
    double rate = ok.get() / ((System.nanoTime() - t0) / 1e9);
    if (failed.get() > 0) {
      System.out.println("bench=change_checks method=dnsjava_send_async failures=" + failed);
    }
    return rate;
  }
}
