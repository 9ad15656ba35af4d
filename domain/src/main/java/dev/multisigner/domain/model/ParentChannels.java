package dev.multisigner.domain.model;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The channels through which the parent takes a zone's DS changes and its NS (delegation) changes.
 * The signers publish CDS/CDNSKEY in every case (a scanning parent may act on it, RFC 9975); CSYNC
 * is published only when the parent scans it ({@link ParentChannel#CSYNC_SCAN} for NS).
 */
public record ParentChannels(Set<ParentChannel> ds, Set<ParentChannel> ns) {

  /** The ds-publisher updates the parent's DS and NS itself. */
  public static final ParentChannels DIRECT =
      new ParentChannels(Set.of(ParentChannel.DNS_UPDATE), Set.of(ParentChannel.DNS_UPDATE));

  public ParentChannels {
    Objects.requireNonNull(ds, "ds");
    Objects.requireNonNull(ns, "ns");
    ds = ds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(ds));
    ns = ns.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(ns));
    if (ds.isEmpty() || ns.isEmpty()) {
      throw new IllegalArgumentException("a group needs at least one DS and one NS channel");
    }
    if (ds.contains(ParentChannel.CSYNC_SCAN)) {
      throw new IllegalArgumentException("CSYNC (RFC 7477) carries NS changes, not DS changes");
    }
    if (ns.contains(ParentChannel.CDS_SCAN)) {
      throw new IllegalArgumentException("CDS scanning carries DS changes, not NS changes");
    }
  }

  /** The parent learns NS changes from the signers' CSYNC. */
  public boolean csync() {
    return ns.contains(ParentChannel.CSYNC_SCAN);
  }
}
