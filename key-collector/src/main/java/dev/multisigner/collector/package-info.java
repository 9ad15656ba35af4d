/**
 * The key-collector service: reads what each signer serves for a zone (DNSKEY, CDS, CDNSKEY, NS,
 * RRSIG summaries) and publishes SignerObservation records when something changed.
 */
package dev.multisigner.collector;
