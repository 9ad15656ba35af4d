package dev.multisigner.checker;

import dev.multisigner.domain.model.ZoneName;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The checker's verdict for one zone: (a) the DS chain per signer, (b) the answer-signer ×
 * key-source matrix, (c) CDS/CDNSKEY consistency, (d) CDS/CDNSKEY signatures × key source, plus
 * fetch problems. Renderable as text.
 */
public record CheckReport(
    ZoneName zone,
    Instant checkedAt,
    List<String> signers,
    List<String> parentProblems,
    List<ChainResult> chains,
    List<PairResult> matrix,
    CdsResult cds,
    List<PairResult> cdsSignatures,
    List<String> fetchProblems) {

  public CheckReport {
    signers = List.copyOf(signers);
    parentProblems = List.copyOf(parentProblems);
    chains = List.copyOf(chains);
    matrix = List.copyOf(matrix);
    cdsSignatures = List.copyOf(cdsSignatures);
    fetchProblems = List.copyOf(fetchProblems);
  }

  /**
   * Check (d), part of {@link #allValid()}: cells where a signer's CDS/CDNSKEY RRsets do not
   * validate with another signer's DNSKEY RRset. A signer signs them with its KSK (RFC 7344 §4.1;
   * Knot with the KSK alone), and a parent's scanner validates the answer of every nameserver (RFC
   * 9975) through a resolver that may hold any signer's DNSKEY RRset, so Multisigner puts every
   * signer's KSK into every DNSKEY RRset (model 2, docs/architecture.md "Which keys are shared").
   */
  public List<PairResult> failingCdsSignatures() {
    return cdsSignatures.stream().filter(p -> !p.valid()).toList();
  }

  /**
   * Everything holds: parent, chains, the whole matrix, CDS/CDNSKEY identical and validating with
   * every signer's DNSKEY RRset, and nothing failed to fetch.
   */
  public boolean allValid() {
    return parentProblems.isEmpty()
        && fetchProblems.isEmpty()
        && chains.stream().allMatch(ChainResult::valid)
        && matrix.stream().allMatch(PairResult::valid)
        && cds.consistent()
        && cdsSignatures.stream().allMatch(PairResult::valid);
  }

  /** True when every cell of the matrix validates (ignores the parent and CDS). */
  public boolean matrixValid() {
    return matrix.stream().allMatch(PairResult::valid);
  }

  public List<PairResult> failingPairs() {
    return matrix.stream().filter(p -> !p.valid()).toList();
  }

  public List<ChainResult> failingChains() {
    return chains.stream().filter(c -> !c.valid()).toList();
  }

  /**
   * The matrix cell for answers from {@code answerSigner} checked with {@code keySource}'s keys.
   */
  public PairResult pair(String answerSigner, String keySource) {
    return matrix.stream()
        .filter(p -> p.answerSigner().equals(answerSigner) && p.keySource().equals(keySource))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no matrix cell answers="
                        + answerSigner
                        + " keys="
                        + keySource
                        + " in "
                        + signers));
  }

  public Optional<ChainResult> chain(String signer) {
    return chains.stream().filter(c -> c.signer().equals(signer)).findFirst();
  }

  /** A plain-text rendering: verdict, the three checks, the matrix and every failing pair. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("zone ").append(zone).append(" checked at ").append(checkedAt).append(": ");
    sb.append(allValid() ? "ALL VALID" : "INVALID").append('\n');
    for (String p : parentProblems) {
      sb.append("  parent: ").append(p).append('\n');
    }
    for (String p : fetchProblems) {
      sb.append("  fetch: ").append(p).append('\n');
    }
    sb.append("(a) DNSKEY RRset chains to the parent DS\n");
    int w = Math.max(8, signers.stream().mapToInt(String::length).max().orElse(8));
    for (ChainResult c : chains) {
      sb.append("  ").append(pad(c.signer(), w)).append("  ").append(c.valid() ? "ok  " : "FAIL");
      sb.append("  ").append(c.detail()).append('\n');
    }
    sb.append("(b) answers from <row> validate with the DNSKEY RRset of <column>\n");
    sb.append("  ").append(pad("", w));
    for (String col : signers) {
      sb.append("  ").append(pad(col, w));
    }
    sb.append('\n');
    for (String row : signers) {
      sb.append("  ").append(pad(row, w));
      for (String col : signers) {
        sb.append("  ").append(pad(pair(row, col).valid() ? "ok" : "FAIL", w));
      }
      sb.append('\n');
    }
    for (PairResult p : failingPairs()) {
      sb.append("  FAIL answers=").append(p.answerSigner()).append(" keys=").append(p.keySource());
      sb.append('\n');
      for (String r : p.reasons()) {
        sb.append("       ").append(r).append('\n');
      }
    }
    sb.append("(c) CDS/CDNSKEY identical at all signers: ")
        .append(cds.consistent() ? "ok" : "FAIL")
        .append('\n');
    for (String r : cds.reasons()) {
      sb.append("       ").append(r).append('\n');
    }
    List<PairResult> cdsSigs = failingCdsSignatures();
    sb.append("(d) CDS/CDNSKEY signatures validate with every signer's DNSKEY RRset: ")
        .append(cdsSigs.isEmpty() ? "ok" : "FAIL")
        .append('\n');
    for (PairResult p : cdsSigs) {
      sb.append("  FAIL answers=").append(p.answerSigner()).append(" keys=").append(p.keySource());
      sb.append(": ").append(String.join("; ", p.reasons())).append('\n');
    }
    return sb.toString();
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s : s + " ".repeat(w - s.length());
  }

  @Override
  public String toString() {
    return render();
  }
}
