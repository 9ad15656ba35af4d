package dev.multisigner.lab.parent;

import java.time.Instant;
import java.util.List;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/**
 * What one CDS scan of a child zone did, why, and what started it.
 *
 * @param child the child zone scanned
 * @param trigger what started the scan (a NOTIFY(CDS), the re-check a NOTIFY's bootstrap delay
 *     scheduled, or a direct call)
 * @param outcome what happened at the parent
 * @param dsBefore the DS RRset the parent served when the scan started
 * @param dsAfter the DS RRset after the scan (the same unless {@link Outcome#UPDATED})
 * @param reason one line for people: why nothing changed, or what was done
 * @param at when the scan ended
 */
public record CdsScanResult(
    Name child,
    Trigger trigger,
    Outcome outcome,
    List<DSRecord> dsBefore,
    List<DSRecord> dsAfter,
    String reason,
    Instant at) {

  /** What a scan can end in. */
  public enum Outcome {
    /** Every check passed and the parent's DS RRset was replaced with the child's CDS set. */
    UPDATED,
    /** Every check passed and the parent's DS RRset already is the child's CDS set. */
    IN_SYNC,
    /**
     * An insecure child's CDS passed every check but is held until it has been served unchanged for
     * the bootstrap delay (RFC 8078 §3.3); a re-check is scheduled.
     */
    HELD,
    /** A check failed (no CDS, inconsistent, not validated, ...): the parent was left alone. */
    NO_CHANGE,
    /** Every check passed but the parent did not take or serve the new DS RRset. */
    FAILED
  }

  /**
   * What started a scan.
   *
   * @param kind the kind of trigger
   * @param cause the NOTIFY behind it (for {@link Kind#NOTIFY} and {@link Kind#BOOTSTRAP_RECHECK}),
   *     else null
   */
  public record Trigger(Kind kind, NotifyReceived cause) {

    /** The kinds of trigger. */
    public enum Kind {
      /** A NOTIFY(CDS) for the child arrived at the DSYNC target (RFC 9859 §4.3). */
      NOTIFY,
      /** The end of the bootstrap delay a NOTIFY's scan started. */
      BOOTSTRAP_RECHECK,
      /** A direct call ({@link CdsParentAgent#scanOnce(Name)}), e.g. a registry's periodic run. */
      DIRECT
    }

    static Trigger direct() {
      return new Trigger(Kind.DIRECT, null);
    }

    /** True when a NOTIFY started this scan, directly or through its bootstrap re-check. */
    public boolean byNotify() {
      return cause != null;
    }

    @Override
    public String toString() {
      return cause == null ? kind.name() : kind + " " + cause;
    }
  }

  public CdsScanResult {
    dsBefore = List.copyOf(dsBefore);
    dsAfter = List.copyOf(dsAfter);
  }

  /** True when the scan changed the parent's DS RRset. */
  public boolean changed() {
    return outcome == Outcome.UPDATED;
  }
}
