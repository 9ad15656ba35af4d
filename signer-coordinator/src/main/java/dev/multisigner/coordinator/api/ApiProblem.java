package dev.multisigner.coordinator.api;

import io.micronaut.http.HttpStatus;

/**
 * A request the API refuses, with the HTTP status and a message that names the zone, the signer or
 * the field and says what is wrong (never a credential).
 */
public final class ApiProblem extends RuntimeException {

  /** A rebalance or a restart of the owning instance usually settles within a few seconds. */
  static final int RETRY_AFTER_SECONDS = 2;

  private final HttpStatus status;

  ApiProblem(HttpStatus status, String message) {
    super(message);
    this.status = status;
  }

  static ApiProblem badRequest(String message) {
    return new ApiProblem(HttpStatus.BAD_REQUEST, message);
  }

  static ApiProblem notFound(String message) {
    return new ApiProblem(HttpStatus.NOT_FOUND, message);
  }

  static ApiProblem conflict(String message) {
    return new ApiProblem(HttpStatus.CONFLICT, message);
  }

  /** A 503 the client should retry (the zone's owner is moving or not running yet). */
  static ApiProblem unavailable(String message) {
    return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, message);
  }

  /** Seconds a client waits before asking again ({@code Retry-After}); 0 = not to be retried. */
  int retryAfterSeconds() {
    return status == HttpStatus.SERVICE_UNAVAILABLE ? RETRY_AFTER_SECONDS : 0;
  }

  public HttpStatus status() {
    return status;
  }
}
