/**
 * A zone's signer group as the decider remembers it: members with their join/leave phase and
 * commands in flight, and the keys the group knows with their owners and retirement times.
 */
package dev.multisigner.domain.group;
