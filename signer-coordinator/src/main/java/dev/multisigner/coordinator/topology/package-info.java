/**
 * The coordinator's Kafka Streams topology: one processor per zone key that loads the zone's state,
 * calls decide, stores the new state and emits the outputs; a punctuator wakes due timers.
 */
package dev.multisigner.coordinator.topology;
