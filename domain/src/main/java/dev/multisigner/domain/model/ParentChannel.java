package dev.multisigner.domain.model;

/**
 * A way a change reaches the parent (DESIGN "ds-publisher"; draft-ietf-dnsop-dnssec-automation §3
 * prerequisites).
 */
public enum ParentChannel {
  /** The ds-publisher changes the parent itself (RFC 2136 UPDATE, a registrar API). */
  DNS_UPDATE,
  /** The parent scans the signers' CDS/CDNSKEY (RFC 7344, RFC 8078, RFC 9975) for DS changes. */
  CDS_SCAN,
  /** The parent scans the signers' CSYNC (RFC 7477) and copies the child's NS set. */
  CSYNC_SCAN
}
