/**
 * Avro single-object encoding for Kafka: each value carries its schema fingerprint, and a schema
 * store of every released version lets a consumer decode what an older producer wrote.
 */
package dev.multisigner.schemas.serde;
