package dev.multisigner.lab.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortClashRetryTest {

  @Test
  void startsAgainWhenTheDaemonLostItsPortToAnotherProcess() {
    List<Integer> attempts = new ArrayList<>();
    String started =
        DnsLab.retryOnPortClash(
            "knot-a",
            attempt -> {
              attempts.add(attempt);
              if (attempt < 2) {
                throw new LabException(
                    "knotd[knot-a] exited; log tail:\nerror: cannot bind address '127.0.0.1@5300'"
                        + " (Address already in use)");
              }
              return "up";
            });
    assertThat(started).isEqualTo("up");
    assertThat(attempts).containsExactly(0, 1, 2);
  }

  @Test
  void givesUpAfterThreeAttempts() {
    List<Integer> attempts = new ArrayList<>();
    assertThatThrownBy(
            () ->
                DnsLab.retryOnPortClash(
                    "pdns-b",
                    attempt -> {
                      attempts.add(attempt);
                      throw new LabException("Unable to bind UDP socket: Address already in use");
                    }))
        .hasMessageContaining("in use");
    assertThat(attempts).containsExactly(0, 1, 2);
  }

  @Test
  void doesNotRetryOtherFailures() {
    List<Integer> attempts = new ArrayList<>();
    assertThatThrownBy(
            () ->
                DnsLab.retryOnPortClash(
                    "named",
                    attempt -> {
                      attempts.add(attempt);
                      throw new LabException("named-checkconf failed: unknown option");
                    }))
        .hasMessageContaining("unknown option");
    assertThat(attempts).containsExactly(0);
  }
}
