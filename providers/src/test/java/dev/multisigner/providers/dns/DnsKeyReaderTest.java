package dev.multisigner.providers.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import java.net.InetSocketAddress;
import java.time.Duration;
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
}
