package dev.multisigner.lab.parent;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * What one CSYNC scan of a child zone did, and why.
 *
 * @param child the child zone scanned
 * @param outcome what happened at the parent
 * @param parentNsBefore the delegation NS set the parent served when the scan started (canonical)
 * @param parentNsAfter the delegation NS set after the scan (the same unless {@link
 *     Outcome#REPLACED})
 * @param reason one line for people: why nothing changed, or what was done
 */
public record CsyncScanResult(
    Name child,
    Outcome outcome,
    List<Name> parentNsBefore,
    List<Name> parentNsAfter,
    String reason) {

  /** The four things a scan can end in. */
  public enum Outcome {
    /** Every check passed and the parent's delegation NS RRset was replaced. */
    REPLACED,
    /** Every check passed and the parent already delegates to exactly the child's NS set. */
    IN_SYNC,
    /** A check failed (no CSYNC, inconsistent, not validated, ...): the parent was left alone. */
    NO_CHANGE,
    /** Every check passed but the parent did not take or serve the new NS RRset. */
    FAILED
  }

  public CsyncScanResult {
    parentNsBefore = List.copyOf(parentNsBefore);
    parentNsAfter = List.copyOf(parentNsAfter);
  }

  /** True when the scan changed the parent's delegation. */
  public boolean changed() {
    return outcome == Outcome.REPLACED;
  }
}
