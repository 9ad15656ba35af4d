/**
 * The signers this deployment can reach, from configuration ({@code multisigner.signers.<id>}): one
 * provider adapter per signer id, with credentials from files or the environment.
 */
package dev.multisigner.support.signers;
