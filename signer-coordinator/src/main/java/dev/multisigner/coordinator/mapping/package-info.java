/**
 * Translation between the Avro contracts on the log and the domain core's inputs and outputs, and
 * the provider types an intent may name (each with its declared capabilities).
 */
package dev.multisigner.coordinator.mapping;
