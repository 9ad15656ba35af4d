package dev.multisigner.coordinator.writer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;

/**
 * Per signer writer: {@code multisigner_writer_commands_total{signer,outcome=applied|failed}},
 * {@code multisigner_writer_retries_total{signer}} (local retry attempts) and {@code
 * multisigner_writer_queue_depth{signer}} (commands read, not yet done).
 */
@Context
@Requires(env = {"signer-coordinator", "signer-writer"})
@Requires(bean = SignerWriters.class) // none with multisigner.writers.enabled=false
public class WriterMeters {

  public WriterMeters(SignerWriters writers, MeterRegistry registry) {
    writers
        .currentWriters()
        .forEach(
            (signer, w) -> {
              FunctionCounter.builder("multisigner.writer.commands", w, x -> x.get().applied.get())
                  .description("Commands a signer writer applied or reported failed")
                  .tags("signer", signer, "outcome", "applied")
                  .register(registry);
              FunctionCounter.builder("multisigner.writer.commands", w, x -> x.get().failed.get())
                  .description("Commands a signer writer applied or reported failed")
                  .tags("signer", signer, "outcome", "failed")
                  .register(registry);
              FunctionCounter.builder("multisigner.writer.retries", w, x -> x.get().retried.get())
                  .description("Retryable provider failures retried locally by a signer writer")
                  .tags("signer", signer)
                  .register(registry);
              Gauge.builder("multisigner.writer.queue.depth", w, x -> x.get().inFlight())
                  .description("Commands a signer writer has read and not finished")
                  .tags("signer", signer)
                  .register(registry);
            });
  }
}
