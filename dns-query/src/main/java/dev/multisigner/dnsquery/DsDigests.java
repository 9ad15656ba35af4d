package dev.multisigner.dnsquery;

import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;

/** Whether a DS record names a DNSKEY (RFC 4034 §5.1.4, RFC 4509): tag, algorithm and digest. */
public final class DsDigests {

  private DsDigests() {}

  /**
   * True when {@code ds} is the digest of {@code key} (a digest type dnsjava cannot compute: no).
   */
  public static boolean covers(DSRecord ds, DNSKEYRecord key) {
    if (ds.getFootprint() != key.getFootprint() || ds.getAlgorithm() != key.getAlgorithm()) {
      return false;
    }
    try {
      DSRecord computed = new DSRecord(key.getName(), DClass.IN, 0, ds.getDigestID(), key);
      return Arrays.equals(computed.getDigest(), ds.getDigest());
    } catch (IllegalArgumentException e) {
      return false; // a digest type dnsjava cannot compute cannot anchor the key
    }
  }

  /** True when some DS of {@code ds} covers {@code key}. */
  public static boolean coversAny(List<DSRecord> ds, DNSKEYRecord key) {
    return ds.stream().anyMatch(d -> covers(d, key));
  }
}
