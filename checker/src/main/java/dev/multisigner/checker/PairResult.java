package dev.multisigner.checker;

import java.util.List;

/**
 * One cell of the cross matrix, check (b): do the signed answers of {@code answerSigner} validate
 * with the DNSKEY RRset served by {@code keySource}? That is what a resolver does when it cached
 * the DNSKEY RRset from one provider and gets the answer from another (RFC 8901 §5).
 *
 * @param reasons one line per RRset that did not validate (empty when valid)
 */
public record PairResult(
    String answerSigner, String keySource, boolean valid, List<String> reasons) {

  public PairResult {
    reasons = List.copyOf(reasons);
  }
}
