package dev.multisigner.cli.soak;

import dev.multisigner.cli.BogusWatch;
import dev.multisigner.cli.LabWiring;
import dev.multisigner.cli.LocalStack;
import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.cli.soak.SoakScenario.Signer;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.kafka.TopicProbe;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The randomized scenario matrix on the real lab: scenarios run in batches, each batch's scenarios
 * at once, each on its own lab (its signers, a BIND parent of its own parent zone {@code
 * s<index>.test.}, an Unbound validator) against one embedded broker and the three services of the
 * batch, which know every signer of the batch under the id {@code s<index>-<lab id>}.
 */
public final class Soak {

  /** The delegation's TTL at the parent (NS-Wait-Time counts on it). */
  static final Duration NS_TTL = Duration.ofSeconds(10);

  private final PrintStream out;
  private final Duration patience;

  /**
   * @param patience how long one step of a scenario may wait for Multisigner (enrollment and final
   *     convergence get twice that)
   */
  public Soak(PrintStream out, Duration patience) {
    this.out = out;
    this.patience = patience;
  }

  /**
   * Runs scenarios 1..{@code count} of {@code seed}, {@code parallel} at a time, under {@code dir}.
   */
  public List<SoakResult> run(int count, long seed, int parallel, Path dir)
      throws InterruptedException {
    return run(seed, firstScenarios(count), parallel, dir);
  }

  /** Runs the scenarios numbered {@code indexes} of {@code seed}. */
  public List<SoakResult> run(long seed, List<Integer> indexes, int parallel, Path dir)
      throws InterruptedException {
    List<SoakResult> results = new ArrayList<>();
    out.println(SoakResult.header());
    for (int from = 0; from < indexes.size(); from += parallel) {
      List<SoakScenario> batch = new ArrayList<>();
      for (int i : indexes.subList(from, Math.min(indexes.size(), from + parallel))) {
        batch.add(SoakScenario.of(seed, i));
      }
      for (SoakResult r : batch(batch, dir.resolve("batch-" + (from / parallel + 1)))) {
        out.println(r.row());
        results.add(r);
      }
    }
    return results;
  }

  /** "soak: 108 scenarios, 105 passed, 3 failed; 51234 probes, 47000 secure, 0 bogus". */
  public static String summary(List<SoakResult> results) {
    long failed = results.stream().filter(r -> !r.passed()).count();
    long probes = results.stream().mapToLong(r -> r.counts().probes()).sum();
    long secure = results.stream().mapToLong(r -> r.counts().secure()).sum();
    long bogus = results.stream().mapToLong(r -> r.counts().bogus()).sum();
    return String.format(
        "soak: %d scenarios, %d passed, %d failed; %d probes, %d secure, %d bogus",
        results.size(), results.size() - failed, failed, probes, secure, bogus);
  }

  private static List<Integer> firstScenarios(int count) {
    List<Integer> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(i);
    }
    return out;
  }

  private List<SoakResult> batch(List<SoakScenario> scenarios, Path dir)
      throws InterruptedException {
    Map<SoakScenario, DnsLab> labs = new java.util.concurrent.ConcurrentHashMap<>();
    List<SoakResult> results = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(scenarios.size());
    // Ctrl-C stops every daemon of the batch by its PID, not only the JVM
    Thread stopLabs = new Thread(() -> labs.values().forEach(DnsLab::close), "soak-stop-labs");
    Runtime.getRuntime().addShutdownHook(stopLabs);
    try {
      // a few labs at a time: dozens of daemons starting at once on a loaded machine miss their
      // start-up deadline
      ExecutorService starter = Executors.newFixedThreadPool(4);
      Map<SoakScenario, Future<DnsLab>> starting = new LinkedHashMap<>();
      for (SoakScenario s : scenarios) {
        starting.put(s, starter.submit(() -> lab(s, dir.resolve(s.parentLabel()))));
      }
      starter.shutdown();
      for (Map.Entry<SoakScenario, Future<DnsLab>> e : starting.entrySet()) {
        try {
          labs.put(e.getKey(), e.getValue().get());
        } catch (ExecutionException ex) {
          results.add(failed(e.getKey(), "lab did not start: " + ex.getCause()));
        }
      }
      if (labs.isEmpty()) {
        return results;
      }
      try (LocalStack stack = LocalStack.start(settings(labs, dir.resolve("stack")));
          TopicProbe log = new TopicProbe(stack.bootstrapServers())) {
        ScenarioRun.Services services =
            new ScenarioRun.Services(
                log, URI.create(stack.url(Service.SIGNER_COORDINATOR)), stack.apiAuthorization());
        out.println(
            "soak: batch of "
                + labs.size()
                + " scenarios ("
                + labs.keySet().stream().map(s -> Integer.toString(s.index())).toList()
                + ") started");
        Map<SoakScenario, Future<SoakResult>> running = new LinkedHashMap<>();
        for (Map.Entry<SoakScenario, DnsLab> e : labs.entrySet()) {
          running.put(
              e.getKey(),
              pool.submit(
                  () -> new ScenarioRun(e.getKey(), e.getValue(), services, patience).run()));
        }
        for (Map.Entry<SoakScenario, Future<SoakResult>> e : running.entrySet()) {
          try {
            results.add(e.getValue().get());
          } catch (ExecutionException ex) {
            results.add(failed(e.getKey(), "harness: " + ex.getCause()));
          }
        }
      }
    } finally {
      pool.shutdownNow();
      labs.values().forEach(DnsLab::close);
      Runtime.getRuntime().removeShutdownHook(stopLabs);
    }
    results.sort(java.util.Comparator.comparingInt(r -> r.scenario().index()));
    return results;
  }

  private static SoakResult failed(SoakScenario s, String why) {
    return new SoakResult(
        s, null, null, new BogusWatch.Counts(0, 0, 0, 0, Map.of(), List.of()), Optional.of(why));
  }

  /**
   * The scenario's lab: its first signers and its joiner, a parent and a validator; tried twice (a
   * daemon that misses its start-up deadline on a loaded machine is not what the soak tests).
   */
  private static DnsLab lab(SoakScenario s, Path dir) {
    try {
      return startLab(s, dir);
    } catch (RuntimeException first) {
      return startLab(s, dir.resolveSibling(dir.getFileName() + "-retry"));
    }
  }

  private static DnsLab startLab(SoakScenario s, Path dir) {
    DnsLab.Builder b =
        DnsLab.builder()
            .zone(s.zone())
            .withParent()
            .withValidator()
            .workDir(dir)
            .daemonTimeout(Duration.ofSeconds(90));
    List<Signer> all = new ArrayList<>(s.signers());
    if (s.joiner() != null) {
      all.add(s.joiner());
    }
    for (Signer signer : all) {
      if (signer.knot()) {
        b.knotSigner(signer.id(), signer.scheme());
      } else {
        b.pdnsSigner(signer.id(), signer.scheme());
      }
    }
    return b.start();
  }

  /** Every lab's signers for collector and writers, every lab's parent for the ds-publisher. */
  private static LocalStack.Settings settings(Map<SoakScenario, DnsLab> labs, Path dir) {
    LocalStack.Settings settings = LocalStack.Settings.embedded(dir);
    for (Service service : Service.values()) {
      Map<String, Object> p = new HashMap<>();
      labs.forEach((s, lab) -> p.putAll(LabWiring.signers(lab, s.parentLabel() + "-")));
      // polled, no NOTIFY: pointing dozens of signers at the collector takes minutes of restarts
      p.put("multisigner.collector.poll-interval", "1s");
      p.put("multisigner.ds-publisher.watch-interval", "1s");
      if (service == Service.DS_PUBLISHER) {
        labs.forEach(
            (s, lab) -> {
              p.putAll(LabWiring.parent(lab, ProviderOperator.DS_TTL.toSeconds(), s.parentLabel()));
              p.put(
                  "multisigner.ds-publisher.parents." + s.parentLabel() + ".ns-ttl",
                  NS_TTL.toSeconds());
            });
      }
      settings = settings.withServiceProperties(service, p);
    }
    return settings;
  }
}
