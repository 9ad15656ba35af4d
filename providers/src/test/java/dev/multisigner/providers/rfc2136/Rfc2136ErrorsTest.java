package dev.multisigner.providers.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import dev.multisigner.providers.ProviderException.RetryableProviderException;
import dev.multisigner.providers.Secret;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;

/** How DNS answers and silence map to typed errors (RFC 2136 §2.2, RFC 8945 §5.3). */
class Rfc2136ErrorsTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final SignerId KNOT = SignerId.of("knot-a");
  private static final String SECRET = "FhNnYBhRZTz0IS8Mbyq0zTh+5TFUHDbtQ4fWjdyZDtI=";
  private final TsigKey key = new TsigKey("knot-a-ddns.", "hmac-sha256", Secret.of(SECRET));
  private final Rfc2136Client client =
      new Rfc2136Client(KNOT, new InetSocketAddress("127.0.0.1", 53), key, Duration.ofSeconds(1));

  private static TSIGRecord tsigError(int error) {
    return new TSIGRecord(
        Name.fromConstantString("knot-a-ddns."),
        DClass.ANY,
        0,
        TSIG.HMAC_SHA256,
        Instant.EPOCH,
        Duration.ofSeconds(300),
        new byte[0],
        1,
        error,
        new byte[0]);
  }

  @Test
  void aFailedPrerequisiteIsARetryableConcurrentChange() {
    ProviderException e = client.failure(ZONE, Rcode.NXRRSET, null);

    assertThat(e).isInstanceOf(RetryableProviderException.class);
    assertThat(e.kind()).isEqualTo(Kind.CONCURRENT_CHANGE);
    assertThat(e.getMessage()).contains("zone=example.test.").contains("provider=knot-a");
  }

  @Test
  void aTsigRejectionIsAPermanentAuthFailureThatNamesTheKeyNotTheSecret() {
    ProviderException e = client.failure(ZONE, Rcode.NOTAUTH, tsigError(Rcode.BADSIG));

    assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("BADSIG").contains("knot-a-ddns.").doesNotContain(SECRET);
    assertThat(key.toString()).doesNotContain(SECRET);
  }

  @Test
  void notAuthWithoutATsigErrorMeansTheServerDoesNotServeTheZone() {
    assertThat(client.failure(ZONE, Rcode.NOTAUTH, tsigError(Rcode.NOERROR)).kind())
        .isEqualTo(Kind.UNKNOWN_ZONE);
  }

  @Test
  void refusedServfailAndFormerrMapByRetryability() {
    assertThat(client.failure(ZONE, Rcode.REFUSED, null).kind()).isEqualTo(Kind.REFUSED);
    assertThat(client.failure(ZONE, Rcode.REFUSED, null).retryable()).isFalse();
    assertThat(client.failure(ZONE, Rcode.SERVFAIL, null).kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(client.failure(ZONE, Rcode.SERVFAIL, null).retryable()).isTrue();
    assertThat(client.failure(ZONE, Rcode.FORMERR, null).kind()).isEqualTo(Kind.MALFORMED);
  }

  @Test
  void aServerThatNeverAnswersGivesARetryableTimeoutNamingZoneAndProvider() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread accept =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept());
                  }
                } catch (Exception e) {
                  // closed
                }
              });
      accept.setDaemon(true);
      accept.start();
      Rfc2136Adapter adapter =
          new Rfc2136Adapter(
              KNOT,
              new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()),
              key,
              Duration.ofMillis(500),
              dev.multisigner.providers.dns.DnsKeyReader.OwnKeys.fromSignatures(),
              Rfc2136Capabilities.knot());

      long t0 = System.nanoTime();
      RetryableProviderException e =
          catchThrowableOfType(RetryableProviderException.class, () -> adapter.read(ZONE));

      assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
      assertThat(e.getMessage()).contains("zone=example.test.").contains("provider=knot-a");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
