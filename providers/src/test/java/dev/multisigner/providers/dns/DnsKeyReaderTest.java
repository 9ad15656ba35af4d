package dev.multisigner.providers.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** How the answers to key queries map to typed errors. */
class DnsKeyReaderTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private final DnsKeyReader reader =
      new DnsKeyReader(
          SignerId.of("knot-a"), new InetSocketAddress("127.0.0.1", 53), Duration.ofSeconds(1));

  @Test
  void servfailIsRetryableAndRefusedMeansTheZoneIsNotServed() {
    ProviderException servfail = reader.failure(ZONE, Rcode.SERVFAIL, "DNSKEY query");
    ProviderException refused = reader.failure(ZONE, Rcode.REFUSED, "SOA query");

    assertThat(servfail.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(servfail.retryable()).isTrue();
    assertThat(servfail.getMessage()).contains("zone=example.test. provider=knot-a");
    assertThat(refused.kind()).isEqualTo(Kind.UNKNOWN_ZONE);
    assertThat(refused.retryable()).isFalse();
    assertThat(refused.getMessage()).contains("answered REFUSED");
  }

  @Test
  void nothingListeningIsRetryable() {
    DnsKeyReader nobody =
        new DnsKeyReader(
            SignerId.of("knot-a"), new InetSocketAddress("127.0.0.1", 9), Duration.ofSeconds(1));

    ProviderException e =
        catchThrowableOfType(ProviderException.class, () -> nobody.query(ZONE, Type.SOA));

    assertThat(e.retryable()).isTrue();
    assertThat(e.kind()).isIn(Kind.UNAVAILABLE, Kind.TIMEOUT);
    assertThat(e.getMessage()).contains("zone=example.test.").contains("provider=knot-a");
  }

  @Test
  void aReadWithNothingListeningFailsRetryablyNamingZoneAndProvider() {
    DnsKeyReader nobody =
        new DnsKeyReader(
            SignerId.of("knot-a"), new InetSocketAddress("127.0.0.1", 9), Duration.ofSeconds(1));

    ProviderException e =
        catchThrowableOfType(
            ProviderException.class, () -> nobody.queryAll(ZONE, Type.DNSKEY, Type.CDS, Type.NS));

    assertThat(e.retryable()).isTrue();
    assertThat(e.kind()).isIn(Kind.UNAVAILABLE, Kind.TIMEOUT);
    assertThat(e.getMessage()).contains("zone=example.test.").contains("provider=knot-a");
  }

  @Test
  void pipelinedQueriesToAServerThatNeverAnswersTimeOutNamingTheServer() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                List<Socket> held = new ArrayList<>();
                try {
                  while (true) {
                    held.add(silent.accept()); // reads nothing, answers nothing
                  }
                } catch (IOException closed) {
                  held.forEach(DnsKeyReaderTest::closeQuietly);
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", silent.getLocalPort());
      DnsKeyReader reader =
          new DnsKeyReader(SignerId.of("pdns-b"), address, Duration.ofMillis(300));
      long started = System.nanoTime();

      ProviderException e =
          catchThrowableOfType(
              ProviderException.class, () -> reader.queryAll(ZONE, Type.DNSKEY, Type.CDS));

      assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage())
          .contains("zone=example.test.")
          .contains("provider=pdns-b")
          .contains(String.valueOf(silent.getLocalPort()));
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("within the resolver's timeout plus the margin")
          .isLessThan(Duration.ofMillis(300 + 1000 + 2000));
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing a test socket
    }
  }
}
