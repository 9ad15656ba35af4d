package dev.multisigner.coordinator;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;

/** Starts the signer-coordinator service (Micronaut environment {@code signer-coordinator}). */
public final class CoordinatorApplication {

  /** The Micronaut environment that activates this service's beans and configuration. */
  public static final String ENVIRONMENT = "signer-coordinator";

  private CoordinatorApplication() {}

  public static void main(String[] args) {
    start(args);
  }

  /** Starts the service and returns its running context. */
  public static ApplicationContext start(String... args) {
    return Micronaut.build(args)
        .mainClass(CoordinatorApplication.class)
        .environments(ENVIRONMENT)
        .start();
  }
}
