package dev.multisigner.bench;

import dev.multisigner.cli.DemoWorld;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotKey;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Knot ZSK rollover, imported into PowerDNS: the time from the new ZSK's first appearance in
 * Knot's served DNSKEY RRset (Knot polled over TCP every 5 ms after {@code knotc
 * zone-key-rollover}) until PowerDNS serves it (polled every 10 ms). Demo's world and properties,
 * run once with the collector's NOTIFY listener on (knot-a notifies it) and once on polling only,
 * both with the same poll interval. A Knot rollover runs about 75 s in the lab (publish, +12 s
 * active, +62 s old key removed) and Knot ignores a new one while one runs, so each sample waits
 * for the previous roll to end.
 *
 * <p>{@code --iterations=20 --poll-interval=5s --modes=notify,poll --converge-timeout-s=180}
 */
public final class NotifyRolloverBench {

  private static final String ZONE = "example.test.";
  private static final Duration ROLL_TIMEOUT = Duration.ofSeconds(150);
  private static final Duration IMPORT_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern REMOVE = Pattern.compile("remove=(\\d+)");

  private NotifyRolloverBench() {}

  public static void main(String[] argv) throws Exception {
    Args args =
        new Args(
            argv,
            Map.of(
                "iterations", "20",
                "poll-interval", "5s",
                "modes", "notify,poll",
                "converge-timeout-s", "180"));
    System.out.println(Machine.describe("start"));
    for (String mode : args.string("modes").split(",")) {
      run(
          mode.trim(),
          args.string("poll-interval"),
          args.integer("iterations"),
          Duration.ofSeconds(args.integer("converge-timeout-s")));
      System.out.println(Machine.describe("after_" + mode.trim()));
    }
    System.out.println(Machine.describe("end"));
    System.exit(0);
  }

  private static void run(String mode, String poll, int iterations, Duration convergeTimeout)
      throws Exception {
    boolean notify =
        switch (mode) {
          case "notify" -> true;
          case "poll" -> false;
          default -> throw new IllegalArgumentException("mode is notify or poll, got " + mode);
        };
    String tag = "bench=notify_rollover mode=" + mode + " poll_interval=" + poll;
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("multisigner.collector.poll-interval", poll);
    overrides.put("multisigner.collector.notify.enabled", notify);
    DemoRun.run(
        tag,
        overrides,
        convergeTimeout,
        (lab, stack) -> {
          if (notify) {
            System.out.println(tag + " notify_target=" + DemoWorld.wireNotify(lab, stack));
          }
        },
        (lab, stack) -> measure(tag, lab, iterations));
  }

  private static void measure(String tag, DnsLab lab, int iterations) throws Exception {
    KnotSigner knot = lab.knot("knot-a");
    PdnsSigner pdns = lab.pdns("pdns-b");
    List<Long> imports = new ArrayList<>();
    List<Long> appear = new ArrayList<>();
    int failures = 0;
    long started = System.nanoTime();
    for (int i = 1; i <= iterations; i++) {
      if (!awaitNoRollRunning(knot)) {
        System.out.println(tag + " sample=" + i + " previous_roll_not_finished=true");
        failures++;
        continue;
      }
      // a random pause, so the roll does not land at a fixed phase of the collector's poll
      Thread.sleep(ThreadLocalRandom.current().nextLong(0, 5000));
      Set<Integer> before = DemoRun.dnskeyTags(knot);
      while (before.isEmpty()) {
        Thread.sleep(20);
        before = DemoRun.dnskeyTags(knot);
      }
      long t0 = System.nanoTime();
      new KnotKeystore(knot).rollZsk();
      Integer newTag = null;
      long tKnot = 0;
      while (newTag == null && System.nanoTime() - t0 < IMPORT_TIMEOUT.toNanos()) {
        Set<Integer> now = DemoRun.dnskeyTags(knot);
        tKnot = System.nanoTime();
        now.removeAll(before);
        if (!now.isEmpty()) {
          newTag = now.iterator().next();
        } else {
          Thread.sleep(5);
        }
      }
      if (newTag == null) {
        System.out.println(tag + " sample=" + i + " new_zsk_at_knot=none");
        failures++;
        continue;
      }
      long tPdns = 0;
      boolean imported = false;
      while (System.nanoTime() - tKnot < IMPORT_TIMEOUT.toNanos()) {
        Set<Integer> served = DemoRun.dnskeyTags(pdns);
        tPdns = System.nanoTime();
        if (served.contains(newTag)) {
          imported = true;
          break;
        }
        Thread.sleep(10);
      }
      if (!imported) {
        System.out.println(tag + " sample=" + i + " key_tag=" + newTag + " import=timeout");
        failures++;
        continue;
      }
      long importMs = TimeUnit.NANOSECONDS.toMillis(tPdns - tKnot);
      long appearMs = TimeUnit.NANOSECONDS.toMillis(tKnot - t0);
      imports.add(importMs);
      appear.add(appearMs);
      System.out.println(
          tag
              + " sample="
              + i
              + " key_tag="
              + newTag
              + " import_ms="
              + importMs
              + " knotc_to_knot_serves_ms="
              + appearMs);
    }
    StringBuilder summary =
        new StringBuilder(
            tag
                + " iterations="
                + iterations
                + " failures="
                + failures
                + " run_s="
                + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    if (!imports.isEmpty()) {
      summary.append(' ').append(new Percentiles(imports).render("import"));
      summary.append(' ').append(new Percentiles(appear).render("knotc_to_knot_serves"));
    }
    System.out.println(summary);
  }

  /** True once Knot has at most one ZSK that is not removed yet (no rollover running). */
  private static boolean awaitNoRollRunning(KnotSigner knot) throws InterruptedException {
    long deadline = System.nanoTime() + ROLL_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      long now = Instant.now().getEpochSecond();
      long live =
          new KnotKeystore(knot)
              .keys().stream().filter(k -> !k.ksk()).filter(k -> !removed(k, now)).count();
      if (live <= 1) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  private static boolean removed(KnotKey key, long now) {
    Matcher m = REMOVE.matcher(key.line());
    return m.find() && Long.parseLong(m.group(1)) <= now;
  }
}
