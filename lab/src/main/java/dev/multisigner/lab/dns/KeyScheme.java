package dev.multisigner.lab.dns;

/**
 * How a lab signer splits its keys: a KSK and a ZSK, one combined signing key (CSK), or only a ZSK
 * with the DNSKEY RRset signed elsewhere (Knot offline-KSK: an RFC 8901 model 1 member).
 */
public enum KeyScheme {
  KSK_ZSK,
  CSK,
  /** Knot only: its own ZSK; DNSKEY/CDS/CDNSKEY and their RRSIGs from an imported SKR. */
  OFFLINE_KSK
}
