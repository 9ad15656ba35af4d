package dev.multisigner.domain.model;

/**
 * Something a signer (provider) may or may not be able to do for multi-signer operation
 * (draft-ietf-dnsop-dnssec-automation §3, RFC 8901 §8).
 */
public enum Capability {
  /** Read DNSKEY/CDS/CDNSKEY/NS with their RRSIGs over DNS (TCP, DO bit). */
  READ_KEYS_DNS,
  /** Read the same through the provider's API. */
  READ_KEYS_API,
  /** Add and remove a foreign DNSKEY (no private key) in its DNSKEY RRset, signed by its KSK. */
  IMPORT_FOREIGN_DNSKEY,
  /** Publish CDS/CDNSKEY records for keys that are not its own (RFC 9975: identical everywhere). */
  PUBLISH_CDS_CDNSKEY,
  /** Accept a DNSKEY RRset signed elsewhere (model 1: Knot SKR import, PowerDNS 5). */
  ACCEPT_SIGNED_DNSKEY_RRSET,
  /** Change the zone's NS RRset at the signer. */
  MANAGE_NS,
  /** Publish CSYNC (RFC 7477). */
  PUBLISH_CSYNC,
  /** Sends DNS NOTIFY on every zone change. */
  SENDS_NOTIFY
}
