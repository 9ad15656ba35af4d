/**
 * The versioned byte encoding of a {@code ZoneState} (pure JDK streams), which the coordinator
 * stores in its Kafka Streams state store; consumes and produces bytes only.
 */
package dev.multisigner.domain.codec;
