package dev.multisigner.providers.modelone;

import java.time.Instant;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;

/**
 * The zone owner's key-signing key in model 1 (RFC 8901 §2.1.1): the one key that signs every
 * member's DNSKEY RRset and the CDS/CDNSKEY RRsets. Only its public half ({@link #dnskey(long)})
 * ever leaves an implementation: a key file today ({@link FileOwnerKsk}), a PKCS#11 token or an HSM
 * later, behind the same two calls.
 */
public interface OwnerKsk {

  /** The zone this key signs for. */
  Name zone();

  /** The DNSSEC algorithm number (RFC 8624), e.g. 13 or 15. */
  int algorithm();

  /** The public key as a DNSKEY record (flags 257, SEP) with the given TTL. */
  DNSKEYRecord dnskey(long ttl);

  /**
   * Signs {@code rrset} (owned by {@link #zone()}) valid from {@code inception} to {@code
   * expiration}.
   *
   * @throws OwnerKskException when the key cannot sign (the message names the zone, never key
   *     material)
   */
  RRSIGRecord sign(RRset rrset, Instant inception, Instant expiration);
}
