package dev.multisigner.collector;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;

/** Starts the key-collector service (Micronaut environment {@code key-collector}). */
public final class KeyCollectorApplication {

  /** The Micronaut environment that activates this service's beans and configuration. */
  public static final String ENVIRONMENT = "key-collector";

  private KeyCollectorApplication() {}

  public static void main(String[] args) {
    start(args);
  }

  /** Starts the service and returns its running context. */
  public static ApplicationContext start(String... args) {
    return Micronaut.build(args)
        .mainClass(KeyCollectorApplication.class)
        .environments(ENVIRONMENT)
        .start();
  }
}
