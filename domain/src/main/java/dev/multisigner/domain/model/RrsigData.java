package dev.multisigner.domain.model;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.xbill.DNS.DClass;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Type;

/**
 * The rdata of one RRSIG over a zone's DNSKEY RRset (RFC 4034 §3.1), as the KSK holder of a model 1
 * group makes it for another member (RFC 8901 §2.1.1): which key signed, with which algorithm, the
 * validity window and the signature. The covered type is always DNSKEY and the signer name the
 * zone.
 */
public record RrsigData(
    int keyTag,
    int algorithm,
    long originalTtl,
    Instant inception,
    Instant expiration,
    byte[] signature) {

  public RrsigData {
    Objects.requireNonNull(inception, "inception");
    Objects.requireNonNull(expiration, "expiration");
    Objects.requireNonNull(signature, "signature");
    signature = signature.clone();
  }

  /** The rdata of an RRSIG record over a DNSKEY RRset. */
  public static RrsigData of(RRSIGRecord sig) {
    if (sig.getTypeCovered() != Type.DNSKEY) {
      throw new IllegalArgumentException("not an RRSIG over a DNSKEY RRset: " + sig);
    }
    return new RrsigData(
        sig.getFootprint(),
        sig.getAlgorithm(),
        sig.getOrigTTL(),
        sig.getTimeSigned(),
        sig.getExpire(),
        sig.getSignature());
  }

  /** The RRSIG record at the zone's apex, signed by the zone itself. */
  public RRSIGRecord toRecord(ZoneName zone, long ttl) {
    return new RRSIGRecord(
        zone.toName(),
        DClass.IN,
        ttl,
        Type.DNSKEY,
        algorithm,
        originalTtl,
        expiration,
        inception,
        keyTag,
        zone.toName(),
        signature.clone());
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RrsigData r
        && keyTag == r.keyTag
        && algorithm == r.algorithm
        && originalTtl == r.originalTtl
        && inception.equals(r.inception)
        && expiration.equals(r.expiration)
        && Arrays.equals(signature, r.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyTag, algorithm, originalTtl, inception, Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "RRSIG(DNSKEY) by " + keyTag + " alg " + algorithm + " until " + expiration;
  }
}
