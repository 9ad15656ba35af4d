package dev.multisigner.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException.Kind;
import dev.multisigner.providers.ProviderException.PermanentProviderException;
import dev.multisigner.providers.ProviderException.RetryableProviderException;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ProviderExceptionTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final SignerId PDNS = SignerId.of("pdns-b");

  @Test
  void retryabilityFollowsTheKind() {
    EnumSet<Kind> retryable =
        EnumSet.of(Kind.TIMEOUT, Kind.UNAVAILABLE, Kind.RATE_LIMITED, Kind.CONCURRENT_CHANGE);
    for (Kind kind : Kind.values()) {
      ProviderException e = ProviderException.of(kind, ZONE, PDNS, "cause");
      assertThat(e)
          .isInstanceOf(
              retryable.contains(kind)
                  ? RetryableProviderException.class
                  : PermanentProviderException.class);
      assertThat(e.retryable()).isEqualTo(retryable.contains(kind));
    }
  }

  @Test
  void theMessageNamesZoneProviderKindAndCause() {
    ProviderException e = ProviderException.of(Kind.AUTH_FAILED, ZONE, PDNS, "HTTP 401");

    assertThat(e.getMessage())
        .isEqualTo(
            "zone=example.test. provider=pdns-b error=AUTH_FAILED (not retryable): HTTP 401");
    assertThat(e.zone()).isEqualTo(ZONE);
    assertThat(e.provider()).isEqualTo(PDNS);
  }
}
