/**
 * The operator HTTP API (port 8082): turns requests into intents on {@code
 * multisigner.zone.intents} after checking them as the coordinator will, and answers zone queries
 * from the local state store.
 */
package dev.multisigner.coordinator.api;
