package dev.multisigner.bench;

import dev.multisigner.cli.LocalStack;
import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.collector.observe.ChangeDetector;
import dev.multisigner.collector.observe.ObservationService;
import dev.multisigner.providers.rfc2136.Rfc2136Adapter;
import dev.multisigner.support.signers.SignerRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
      long listings =
          stack
              .context(Service.KEY_COLLECTOR)
              .getBean(SignerRegistry.class)
              .provider(signer)
              .filter(Rfc2136Adapter.class::isInstance)
              .map(p -> ((Rfc2136Adapter) p).ownKeyListings())
              .orElse(0L);
      out.append(signer).append("_collector_keymgr_runs=").append(listings).append(' ');
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
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                try {
                  String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                  if (cmd.contains(labDir)) {
                    String comm = Files.readString(p.resolve("comm")).trim();
                    out.append(' ').append(rssOf(comm + "_" + p.getFileName(), p));
                  }
                } catch (IOException | RuntimeException e) {
                  // the process ended meanwhile, or is not ours to read
                }
              });
    } catch (IOException e) {
      out.append(" rss_error=\"").append(e.getMessage()).append('"');
    }
    return out.toString();
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
