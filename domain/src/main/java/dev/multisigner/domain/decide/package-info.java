/**
 * The decider: {@code ZoneDecider.decide(state, input, now)} consumes observations, intents,
 * results and time for one zone and produces its next {@code ZoneState} and the outputs the shell
 * performs.
 */
package dev.multisigner.domain.decide;
