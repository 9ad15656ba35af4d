package dev.multisigner.providers.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/** SOA serials over one UDP socket from a real Knot, many in flight; typed failures. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SerialProbeTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private DnsLab lab;
  private KnotSigner knot;

  @BeforeAll
  void start() {
    lab = DnsLab.builder().zone(ZONE.value()).knotSigner("knot-a").start();
    knot = lab.knot("knot-a");
  }

  @AfterAll
  void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void manyChecksInFlightAllGetTheSerialKnotServesOverTcp() {
    long served =
        new DnsKeyReader(SignerId.of("knot-a"), knot.dnsAddress(), Duration.ofSeconds(3))
            .query(ZONE, Type.SOA).stream()
                .filter(SOARecord.class::isInstance)
                .map(r -> ((SOARecord) r).getSerial())
                .findFirst()
                .orElseThrow();
    try (SerialProbe probe =
        new SerialProbe(SignerId.of("knot-a"), knot.dnsAddress(), Duration.ofSeconds(3), 16)) {
      List<CompletableFuture<Long>> checks = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        checks.add(probe.serial(ZONE));
      }
      assertThat(checks).allSatisfy(c -> assertThat(c.join()).isEqualTo(served));
    }
  }

  @Test
  void aZoneTheServerDoesNotServeFailsAsUnknownNamingZoneAndProvider() {
    try (SerialProbe probe =
        new SerialProbe(SignerId.of("knot-a"), knot.dnsAddress(), Duration.ofSeconds(3), 4)) {
      Throwable t = catchThrowable(() -> probe.serial(ZoneName.of("other.test.")).join());
      assertThat(t).isInstanceOf(CompletionException.class);
      ProviderException e = (ProviderException) t.getCause();
      assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_ZONE);
      assertThat(e.getMessage()).contains("zone=other.test.").contains("provider=knot-a");
    }
  }

  @Test
  void noAnswerIsARetryableTimeout() {
    try (SerialProbe probe =
        new SerialProbe(
            SignerId.of("knot-a"),
            new InetSocketAddress("127.0.0.1", 9),
            Duration.ofMillis(300),
            4)) {
      Throwable t = catchThrowable(() -> probe.serial(ZONE).join());
      ProviderException e = (ProviderException) t.getCause();
      assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
      assertThat(e.retryable()).isTrue();
    }
  }
}
