package dev.multisigner.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CheckerMainTest {

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return CheckerMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void rejectsMissingParentWithUsage() {
    assertThat(run("example.test.", "--signer", "a=127.0.0.1:53")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--parent").contains("usage:");
  }

  @Test
  void rejectsASignerWithoutId() {
    assertThat(run("example.test.", "--signer", "127.0.0.1:53", "--parent", "127.0.0.1:53"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("<id>=<host>:<port>");
  }
}
