package dev.multisigner.checker;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Check (c): CDS and CDNSKEY RRsets must be identical at every signer (RFC 8901 §8, RFC 7344 §4),
 * or the parent may see a different DS set depending on which signer it asks.
 *
 * @param cds each signer's CDS rdata (presentation format)
 * @param cdnskey each signer's CDNSKEY rdata
 */
public record CdsResult(
    boolean consistent,
    Map<String, Set<String>> cds,
    Map<String, Set<String>> cdnskey,
    List<String> reasons) {

  public CdsResult {
    reasons = List.copyOf(reasons);
  }
}
