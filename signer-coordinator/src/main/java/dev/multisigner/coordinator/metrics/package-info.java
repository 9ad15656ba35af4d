/**
 * The coordinator's {@code multisigner_} metrics on /prometheus: zone gauges derived from the
 * zone-state store (processes, steps, halts, observation age, key sync latency) and the signer
 * writers' command counters and queue depth.
 */
package dev.multisigner.coordinator.metrics;
