package dev.multisigner.bench;

import dev.multisigner.cli.LocalStack;
import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.collector.observe.ChangeDetector;
import dev.multisigner.collector.observe.ObservationService;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.powerdns.PowerDnsAdapter;
import dev.multisigner.providers.rfc2136.Rfc2136Adapter;
import dev.multisigner.support.signers.SignerRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a run cost, as {@code key=value}: per signer the commands its writer applied, the reads its
 * writer made to plan them (by reason) and the collector's full reads, each also per zone, and the
 * collector's keymgr runs; the collector's cheap change checks and how many found a change; and the
 * resident memory of this JVM and of every lab daemon.
 */
final class WorkCounts {

  private WorkCounts() {}

  /** Writer commands and reads and collector full reads, per signer, in total and per zone. */
  static String of(LocalStack stack, List<String> zones) {
    MeterRegistry meters = stack.context(Service.SIGNER_COORDINATOR).getBean(MeterRegistry.class);
    ObservationService collector =
        stack.context(Service.KEY_COLLECTOR).getBean(ObservationService.class);
    Map<String, Double> commands = sum(meters, "multisigner.writer.commands", "outcome", "applied");
    StringBuilder out = new StringBuilder();
    for (String signer : commands.keySet()) {
      double applied = commands.get(signer);
      double writerReads = 0;
      StringBuilder reasons = new StringBuilder();
      for (String reason : List.of("unknown", "conflict", "confirm")) {
        double n =
            sum(meters, "multisigner.writer.basis.reads", "reason", reason)
                .getOrDefault(signer, 0.0);
        writerReads += n;
        reasons
            .append(' ')
            .append(signer)
            .append("_writer_reads_")
            .append(reason)
            .append('=')
            .append((long) n);
      }
      long fullReads = zones.stream().mapToLong(z -> collector.fullReads(z, signer)).sum();
      Optional<DnsProvider> provider =
          stack.context(Service.KEY_COLLECTOR).getBean(SignerRegistry.class).provider(signer);
      long listings =
          provider
              .filter(Rfc2136Adapter.class::isInstance)
              .map(p -> ((Rfc2136Adapter) p).ownKeyListings())
              .orElse(0L);
      out.append(signer).append("_collector_keymgr_runs=").append(listings).append(' ');
      provider
          .filter(PowerDnsAdapter.class::isInstance)
          .ifPresent(
              p ->
                  out.append(signer)
                      .append("_collector_cryptokeys_calls=")
                      .append(((PowerDnsAdapter) p).ownKeyListings())
                      .append(' '));
      // the writers' adapter is the coordinator's (its registry's instance, around which each
      // writer keeps its last known states): its cryptokeys requests are the writes' and reads'
      stack
          .context(Service.SIGNER_COORDINATOR)
          .getBean(SignerRegistry.class)
          .provider(signer)
          .filter(PowerDnsAdapter.class::isInstance)
          .ifPresent(
              p ->
                  out.append(signer)
                      .append("_writer_cryptokeys_calls=")
                      .append(((PowerDnsAdapter) p).ownKeyListings())
                      .append(' '));
      out.append(
          String.format(
              Locale.ROOT,
              "%s_commands=%d %s_commands_per_zone=%.2f %s_writer_reads=%d %s_writer_reads_per_zone=%.2f%s"
                  + " %s_collector_full_reads=%d %s_collector_full_reads_per_zone=%.2f ",
              signer,
              (long) applied,
              signer,
              applied / zones.size(),
              signer,
              (long) writerReads,
              signer,
              writerReads / zones.size(),
              reasons,
              signer,
              fullReads,
              signer,
              (double) fullReads / zones.size()));
    }
    ChangeDetector detector = stack.context(Service.KEY_COLLECTOR).getBean(ChangeDetector.class);
    out.append(" collector_change_checks=")
        .append(detector.checks())
        .append(" collector_change_checks_changed=")
        .append(detector.changes());
    return out.toString().trim();
  }

  /**
   * Per signer, the sum of the counters named {@code name} whose tag {@code key} is {@code value}.
   */
  private static Map<String, Double> sum(
      MeterRegistry meters, String name, String key, String value) {
    Map<String, Double> out = new TreeMap<>();
    meters
        .find(name)
        .tag(key, value)
        .meters()
        .forEach(
            m -> {
              if (m instanceof FunctionCounter c) {
                out.merge(m.getId().getTag("signer"), c.count(), Double::sum);
              }
            });
    return out;
  }

  /**
   * RSS now and at its peak (VmRSS, VmHWM, MiB) of this JVM (broker, services, checks) and of every
   * process whose command line names {@code labDir} (the lab's Knot, PowerDNS and BIND).
   */
  static String rss(String labDir) {
    StringBuilder out = new StringBuilder(rssOf("jvm", Path.of("/proc/self")));
    if (!labProcesses(
        labDir, (comm, p) -> out.append(' ').append(rssOf(comm + "_" + p.getFileName(), p)))) {
      out.append(" rss_error=no_proc");
    }
    return out.toString();
  }

  /**
   * CPU seconds used so far (user + system) by this JVM, by its reaped children ({@code
   * jvm_children}: the Knot adapter's {@code keymgr} and {@code knotc} runs) and by every process
   * whose command line names {@code labDir} with theirs, keyed by command ({@code knotd}, {@code
   * pdns_server}, {@code named}; processes of one name are summed). Assumes 100 ticks per second.
   */
  static Map<String, Double> cpuSeconds(String labDir) {
    Map<String, Double> out = new TreeMap<>();
    out.put("jvm", cpuOf(Path.of("/proc/self"), 11, 12));
    out.put("jvm_children", cpuOf(Path.of("/proc/self"), 13, 14));
    labProcesses(labDir, (comm, p) -> out.merge(comm, cpuOf(p, 11, 14), Double::sum));
    return out;
  }

  /**
   * Calls {@code each} with the command name and /proc directory of every process whose command
   * line names {@code labDir}; false when /proc cannot be listed.
   */
  private static boolean labProcesses(String labDir, BiConsumer<String, Path> each) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                try {
                  String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                  if (cmd.contains(labDir)) {
                    each.accept(Files.readString(p.resolve("comm")).trim(), p);
                  }
                } catch (IOException | RuntimeException e) {
                  // the process ended meanwhile, or is not ours to read
                }
              });
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  /**
   * CPU nanoseconds so far of every live thread of this JVM, by thread id, with its name: the Java
   * threads from {@link ThreadMXBean}, under their full names, and the JVM's own threads (GC, JIT
   * compilers, VM thread) from /proc/self/task, under their kernel names.
   */
  static Map<String, Long> threadCpuNanos() {
    Map<String, Long> out = new HashMap<>();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null) {
        long ns = threads.getThreadCpuTime(info.getThreadId());
        if (ns > 0) {
          out.put("java:" + info.getThreadId() + ":" + info.getThreadName(), ns);
        }
      }
    }
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(
          t -> {
            try {
              String comm = Files.readString(t.resolve("comm")).trim();
              if (comm.startsWith("GC Thread")
                  || comm.startsWith("G1 ")
                  || comm.startsWith("C1 Compiler")
                  || comm.startsWith("C2 Compiler")
                  || comm.startsWith("VM ")) {
                out.put("jvm:" + t.getFileName() + ":" + comm, (long) (cpuOf(t, 11, 12) * 1e9));
              }
            } catch (IOException | RuntimeException e) {
              // the thread ended meanwhile
            }
          });
    } catch (IOException e) {
      // no /proc: the Java threads only
    }
    return out;
  }

  /**
   * {@link #threadCpuNanos} taken every few seconds and kept per thread, so a thread that ends (an
   * idle pool thread let go, a pool shut down) still counts with its last sample. At 10,000 zones
   * that brought back the bench's own check pool (about 10 s); the split still misses about 13 % of
   * the JVM's CPU there (bench/README.md §16): threads shorter than the interval, what a thread did
   * after its last sample, and native threads neither Java's nor the JVM's own.
   */
  static final class ThreadCpuSampler implements AutoCloseable {
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "bench-thread-cpu-sampler");
              t.setDaemon(true);
              return t;
            });

    ThreadCpuSampler(Duration every) {
      timer.scheduleWithFixedDelay(this::sample, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sample() {
      threadCpuNanos().forEach((k, ns) -> seen.merge(k, ns, Math::max));
    }

    /** Every thread seen so far, live or ended, with its CPU at its last sample (one taken now). */
    Map<String, Long> soFar() {
      sample();
      return new HashMap<>(seen);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /**
   * {@code before} → {@code after} of {@link #threadCpuNanos}, summed per thread name with digits
   * and ids replaced ({@code StreamThread-#}), the {@code top} largest as {@code
   * thread_cpu_s_<name>=…} fields and the rest as one {@code thread_cpu_s_other}; threads that
   * ended between the two snapshots are not counted unless {@code after} comes from a {@link
   * ThreadCpuSampler}; {@code cpu_s_jvm} minus {@code thread_cpu_s_sum} shows what is missing.
   */
  static String threadCpuDelta(Map<String, Long> before, Map<String, Long> after, int top) {
    Map<String, Double> groups = new HashMap<>();
    after.forEach(
        (key, ns) -> {
          String name = key.substring(key.indexOf(':', key.indexOf(':') + 1) + 1);
          String group = DIGITS.matcher(UUID.matcher(name).replaceAll("*")).replaceAll("#");
          double s = (ns - before.getOrDefault(key, 0L)) / 1e9;
          groups.merge(group.replace(' ', '_'), s, Double::sum);
        });
    double sum = groups.values().stream().mapToDouble(Double::doubleValue).sum();
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "thread_cpu_s_sum=%.1f", sum));
    double shown = 0;
    List<Map.Entry<String, Double>> sorted =
        groups.entrySet().stream()
            .sorted(Map.Entry.comparingByValue((a, b) -> Double.compare(b, a)))
            .toList();
    for (Map.Entry<String, Double> e : sorted.subList(0, Math.min(top, sorted.size()))) {
      shown += e.getValue();
      out.append(String.format(Locale.ROOT, " thread_cpu_s_%s=%.1f", e.getKey(), e.getValue()));
    }
    return out.append(String.format(Locale.ROOT, " thread_cpu_s_other=%.1f", sum - shown))
        .toString();
  }

  /** {@code before} → {@code after} as {@code cpu_s_<name>=…} fields, and per zone in ms. */
  static String cpuDelta(Map<String, Double> before, Map<String, Double> after, int zones) {
    StringBuilder out = new StringBuilder();
    double total = 0;
    for (Map.Entry<String, Double> e : after.entrySet()) {
      double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      total += d;
      out.append(
          String.format(
              Locale.ROOT,
              "cpu_s_%s=%.1f cpu_ms_per_zone_%s=%.1f ",
              e.getKey(),
              d,
              e.getKey(),
              d * 1000 / zones));
    }
    return out.append(
            String.format(
                Locale.ROOT,
                "cpu_s_total=%.1f cpu_ms_per_zone_total=%.1f",
                total,
                total * 1000 / zones))
        .toString();
  }

  /** Fields {@code from}..{@code to} of /proc/PID/stat after the command name, in seconds. */
  private static double cpuOf(Path proc, int from, int to) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      // fields after the ")" closing the command name: state is the 3rd field, utime the 14th
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = 0;
      for (int i = from; i <= to; i++) { // 11 utime, 12 stime, 13 cutime, 14 cstime
        ticks += Long.parseLong(f[i]);
      }
      return ticks / 100.0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static String rssOf(String name, Path proc) {
    try {
      long rss = 0;
      long hwm = 0;
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line);
        } else if (line.startsWith("VmHWM:")) {
          hwm = kib(line);
        }
      }
      return String.format(
          Locale.ROOT, "rss_mib_%s=%d rss_peak_mib_%s=%d", name, rss / 1024, name, hwm / 1024);
    } catch (IOException e) {
      return "rss_" + name + "=unknown";
    }
  }

  private static long kib(String statusLine) {
    return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
  }
}
