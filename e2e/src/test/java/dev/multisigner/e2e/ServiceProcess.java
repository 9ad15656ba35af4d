package dev.multisigner.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One Multisigner service in its own JVM, as in production: started from its main class with this
 * JVM's class path, configured by a properties file (mode 0600: it holds TSIG secrets and API keys,
 * which must not appear on a command line), logging to a file. {@link #kill()} is SIGKILL: no
 * shutdown hook, no flush, no commit.
 */
final class ServiceProcess implements AutoCloseable {

  private final String name;
  private final Class<?> mainClass;
  private final Path config;
  private final Path log;
  private final int httpPort;
  private final List<String> jvmOptions;
  private final List<String> args;
  private final Duration startTimeout;
  private Process process;
  private int starts;

  private ServiceProcess(
      String name,
      Class<?> mainClass,
      Path config,
      Path log,
      int httpPort,
      List<String> jvmOptions,
      List<String> args,
      Duration startTimeout) {
    this.name = name;
    this.mainClass = mainClass;
    this.config = config;
    this.log = log;
    this.httpPort = httpPort;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.args = List.copyOf(args);
    this.startTimeout = startTimeout;
  }

  /** Writes the configuration and starts the service; returns once /health answers UP. */
  static ServiceProcess start(
      String name, Class<?> mainClass, Path dir, Map<String, Object> properties) {
    // Generous: under load (a loaded 2-core machine) the JVM alone took 60 s to start.
    return start(
        name, mainClass, dir, properties, List.of(), port -> List.of(), Duration.ofSeconds(180));
  }

  /**
   * As {@link #start(String, Class, Path, Map)}, with more JVM options, the main class's arguments
   * (given the HTTP port, for a command that takes it as an option) and how long it may take.
   */
  static ServiceProcess start(
      String name,
      Class<?> mainClass,
      Path dir,
      Map<String, Object> properties,
      List<String> jvmOptions,
      java.util.function.IntFunction<List<String>> args,
      Duration startTimeout) {
    try {
      Files.createDirectories(dir);
      int port = freePort();
      Properties p = new Properties();
      new TreeMap<>(properties).forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
      p.setProperty("micronaut.server.port", Integer.toString(port));
      p.setProperty("micronaut.server.host", "127.0.0.1");
      Path config = dir.resolve(name + ".properties");
      Files.deleteIfExists(config);
      Files.createFile(
          config,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (var out = Files.newBufferedWriter(config)) {
        p.store(out, "multisigner e2e: " + name);
      }
      ServiceProcess service =
          new ServiceProcess(
              name,
              mainClass,
              config,
              dir.resolve(name + ".log"),
              port,
              jvmOptions,
              args.apply(port),
              startTimeout);
      service.start();
      return service;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + name + " in " + dir, e);
    }
  }

  /** Starts (again) on the same configuration and data; returns once /health answers UP. */
  void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx768m"));
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-Dmicronaut.config.files=" + config,
            "-cp",
            System.getProperty("java.class.path"),
            mainClass.getName()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    starts++;
    try {
      awaitHealthy(startTimeout);
    } catch (RuntimeException e) {
      // Never leave an unhealthy child behind: it would hold ports and the broker's groups.
      process.destroyForcibly();
      throw e;
    }
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** How many times the process was started. */
  int starts() {
    return starts;
  }

  /** The service's HTTP base URL. */
  URI url() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  /** Its log file (appended to across restarts). */
  Path log() {
    return log;
  }

  /**
   * Its name, the last {@code max} WARN and ERROR lines of its log and its last {@code tail} lines:
   * what a failed test reports of a process whose log goes with the test's temporary directory.
   */
  String diagnosis(int max, int tail) {
    try {
      List<String> problems =
          Files.readAllLines(log).stream()
              .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
              .toList();
      return "--- "
          + name
          + ": last WARN/ERROR lines ("
          + problems.size()
          + " in all) ---\n"
          + String.join("\n", problems.subList(Math.max(0, problems.size() - max), problems.size()))
          + "\n--- "
          + name
          + ": last lines ---\n"
          + logTail(tail);
    } catch (IOException e) {
      return "--- " + name + ": no log (" + e.getMessage() + ") ---";
    }
  }

  /** The last lines of its log, for assertion messages. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void awaitHealthy(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request =
        HttpRequest.newBuilder(url().resolve("/health")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + ":\n" + logTail(40));
      }
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = "HTTP " + r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting " + name, e);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting " + name, e);
      }
    }
    throw new IllegalStateException(
        name + " not healthy within " + timeout + " (last: " + last + "):\n" + logTail(40));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    }
  }
}
