package dev.multisigner.support;

import dev.multisigner.schemas.avro.Envelope;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** Makes the envelope every record carries: a new event id, the zone, the time and the producer. */
@Singleton
public class Envelopes {

  private final String producer;
  private final Clock clock;

  public Envelopes(@Value("${multisigner.service.name}") String producer, Clock clock) {
    this.producer = producer;
    this.clock = clock;
  }

  /** A first-cause envelope (no causation, no correlation). */
  public Envelope first(String zone) {
    return next(zone, null, null);
  }

  /** An envelope answering {@code cause}, in the same process (correlation) as the cause. */
  public Envelope answering(Envelope cause) {
    String correlation =
        cause.getCorrelationId() != null ? cause.getCorrelationId() : cause.getEventId();
    return next(cause.getZone(), cause.getEventId(), correlation);
  }

  /** An envelope with explicit causation and correlation ids (either may be null). */
  public Envelope next(String zone, String causationId, String correlationId) {
    return Envelope.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setZone(zone)
        .setOccurredAt(clock.instant())
        .setProducer(producer)
        .setCausationId(causationId)
        .setCorrelationId(correlationId)
        .build();
  }

  /**
   * Now, by the clock envelopes are stamped with: for a time a record carries beside its envelope's
   * {@code occurredAt} and is compared with other envelopes' times.
   */
  public Instant now() {
    return clock.instant();
  }

  /** The name this service puts in {@code producer}. */
  public String producer() {
    return producer;
  }
}
