package dev.multisigner.domain.model;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;

/**
 * One signer's DNSSEC key as the group sees it: the DNSKEY rdata, the role it plays and the signer
 * that owns it (holds the private key). Two keys are the same key when their DNSKEY rdata is equal;
 * the key tag is only a hint (RFC 4034 Appendix B: tags collide).
 */
public record DnssecKey(
    SignerId owner, KeyRole role, int flags, int protocol, int algorithm, byte[] publicKey) {

  public DnssecKey {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(publicKey, "publicKey");
    if (protocol != 3) {
      throw new IllegalArgumentException(
          "DNSKEY protocol must be 3 (RFC 4034 §2.1.2): " + protocol);
    }
    if ((flags & DNSKEYRecord.Flags.ZONE_KEY) == 0) {
      throw new IllegalArgumentException("DNSKEY without the Zone Key flag cannot sign a zone");
    }
    if (publicKey.length == 0) {
      throw new IllegalArgumentException("DNSKEY with an empty public key");
    }
    publicKey = publicKey.clone();
  }

  /** Builds a key from a DNSKEY record observed at or generated for a signer. */
  public static DnssecKey of(SignerId owner, KeyRole role, DNSKEYRecord dnskey) {
    return new DnssecKey(
        owner,
        role,
        dnskey.getFlags(),
        dnskey.getProtocol(),
        dnskey.getAlgorithm(),
        dnskey.getKey());
  }

  /** The DNSKEY record for this key at the given zone and TTL. */
  public DNSKEYRecord toRecord(ZoneName zone, long ttl) {
    return new DNSKEYRecord(
        zone.toName(), DClass.IN, ttl, flags, protocol, algorithm, publicKey.clone());
  }

  /** The key tag (RFC 4034 Appendix B), computed by dnsjava. */
  public int keyTag() {
    return new DNSKEYRecord(
            org.xbill.DNS.Name.root, DClass.IN, 0, flags, protocol, algorithm, publicKey)
        .getFootprint();
  }

  /** True when the SEP flag is set (RFC 4034 §2.1.1). */
  public boolean sep() {
    return (flags & DNSKEYRecord.Flags.SEP_KEY) != 0;
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The DNSKEY rdata of this key. */
  public KeyData data() {
    return new KeyData(flags, protocol, algorithm, publicKey);
  }

  /** Same DNSKEY rdata, whoever owns it. */
  public boolean sameKeyAs(DnssecKey other) {
    return flags == other.flags
        && protocol == other.protocol
        && algorithm == other.algorithm
        && Arrays.equals(publicKey, other.publicKey);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DnssecKey k && owner.equals(k.owner) && role == k.role && sameKeyAs(k);
  }

  @Override
  public int hashCode() {
    return Objects.hash(owner, role, flags, algorithm, Arrays.hashCode(publicKey));
  }

  @Override
  public String toString() {
    return owner
        + "/"
        + role
        + "/"
        + keyTag()
        + " (alg "
        + algorithm
        + ", "
        + Base64.getEncoder().encodeToString(publicKey).substring(0, 8)
        + "...)";
  }
}
