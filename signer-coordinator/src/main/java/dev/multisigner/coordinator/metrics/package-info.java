/**
 * The coordinator's {@code multisigner_} metrics on /prometheus: zone gauges derived from the
 * zone-state store (processes, steps and time in them, halts, the parent's DS and NS lag,
 * observation age, key sync latency) and the Streams lag (Kafka's client metrics bound to
 * Micrometer). The signer writers' meters live with the writers.
 */
package dev.multisigner.coordinator.metrics;
