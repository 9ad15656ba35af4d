package dev.multisigner.lab.dns;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a lab tool (knotc, keymgr, pdnsutil, unbound-control, sqlite3) to completion. */
final class LabCommand {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private LabCommand() {}

  /** Runs the command; returns stdout+stderr; throws with the (masked) output on failure. */
  static String run(List<String> command, Path dir, Redactor redactor) {
    return run(command, dir, null, DEFAULT_TIMEOUT, redactor);
  }

  static String run(
      List<String> command, Path dir, Path stdin, Duration timeout, Redactor redactor) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.redirectInput(
        stdin == null
            ? ProcessBuilder.Redirect.from(new File("/dev/null"))
            : ProcessBuilder.Redirect.from(stdin.toFile()));
    String shown = redactor.mask(String.join(" ", command));
    Path out = null;
    try {
      out = Files.createTempFile("dnslab-cmd", ".out");
      pb.redirectOutput(out.toFile());
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new LabException("timed out after " + timeout + ": " + shown);
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new LabException(
            "failed with status " + p.exitValue() + ": " + shown + "\n" + redactor.mask(text));
      }
      return text;
    } catch (IOException e) {
      throw new LabException("cannot run " + shown + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted: " + shown, e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // a leftover temp file is harmless
        }
      }
    }
  }

  static List<String> of(String... parts) {
    return List.of(parts);
  }
}
