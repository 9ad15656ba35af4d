package dev.multisigner.coordinator.writer;

import dev.multisigner.providers.LastKnownBasis;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import java.util.Locale;

/**
 * Per signer writer: {@code multisigner_writer_commands_total{signer,outcome=applied|failed}},
 * {@code multisigner_writer_retries_total{signer}} (local retry attempts) and {@code
 * multisigner_writer_queue_depth{signer}} (commands read, not yet done) and {@code
 * multisigner_writer_basis_reads_total{signer,reason=unknown|conflict|confirm}} (reads to plan a
 * write, {@link LastKnownBasis}).
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
              for (LastKnownBasis.ReadReason reason : LastKnownBasis.ReadReason.values()) {
                FunctionCounter.builder(
                        "multisigner.writer.basis.reads", w, x -> x.get().basisReads(reason))
                    .description(
                        "Zone reads a signer writer made to plan a write: unknown (no last known"
                            + " state), conflict (the provider refused the basis), confirm (the"
                            + " last known state left nothing to do)")
                    .tags("signer", signer, "reason", reason.name().toLowerCase(Locale.ROOT))
                    .register(registry);
              }
              Gauge.builder("multisigner.writer.queue.depth", w, x -> x.get().inFlight())
                  .description("Commands a signer writer has read and not finished")
                  .tags("signer", signer)
                  .register(registry);
            });
  }
}
