package dev.multisigner.support;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The one place a service reads the wall clock; tests replace the bean with a fixed clock. */
@Factory
public class ClockFactory {

  @Singleton
  @Requires(missingBeans = Clock.class)
  Clock systemClock() {
    return Clock.systemUTC();
  }
}
