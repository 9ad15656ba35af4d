/**
 * Benchmarks of DESIGN.md's performance targets, each a main class printing key=value lines: import
 * latency in the DNS lab, coordinator throughput against raw Kafka, collector rate against dnsperf.
 */
package dev.multisigner.bench;
