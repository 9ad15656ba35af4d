/**
 * The decider: {@code ZoneDecider.decide(state, input, now)} consumes observations, intents,
 * results and time for one zone and produces its next {@code ZoneState} and the outputs the shell
 * performs. One file per process ({@code *Process}), put in order by {@code Reconciler}; intents
 * are admitted by {@code Admission}.
 */
package dev.multisigner.domain.decide;
