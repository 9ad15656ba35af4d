package dev.multisigner.domain.model;

/** How the signers of a group share keys (RFC 8901 §2.1). */
public enum SignerModel {
  /**
   * One KSK, held by one designated member (the KSK holder, {@link GroupPolicy#kskHolder}), signs
   * every signer's DNSKEY RRset; each signer has its own ZSK (RFC 8901 §2.1.1).
   */
  MODEL_1,
  /** Every signer has its own KSK and ZSK (or CSK); every ZSK is in every signer's RRset. */
  MODEL_2
}
