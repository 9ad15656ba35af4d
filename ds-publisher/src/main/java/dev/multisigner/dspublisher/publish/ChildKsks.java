package dev.multisigner.dspublisher.publish;

import java.util.List;
import org.xbill.DNS.DNSKEYRecord;

/**
 * The KSKs (DNSKEYs with the SEP flag) a child zone serves now. A DS set that covers none of them
 * would break the chain of trust, so the ds-publisher refuses to write it.
 */
@FunctionalInterface
public interface ChildKsks {

  /**
   * The zone's served KSKs.
   *
   * @throws Unavailable when they cannot be read now (naming zone, signer and cause)
   */
  List<DNSKEYRecord> served(String zone);

  /** The child's keys cannot be read now; asking again later may succeed. */
  final class Unavailable extends RuntimeException {
    public Unavailable(String message) {
      super(message);
    }
  }
}
