package dev.multisigner.domain.model;

/**
 * What a DNSKEY does in a signer's zone. The flags alone cannot tell a KSK from a CSK (both carry
 * SEP, RFC 4034 §2.1.1); the role comes from the signer that owns the key.
 */
public enum KeyRole {
  /** Signs the DNSKEY RRset only; referenced by the parent's DS. */
  KSK,
  /** Signs every other RRset. */
  ZSK,
  /** Combined signing key: signs the DNSKEY RRset and every other RRset. */
  CSK;

  /** True when a DS at the parent must reference this key. */
  public boolean needsDs() {
    return this != ZSK;
  }

  /** True when this key signs the zone's data (and so must be in every signer's DNSKEY RRset). */
  public boolean signsZoneData() {
    return this != KSK;
  }
}
