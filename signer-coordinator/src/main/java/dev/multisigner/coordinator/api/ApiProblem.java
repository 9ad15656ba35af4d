package dev.multisigner.coordinator.api;

import io.micronaut.http.HttpStatus;

/**
 * A request the API refuses, with the HTTP status and a message that names the zone, the signer or
 * the field and says what is wrong (never a credential).
 */
public final class ApiProblem extends RuntimeException {

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

  static ApiProblem unavailable(String message) {
    return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, message);
  }

  public HttpStatus status() {
    return status;
  }
}
