package dev.multisigner.domain.group;

/**
 * The life of one signer in a group: joining and leaving, following
 * draft-ietf-dnsop-dnssec-automation "Signer joins" and "Signer leaves" (RFC 8901 §8).
 *
 * <pre>
 *   EnrollZone / AddSigner
 *        |
 *        v
 *   JOINING -- every shared key (model 2: KSKs too) at every member (observed) -->
 *   AWAITING_DS -- parent DS covers its KSK/CSK (observed) --> DS_WAIT
 *        |  (already delegated: straight to ACTIVE)               |
 *        |                      max(DS-Wait-Time, DNSKEY-Wait-Time) passed
 *        |                                                        v
 *        +------------------------------------------------> AWAITING_NS
 *                                                              | parent NS includes it
 *                                                              v
 *   RemoveSigner ----------------------------------------->  ACTIVE
 *        |
 *        v
 *   LEAVING_NS -- parent NS excludes it --> NS_WAIT -- NS-Wait-Time --> LEAVING_DS
 *   LEAVING_DS -- DNSKEY-Wait-Time after leaving service, parent DS without its KSK -->
 *   LEAVING_KEYS -- signature wait passed, its ZSKs withdrawn everywhere --> (removed)
 * </pre>
 */
public enum MemberPhase {
  JOINING,
  AWAITING_DS,
  DS_WAIT,
  AWAITING_NS,
  ACTIVE,
  LEAVING_NS,
  NS_WAIT,
  LEAVING_DS,
  LEAVING_KEYS;

  /** True while the parent's DS set must reference this member's KSKs/CSKs. */
  public boolean coveredByDs() {
    return this != JOINING && this != LEAVING_KEYS;
  }

  /** True while the member takes part in the group's DNSKEY and CDS sets. */
  public boolean inService() {
    return this != LEAVING_DS && this != LEAVING_KEYS;
  }

  /** True for the phases that lead out of the group. */
  public boolean leaving() {
    return ordinal() >= LEAVING_NS.ordinal();
  }
}
