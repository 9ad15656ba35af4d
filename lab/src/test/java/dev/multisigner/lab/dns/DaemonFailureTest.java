package dev.multisigner.lab.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** A daemon that dies or never answers fails the start with its log, secrets masked. */
class DaemonFailureTest {

  @TempDir Path dir;

  @Test
  void exitedDaemonFailsWithItsLogTailAndNoSecret() {
    String secret = "c2VjcmV0LXRzaWc=";
    Daemon d =
        Daemon.start(
            "fake[x]",
            "example.test.",
            List.of(
                "sh",
                "-c",
                "echo loading key " + secret + "; echo bind failed: address in use; exit 3"),
            dir,
            dir.resolve("fake.log"),
            new Redactor(List.of(secret)));
    InetSocketAddress nowhere = LabPorts.nextAddress();
    assertThatThrownBy(
            () ->
                DnsQueries.awaitAnswer(
                    d, nowhere, Name.root, Type.SOA, false, m -> true, Duration.ofSeconds(5)))
        .isInstanceOf(LabException.class)
        .hasMessageContaining("fake[x] for zone example.test.")
        .hasMessageContaining("exited with status 3")
        .hasMessageContaining("bind failed: address in use")
        .hasMessageContaining("loading key ****")
        .hasMessageNotContaining(secret);
    d.stop();
  }

  @Test
  void silentDaemonIsKilledAfterTheTimeoutAndStopIsByPid() throws Exception {
    Daemon d =
        Daemon.start(
            "silent[y]",
            "example.test.",
            List.of("sleep", "60"),
            dir,
            dir.resolve("silent.log"),
            Redactor.none());
    long pid = d.pid();
    InetSocketAddress nowhere = LabPorts.nextAddress();
    assertThatThrownBy(
            () ->
                DnsQueries.awaitAnswer(
                    d, nowhere, Name.root, Type.SOA, false, m -> true, Duration.ofMillis(600)))
        .isInstanceOf(LabException.class)
        .hasMessageContaining("did not answer");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
    d.stop();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Files.exists(dir.resolve("silent.log"))).isTrue();
  }

  @Test
  void tooLongControlSocketPathIsRefusedWithAClearMessage() {
    java.nio.file.Path deep = dir.resolve("x".repeat(120));
    assertThatThrownBy(() -> KnotSigner.checkSocketPath(deep.resolve("run/knot.sock")))
        .isInstanceOf(LabException.class)
        .hasMessageContaining("shorter work dir");
  }

  @Test
  void tsigCredentialsNeverShowTheSecret() {
    TsigCredentials t = TsigCredentials.randomHmacSha256("knot-a-ddns");
    assertThat(t.name()).isEqualTo("knot-a-ddns.");
    assertThat(t.secret()).hasSize(44);
    assertThat(t.toString()).doesNotContain(t.secret()).contains("****");
  }
}
