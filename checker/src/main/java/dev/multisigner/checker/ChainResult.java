package dev.multisigner.checker;

/**
 * Check (a) for one signer: does its DNSKEY RRset chain to the parent's DS RRset (a DS matches one
 * of its SEP keys, and that key's RRSIG over the DNSKEY RRset verifies)? RFC 4035 §5.2.
 */
public record ChainResult(String signer, boolean valid, String detail) {}
