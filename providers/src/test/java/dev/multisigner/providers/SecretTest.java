package dev.multisigner.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {

  @Test
  void masksItselfWhereverItIsPrinted() {
    Secret s = Secret.of("FhNnYBhRZTz0IS8Mbyq0zTh+5TFUHDbtQ4fWjdyZDtI=");

    assertThat(s.toString()).doesNotContain("FhNn").contains("****").contains("config");
    assertThat(String.valueOf(s)).doesNotContain("FhNn");
    assertThat(s.reveal()).isEqualTo("FhNnYBhRZTz0IS8Mbyq0zTh+5TFUHDbtQ4fWjdyZDtI=");
  }

  @Test
  void loadsFromAFileTrimmedAndSaysWhereItCameFrom(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "tok3n-value\n");

    Secret s = Secret.fromConfig("file:" + file);

    assertThat(s.reveal()).isEqualTo("tok3n-value");
    assertThat(s.origin()).contains(file.toString());
    assertThat(s.toString()).doesNotContain("tok3n");
  }

  @Test
  void scrubsItselfOutOfText() {
    Secret s = Secret.of("lab-api-key");

    assertThat(s.scrub("header X-API-Key: lab-api-key rejected"))
        .isEqualTo("header X-API-Key: **** rejected");
  }

  @Test
  void refusesAnEmptySecretOrAMissingVariable() {
    assertThatThrownBy(() -> Secret.of(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Secret.fromConfig("env:MULTISIGNER_NO_SUCH_VARIABLE_42"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MULTISIGNER_NO_SUCH_VARIABLE_42");
  }
}
