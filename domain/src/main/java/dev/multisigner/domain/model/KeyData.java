package dev.multisigner.domain.model;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/**
 * The rdata of one DNSKEY (or CDNSKEY) record as a signer serves it, without an owner or role: the
 * key collector cannot tell own keys from foreign ones, the decider can (it knows what it
 * imported).
 */
public record KeyData(int flags, int protocol, int algorithm, byte[] publicKey)
    implements Comparable<KeyData> {

  public KeyData {
    Objects.requireNonNull(publicKey, "publicKey");
    publicKey = publicKey.clone();
  }

  /** The rdata of a DNSKEY (or CDNSKEY) record. */
  public static KeyData of(DNSKEYRecord dnskey) {
    return new KeyData(
        dnskey.getFlags(), dnskey.getProtocol(), dnskey.getAlgorithm(), dnskey.getKey());
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The key tag (RFC 4034 Appendix B), computed by dnsjava. */
  public int keyTag() {
    if (algorithm == 1) {
      return new DNSKEYRecord(Name.root, DClass.IN, 0, flags, protocol, algorithm, publicKey)
          .getFootprint();
    }
    // RFC 4034 Appendix B over the rdata: flags, protocol, algorithm, public key.
    long ac = flags + ((long) protocol << 8) + algorithm;
    for (int i = 0; i < publicKey.length; i++) {
      ac += (i & 1) == 0 ? (publicKey[i] & 0xFF) << 8 : publicKey[i] & 0xFF;
    }
    ac += (ac >> 16) & 0xFFFF;
    return (int) (ac & 0xFFFF);
  }

  /** True when the SEP flag is set (RFC 4034 §2.1.1): a KSK or a CSK. */
  public boolean sep() {
    return (flags & DNSKEYRecord.Flags.SEP_KEY) != 0;
  }

  /** The DNSKEY record for this rdata at the given zone and TTL. */
  public DNSKEYRecord toRecord(ZoneName zone, long ttl) {
    return new DNSKEYRecord(
        zone.toName(), DClass.IN, ttl, flags, protocol, algorithm, publicKey.clone());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyData k
        && flags == k.flags
        && protocol == k.protocol
        && algorithm == k.algorithm
        && Arrays.equals(publicKey, k.publicKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(flags, protocol, algorithm, Arrays.hashCode(publicKey));
  }

  @Override
  public int compareTo(KeyData o) {
    if (flags != o.flags) {
      return Integer.compare(flags, o.flags);
    }
    if (algorithm != o.algorithm) {
      return Integer.compare(algorithm, o.algorithm);
    }
    if (protocol != o.protocol) {
      return Integer.compare(protocol, o.protocol);
    }
    return Arrays.compare(publicKey, o.publicKey);
  }

  @Override
  public String toString() {
    return (sep() ? "SEP:" : "")
        + keyTag()
        + " (alg "
        + algorithm
        + ", "
        + Base64.getEncoder()
            .encodeToString(publicKey)
            .substring(0, Math.min(8, 4 * ((publicKey.length + 2) / 3)))
        + "...)";
  }
}
