/**
 * The in-memory provider, for unit tests only: it models the RRsets a signer would serve (its own
 * keys plus imported ones) and signs nothing.
 */
package dev.multisigner.providers.inmemory;
