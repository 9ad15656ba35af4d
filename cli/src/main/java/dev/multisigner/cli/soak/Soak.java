package dev.multisigner.cli.soak;

import dev.multisigner.cli.BogusWatch;
import dev.multisigner.cli.LabWiring;
import dev.multisigner.cli.LocalStack;
import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.lab.dns.MultiZoneLab;
import dev.multisigner.lab.dns.SignerKind;
import dev.multisigner.lab.kafka.TopicProbe;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.xbill.DNS.Name;

/**
 * The randomized scenario matrix on the real lab, every scenario a zone of one shared lab: a {@link
 * MultiZoneLab} whose six signers (Knot knot-a, knot-c, knot-e and PowerDNS pdns-b, pdns-d, pdns-f)
 * serve every scenario's zone {@code s<index>.test.} (each with the key scheme its scenario gives
 * that signer, KSK+ZSK where it does not use it), one BIND parent {@code test.} delegating them
 * all, and Unbound validators sharing the zones; against one embedded broker and one set of the
 * services. {@code parallel} scenarios run at once, each from enrollment to its verdict; the next
 * starts when one ends.
 */
public final class Soak {

  /** The delegation's TTL at the parent (NS-Wait-Time counts on it). */
  static final Duration NS_TTL = Duration.ofSeconds(10);

  /** Scenarios per Unbound validator (one probe round holds a validator). */
  private static final int ZONES_PER_VALIDATOR = 2;

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
    List<Integer> indexes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      indexes.add(i);
    }
    return run(seed, indexes, parallel, dir);
  }

  /** Runs the scenarios numbered {@code indexes} of {@code seed}, {@code parallel} at a time. */
  public List<SoakResult> run(long seed, List<Integer> indexes, int parallel, Path dir)
      throws InterruptedException {
    List<SoakScenario> scenarios = new ArrayList<>();
    for (int i : indexes) {
      scenarios.add(SoakScenario.of(seed, i));
    }
    return run(scenarios, parallel, dir);
  }

  /** Runs {@code scenarios} (of any seeds), {@code parallel} at a time, on one lab. */
  public List<SoakResult> run(List<SoakScenario> scenarios, int parallel, Path dir)
      throws InterruptedException {
    MultiZoneLab lab;
    try {
      lab = lab(scenarios, parallel, dir.resolve("lab"));
    } catch (RuntimeException first) {
      out.println("soak: the lab did not start (" + first.getMessage() + "), trying again");
      lab = lab(scenarios, parallel, dir.resolve("lab-retry"));
    }
    MultiZoneLab started = lab;
    // Ctrl-C stops every daemon by its PID, not only the JVM
    Thread stopLab = new Thread(started::close, "soak-stop-lab");
    Runtime.getRuntime().addShutdownHook(stopLab);
    List<SoakResult> results = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
    try (LocalStack stack = LocalStack.start(settings(started, dir.resolve("stack")));
        TopicProbe log = new TopicProbe(stack.bootstrapServers())) {
      ScenarioRun.Services services =
          new ScenarioRun.Services(
              log, URI.create(stack.url(Service.SIGNER_COORDINATOR)), stack.apiAuthorization());
      out.println(
          "soak: "
              + scenarios.size()
              + " scenarios of seed(s) "
              + scenarios.stream().map(SoakScenario::seed).distinct().toList()
              + " on one lab ("
              + started.lab().signers().size()
              + " signers, "
              + started.zones().size()
              + " zones), "
              + parallel
              + " at a time; lab started in "
              + started.startupTime().toSeconds()
              + " s");
      out.println(SoakResult.header());
      CompletionService<SoakResult> done = new ExecutorCompletionService<>(pool);
      Map<Future<SoakResult>, SoakScenario> running = new HashMap<>();
      for (SoakScenario s : scenarios) {
        running.put(done.submit(() -> new ScenarioRun(s, started, services, patience).run()), s);
      }
      for (int n = 0; n < scenarios.size(); n++) {
        Future<SoakResult> f = done.take();
        SoakResult r;
        try {
          r = f.get();
        } catch (ExecutionException ex) {
          r = failed(running.get(f), "harness: " + ex.getCause());
        }
        out.println(r.row());
        results.add(r);
      }
    } finally {
      pool.shutdownNow();
      started.close();
      Runtime.getRuntime().removeShutdownHook(stopLab);
    }
    results.sort(Comparator.comparingInt(r -> r.scenario().index()));
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

  private static SoakResult failed(SoakScenario s, String why) {
    return new SoakResult(
        s, null, null, new BogusWatch.Counts(0, 0, 0, 0, Map.of(), List.of()), Optional.of(why));
  }

  /**
   * The shared lab: every lab signer serving every scenario's zone with the scheme its scenario
   * gives it, the parent, and one validator per {@value #ZONES_PER_VALIDATOR} scenarios at once.
   */
  private static MultiZoneLab lab(List<SoakScenario> scenarios, int parallel, Path dir) {
    Map<Name, SoakScenario> byZone = new HashMap<>();
    List<String> zones = new ArrayList<>();
    for (SoakScenario s : scenarios) {
      Name z = Name.fromConstantString(s.zone());
      byZone.put(z, s);
      zones.add(s.zone());
    }
    MultiZoneLab.Builder b =
        MultiZoneLab.builder()
            .zones(zones)
            .workDir(dir)
            .validators((parallel + ZONES_PER_VALIDATOR - 1) / ZONES_PER_VALIDATOR)
            .knotPropagationDelay(ProviderOperator.KNOT_PROPAGATION)
            .daemonTimeout(Duration.ofSeconds(120).plusSeconds(zones.size()));
    for (String id : SoakScenario.labSignerIds()) {
      SignerKind kind = id.startsWith("knot-") ? SignerKind.KNOT : SignerKind.PDNS;
      b.signer(id, kind, z -> byZone.get(z).schemeAt(id));
    }
    return b.start();
  }

  /** The lab's signers for collector and writers, its parent for the ds-publisher. */
  private static LocalStack.Settings settings(MultiZoneLab lab, Path dir) {
    LocalStack.Settings settings = LocalStack.Settings.embedded(dir);
    for (Service service : Service.values()) {
      Map<String, Object> p = new HashMap<>(LabWiring.signers(lab.lab()));
      // polled, no NOTIFY: the multi-zone lab's signers send none
      p.put("multisigner.collector.poll-interval", "3s");
      p.put("multisigner.ds-publisher.watch-interval", "1s");
      if (service == Service.DS_PUBLISHER) {
        p.putAll(LabWiring.parent(lab.lab(), ProviderOperator.DS_TTL.toSeconds(), "lab"));
        p.put("multisigner.ds-publisher.parents.lab.ns-ttl", NS_TTL.toSeconds());
      }
      settings = settings.withServiceProperties(service, p);
    }
    return settings;
  }
}
