/**
 * Which zones are under management and which signers serve them, rebuilt from the intents topic
 * (the log is the source of truth), for the services that poll per zone.
 */
package dev.multisigner.support.zones;
