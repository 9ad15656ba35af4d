/**
 * Observing one signer: DNS queries over TCP with DO to its nameserver, a snapshot of its key
 * RRsets, the difference to the previous snapshot, and the SignerObservation published for it.
 */
package dev.multisigner.collector.observe;
