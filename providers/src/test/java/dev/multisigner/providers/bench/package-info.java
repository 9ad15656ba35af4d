/**
 * Benchmarks (tag {@code benchmark}, not run by default): round-trip times of each adapter's writes
 * against the real lab signers, written to {@code target/round-trips.md}.
 */
package dev.multisigner.providers.bench;
