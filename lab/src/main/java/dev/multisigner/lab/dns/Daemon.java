package dev.multisigner.lab.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real daemon in the foreground, started from its own config, stdout+stderr appended to a log
 * file, stopped by its PID (SIGTERM, then SIGKILL after a grace period). Every live daemon is also
 * stopped by a JVM shutdown hook, as a safety net for aborted test runs.
 */
final class Daemon implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
  private static final Set<Daemon> LIVE = ConcurrentHashMap.newKeySet();
  static final Duration STOP_GRACE = Duration.ofSeconds(5);

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Daemon d : List.copyOf(LIVE)) {
                    d.stop();
                  }
                },
                "dnslab-shutdown"));
  }

  private final String name;
  private final String zone;
  private final Process process;
  private final Path log;
  private final Redactor redactor;

  private Daemon(String name, String zone, Process process, Path log, Redactor redactor) {
    this.name = name;
    this.zone = zone;
    this.process = process;
    this.log = log;
    this.redactor = redactor;
  }

  static Daemon start(
      String name, String zone, List<String> command, Path dir, Path log, Redactor redactor) {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    try {
      Process p = pb.start();
      Daemon d = new Daemon(name, zone, p, log, redactor);
      LIVE.add(d);
      LOG.info("event=daemon_started daemon={} zone={} pid={} log={}", name, zone, p.pid(), log);
      return d;
    } catch (IOException e) {
      throw new LabException(
          "cannot start "
              + name
              + " for zone "
              + zone
              + " ("
              + command.get(0)
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File("/dev/null");
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** The last {@code lines} lines of the log, secrets masked. */
  String logTail(int lines) {
    try {
      if (!Files.exists(log)) {
        return "";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> tail = new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
      return redactor.mask(String.join("\n", tail));
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e.getMessage() + ")";
    }
  }

  /** Fails with the log tail if the process has exited. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw failure("exited with status " + process.exitValue(), null);
    }
  }

  LabException failure(String what, Throwable cause) {
    String tail = logTail(40);
    String msg =
        name
            + " for zone "
            + zone
            + " (pid "
            + process.pid()
            + ") "
            + what
            + "; log tail:\n"
            + tail;
    if (tail.toLowerCase(java.util.Locale.ROOT).contains("permission denied")) {
      msg +=
          "\n(hint: an AppArmor profile may confine this daemon to its packaged directories;"
              + " as root, lab/scripts/install-dns-packages.sh puts the named/unbound profiles into"
              + " complain mode)";
    }
    return cause == null ? new LabException(msg) : new LabException(msg, cause);
  }

  /** Stops the daemon by its PID: SIGTERM, wait, then SIGKILL. Idempotent. */
  void stop() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn(
              "event=daemon_kill daemon={} zone={} pid={} reason=no_exit_after_term",
              name,
              zone,
              pid());
          process.destroyForcibly();
          process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        LOG.info("event=daemon_stopped daemon={} zone={} pid={}", name, zone, pid());
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      if (!process.isAlive()) {
        LIVE.remove(this);
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return name + "[pid=" + process.pid() + "]";
  }
}
