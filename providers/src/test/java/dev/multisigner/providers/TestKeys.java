package dev.multisigner.providers;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;

/** Foreign test keys: ECDSA P-256 pairs from the JDK, as DNSKEY/CDS/CDNSKEY through dnsjava. */
public final class TestKeys {

  public static final long TTL = 10;

  private TestKeys() {}

  public static KeyPair p256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static DNSKEYRecord zsk(Name zone) {
    return dnskey(zone, DNSKEYRecord.Flags.ZONE_KEY, p256());
  }

  public static DNSKEYRecord ksk(Name zone) {
    return dnskey(zone, DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY, p256());
  }

  public static DNSKEYRecord dnskey(Name zone, int flags, KeyPair pair) {
    try {
      return new DNSKEYRecord(
          zone,
          DClass.IN,
          TTL,
          flags,
          DNSKEYRecord.Protocol.DNSSEC,
          DNSSEC.Algorithm.ECDSAP256SHA256,
          pair.getPublic());
    } catch (DNSSEC.DNSSECException e) {
      throw new IllegalStateException(e);
    }
  }

  public static CDSRecord cds(DNSKEYRecord key) {
    return new CDSRecord(key.getName(), DClass.IN, TTL, DNSSEC.Digest.SHA256, key);
  }

  public static CDNSKEYRecord cdnskey(DNSKEYRecord key) {
    return new CDNSKEYRecord(
        key.getName(),
        DClass.IN,
        TTL,
        key.getFlags(),
        key.getProtocol(),
        key.getAlgorithm(),
        key.getKey());
  }
}
