package dev.multisigner.bench;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DESIGN.md target: collector DNSKEY observations per second ≥ half of what {@code dnsperf} gets
 * from the same server. One Knot signer from the lab; the collector's read path (the rfc2136
 * adapter's {@code read(zone)}, as {@code ObservationPoller} calls it: SOA, DNSKEY, CDS, CDNSKEY
 * and NS over TCP with DO, each on a new connection) in a closed loop for a fixed time, with 1
 * thread (the poller is sequential) and more; then dnsperf with DNSKEY queries (DO set) over UDP
 * and TCP.
 *
 * <p>{@code --seconds=10 --threads=1,4}
 */
public final class CollectorBench {

  private static final String ZONE = "example.test.";
  private static final Pattern QPS = Pattern.compile("Queries per second:\\s+([0-9.]+)");

  private CollectorBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv, Map.of("seconds", "10", "threads", "1,4"));
    int seconds = args.integer("seconds");
    String tag = "bench=collector";
    System.out.println(Machine.describe("start"));
    try (Scratch scratch = new Scratch("multisigner-bench-collector-");
        DnsLab lab =
            DnsLab.builder()
                .zone(ZONE)
                .knotSigner("knot-a")
                .workDir(scratch.dir().resolve("lab"))
                .start()) {
      KnotSigner knot = lab.knot("knot-a");
      String server = "127.0.0.1:" + knot.dnsAddress().getPort();
      DnsProvider provider = knotProvider(knot);
      observe(provider, 1, Duration.ofSeconds(2)); // warm-up
      double sequential = 0;
      for (String t : args.string("threads").split(",")) {
        int threads = Integer.parseInt(t.trim());
        double rate = observe(provider, threads, Duration.ofSeconds(seconds));
        if (threads == 1) {
          sequential = rate;
        }
        System.out.println(
            tag
                + String.format(
                    " collector_threads=%d observations_per_s=%.0f queries_per_s=%.0f",
                    threads, rate, rate * 5));
      }
      Path queries = scratch.dir().resolve("dnskey.txt");
      Files.writeString(queries, ZONE + " DNSKEY\n", StandardCharsets.US_ASCII);
      double udp = dnsperf(tag, server, queries, seconds, "udp", 100);
      double tcp = dnsperf(tag, server, queries, seconds, "tcp", 100);
      System.out.println(
          tag
              + String.format(
                  " sequential_observations_per_s=%.0f dnsperf_udp_qps=%.0f dnsperf_tcp_qps=%.0f"
                      + " ratio_vs_udp=%.3f ratio_vs_tcp=%.3f"
                      + " target_ratio=0.5 met=%s",
                  sequential,
                  udp,
                  tcp,
                  sequential / udp,
                  sequential / tcp,
                  sequential / udp >= 0.5));
    }
    System.out.println(Machine.describe("end"));
    System.exit(0);
  }

  /** The rfc2136 adapter for the lab Knot, built as the services build it. */
  static DnsProvider knotProvider(KnotSigner knot) {
    return ProviderFactory.create(
        SignerId.of(knot.id()),
        Map.of(
            "kind", "rfc2136",
            "server", "127.0.0.1:" + knot.dnsAddress().getPort(),
            "tsig-name", knot.tsig().name(),
            "tsig-algorithm", knot.tsig().algorithm(),
            "tsig-secret", knot.tsig().secret()));
  }

  /** Observations per second of {@code threads} closed loops over {@code read(zone)}. */
  static double observe(DnsProvider provider, int threads, Duration duration)
      throws InterruptedException {
    AtomicLong count = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    List<Thread> workers = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < threads; i++) {
      Thread w =
          new Thread(
              () -> {
                while (System.nanoTime() < end) {
                  try {
                    if (!provider.read(ZoneName.of(ZONE)).dnskeys().isEmpty()) {
                      count.incrementAndGet();
                    }
                  } catch (RuntimeException e) {
                    failures.incrementAndGet();
                  }
                }
              });
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    if (failures.get() > 0) {
      System.out.println("bench=collector collector_threads=" + threads + " failures=" + failures);
    }
    return count.get() / ((System.nanoTime() - t0) / 1e9);
  }

  private static double dnsperf(
      String tag, String server, Path queries, int seconds, String mode, int outstanding)
      throws IOException, InterruptedException {
    double qps = dnsperf(server, queries, seconds, outstanding, "-D", "-m", mode);
    System.out.println(
        tag
            + String.format(
                " dnsperf_mode=%s dnsperf_outstanding=%d dnsperf_qps=%.0f",
                mode, outstanding, qps));
    return qps;
  }

  /** dnsperf's queries per second against {@code server} (host:port), with {@code flags}. */
  static double dnsperf(String server, Path queries, int seconds, int outstanding, String... flags)
      throws IOException, InterruptedException {
    String[] hostPort = server.split(":");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "dnsperf",
                "-s",
                hostPort[0],
                "-p",
                hostPort[1],
                "-d",
                queries.toString(),
                "-l",
                Integer.toString(seconds),
                "-q",
                Integer.toString(outstanding)));
    cmd.addAll(List.of(flags));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Matcher m = QPS.matcher(out);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
