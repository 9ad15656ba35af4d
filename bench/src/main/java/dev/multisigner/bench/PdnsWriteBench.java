package dev.multisigner.bench;

import dev.multisigner.lab.dns.MultiZoneLab;
import dev.multisigner.lab.dns.PdnsSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent PATCH throughput of the lab's PowerDNS (SQLite backend, as the lab configures it): for
 * each concurrency C, C threads PATCH one TXT RRset each (REPLACE), each thread on zones of its own
 * as the signer writers do, for {@code --seconds}; prints PATCHes/s, latency and how many were
 * refused (HTTP 500, "database is locked" in pdns.log). Tells whether SQLite's lock limits the
 * writers: compare the rate with what the writers need (commands/s at PowerDNS in ManyZonesBench).
 *
 * <p>{@code --zones=64 --concurrency=1,4,8,16 --seconds=10}
 */
public final class PdnsWriteBench {

  private static final String TAG = "bench=pdns_write";

  private PdnsWriteBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv, Map.of("zones", "64", "concurrency", "1,4,8,16", "seconds", "10"));
    List<String> zones = MultiZoneLab.numberedZones(args.integer("zones"), "test.");
    System.out.println(Machine.describe("start"));
    try (Scratch scratch = new Scratch("multisigner-bench-");
        MultiZoneLab lab =
            MultiZoneLab.builder()
                .zones(zones)
                .knotSigner("knot-a")
                .pdnsSigner("pdns-b")
                .workDir(scratch.dir().resolve("lab"))
                .start()) {
      PdnsSigner pdns = lab.pdns();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      for (String c : args.string("concurrency").split(",")) {
        run(pdns, http, zones, Integer.parseInt(c.trim()), args.integer("seconds"));
      }
    }
    System.out.println(Machine.describe("end"));
    System.exit(0);
  }

  private static void run(
      PdnsSigner pdns, HttpClient http, List<String> zones, int threads, int seconds)
      throws Exception {
    AtomicLong ok = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong other = new AtomicLong();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      running.add(
          pool.submit(
              () -> {
                long n = 0;
                while (System.nanoTime() < end) {
                  String zone = zones.get((int) ((me + n * threads) % zones.size()));
                  long started = System.nanoTime();
                  int status = patch(pdns, http, zone, "v" + me + "-" + n++);
                  latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                  if (status == 204 || status == 200) {
                    ok.incrementAndGet();
                  } else if (status == 500) {
                    refused.incrementAndGet();
                  } else {
                    other.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    pool.shutdown();
    System.out.printf(
        "%s concurrency=%d seconds=%d patches_ok=%d patches_per_s=%.1f refused_500=%d other=%d"
            + " %s %s%n",
        TAG,
        threads,
        seconds,
        ok.get(),
        ok.get() / (double) seconds,
        refused.get(),
        other.get(),
        new Percentiles(latencies).render("patch"),
        Machine.describe("now").replaceAll(".*loadavg_1_5_15=", "load="));
  }

  private static int patch(PdnsSigner pdns, HttpClient http, String zone, String value) {
    String body =
        "{\"rrsets\":[{\"name\":\"bench."
            + zone
            + "\",\"type\":\"TXT\",\"ttl\":60,\"changetype\":\"REPLACE\",\"records\":"
            + "[{\"content\":\"\\\""
            + value
            + "\\\"\",\"disabled\":false}]}]}";
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(pdns.apiUrl() + "/servers/" + pdns.serverId() + "/zones/" + zone))
            .header("X-API-Key", pdns.apiKey())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(5))
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
