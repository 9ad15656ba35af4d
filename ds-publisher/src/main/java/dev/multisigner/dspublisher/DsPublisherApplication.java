package dev.multisigner.dspublisher;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;

/** Starts the ds-publisher service (Micronaut environment {@code ds-publisher}). */
public final class DsPublisherApplication {

  /** The Micronaut environment that activates this service's beans and configuration. */
  public static final String ENVIRONMENT = "ds-publisher";

  private DsPublisherApplication() {}

  public static void main(String[] args) {
    start(args);
  }

  /** Starts the service and returns its running context. */
  public static ApplicationContext start(String... args) {
    return Micronaut.build(args)
        .mainClass(DsPublisherApplication.class)
        .environments(ENVIRONMENT)
        .start();
  }
}
