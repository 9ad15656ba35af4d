/**
 * Signer writers: one Kafka consumer group per configured signer applies that signer's commands
 * through its provider adapter and reports SignerCommandApplied or SignerCommandFailed.
 */
package dev.multisigner.coordinator.writer;
