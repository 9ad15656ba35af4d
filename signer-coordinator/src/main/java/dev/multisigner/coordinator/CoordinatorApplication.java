package dev.multisigner.coordinator;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

/**
 * Starts the signer-coordinator service (Micronaut environment {@code signer-coordinator}). Its
 * operator API's OpenAPI document is generated at compile time and served at {@link #OPENAPI_PATH}.
 */
@OpenAPIDefinition(
    info =
        @Info(
            title = "multisigner-coordinator",
            version = "1",
            description =
                "Multisigner operator API: enroll zones, add and remove signers, roll keys, resume"
                    + " halted zones (each an intent on multisigner.zone.intents), and read zone"
                    + " state."))
public final class CoordinatorApplication {

  /** Where the generated OpenAPI document is served. */
  public static final String OPENAPI_PATH = "/swagger/multisigner-coordinator-1.yml";

  /** The Micronaut environment that activates this service's beans and configuration. */
  public static final String ENVIRONMENT = "signer-coordinator";

  /**
   * The environment of a signer writer on its own ({@code multisigner writer --signer <id>}): only
   * the writers of {@code multisigner.writers.signers}, no Streams, no operator API.
   */
  public static final String WRITER_ENVIRONMENT = "signer-writer";

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
