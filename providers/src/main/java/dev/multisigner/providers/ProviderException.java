package dev.multisigner.providers;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import java.util.Objects;

/**
 * A provider call that failed. The message always names the zone, the provider and the cause, and
 * never a credential. {@link RetryableProviderException} may succeed later (timeout, 5xx, SERVFAIL,
 * rate limit, concurrent change); {@link PermanentProviderException} will not until someone changes
 * something (credentials, zone, request).
 */
public abstract sealed class ProviderException extends RuntimeException
    permits ProviderException.RetryableProviderException,
        ProviderException.PermanentProviderException {

  /** What went wrong, by type. */
  public enum Kind {
    /** No answer in time. */
    TIMEOUT(true),
    /** The provider failed on its side: HTTP 5xx, SERVFAIL, connection refused. */
    UNAVAILABLE(true),
    /** Too many requests: HTTP 429. */
    RATE_LIMITED(true),
    /** The served data changed since it was read: an UPDATE prerequisite failed, or a re-read. */
    CONCURRENT_CHANGE(true),
    /** Credentials rejected: TSIG BADSIG/BADKEY, HTTP 401/403. */
    AUTH_FAILED(false),
    /** The provider does not serve or know the zone. */
    UNKNOWN_ZONE(false),
    /** The request or a record in it is malformed: FORMERR, HTTP 400/422. */
    MALFORMED(false),
    /** The provider refused the request by policy: REFUSED, an ACL. */
    REFUSED(false),
    /** The adapter or provider cannot do this (a capability it declares it lacks). */
    UNSUPPORTED(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;
  private final ZoneName zone;
  private final SignerId provider;

  private ProviderException(
      Kind kind, ZoneName zone, SignerId provider, String cause, Throwable throwable) {
    super(render(kind, zone, provider, cause), throwable);
    this.kind = kind;
    this.zone = zone;
    this.provider = provider;
  }

  /** Builds the exception of the right retryability for {@code kind}. */
  public static ProviderException of(Kind kind, ZoneName zone, SignerId provider, String cause) {
    return of(kind, zone, provider, cause, null);
  }

  /**
   * As {@link #of(Kind, ZoneName, SignerId, String)}, keeping the underlying exception. Its message
   * must be free of secrets (our clients never put one there: they send secrets in headers and TSIG
   * records only).
   */
  public static ProviderException of(
      Kind kind, ZoneName zone, SignerId provider, String cause, Throwable throwable) {
    Objects.requireNonNull(kind, "kind");
    return kind.retryable()
        ? new RetryableProviderException(kind, zone, provider, cause, throwable)
        : new PermanentProviderException(kind, zone, provider, cause, throwable);
  }

  private static String render(Kind kind, ZoneName zone, SignerId provider, String cause) {
    return "zone="
        + zone
        + " provider="
        + provider
        + " error="
        + kind
        + (kind.retryable() ? " (retryable)" : " (not retryable)")
        + ": "
        + cause;
  }

  public Kind kind() {
    return kind;
  }

  public boolean retryable() {
    return kind.retryable();
  }

  public ZoneName zone() {
    return zone;
  }

  public SignerId provider() {
    return provider;
  }

  /** May succeed if tried again later. */
  public static final class RetryableProviderException extends ProviderException {
    private RetryableProviderException(
        Kind kind, ZoneName zone, SignerId provider, String cause, Throwable t) {
      super(kind, zone, provider, cause, t);
    }
  }

  /** Will fail again until an operator changes something. */
  public static final class PermanentProviderException extends ProviderException {
    private PermanentProviderException(
        Kind kind, ZoneName zone, SignerId provider, String cause, Throwable t) {
      super(kind, zone, provider, cause, t);
    }
  }
}
