package dev.multisigner.dspublisher.publish;

import java.util.List;
import java.util.Map;
import org.xbill.DNS.CDSRecord;

/**
 * The CDS RRset each of a child zone's signers serves now. A parent told to scan (NOTIFY(CDS), RFC
 * 9859) acts only when every nameserver serves the same set, so the ds-publisher notifies once they
 * all serve the requested one.
 */
@FunctionalInterface
public interface SignerCds {

  /**
   * Signer id to the CDS records it serves (a signer that cannot be read now is left out).
   *
   * @throws ChildKsks.Unavailable when no signer of the zone can be read
   */
  Map<String, List<CDSRecord>> cdsBySigner(String zone);
}
