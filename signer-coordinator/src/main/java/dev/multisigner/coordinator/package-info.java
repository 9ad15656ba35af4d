/**
 * The signer-coordinator service: a Kafka Streams shell around the domain's ZoneDecider. Consumes
 * intents, observations, command results and DS events; emits commands, DS requests, zone events.
 */
package dev.multisigner.coordinator;
