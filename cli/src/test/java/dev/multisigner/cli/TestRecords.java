package dev.multisigner.cli;

import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import dev.multisigner.schemas.avro.SignerObservation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/** Fixed keys and records for the end-to-end tests that write the topics themselves. */
final class TestRecords {

  private TestRecords() {}

  /** A fixed 64-byte "P-256 public key" derived from a name (the coordinator never verifies). */
  static Dnskey key(String name, int flags) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] a = sha.digest((name + "/x").getBytes(StandardCharsets.UTF_8));
      byte[] b = sha.digest((name + "/y").getBytes(StandardCharsets.UTF_8));
      byte[] k = Arrays.copyOf(a, 64);
      System.arraycopy(b, 0, k, 32, 32);
      int tag = new DNSKEYRecord(Name.root, DClass.IN, 0, flags, 3, 13, k).getFootprint();
      return new Dnskey(flags, 3, 13, ByteBuffer.wrap(k), tag);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Envelope envelope(String zone) {
    return new Envelope(UUID.randomUUID().toString(), zone, Instant.now(), "test", null, null);
  }

  /** What the collector would publish for a signer serving {@code keys}, signed by its own. */
  static SignerObservation observed(
      String zone, String signer, List<Dnskey> keys, Dnskey ownKsk, Dnskey ownZsk) {
    return new SignerObservation(
        envelope(zone),
        signer,
        SignerKeysObserved.newBuilder()
            .setDnskeys(keys)
            .setDnskeySignerTags(List.of(ownKsk.getKeyTag()))
            .setZoneSignerTags(List.of(ownZsk.getKeyTag()))
            .setNameservers(List.of("ns1." + zone))
            .setSoaSerial(1L)
            .setDnskeyTtlSeconds(10)
            .setSource(ObservationSource.DNS_QUERY)
            .build());
  }

  /**
   * The same with the apex NS set {@code nameservers} and the CDS and CDNSKEY RRsets for {@code
   * cdsKeys} (SHA-256), as a signer serves them once asked to publish them.
   */
  static SignerObservation observed(
      String zone,
      String signer,
      List<Dnskey> keys,
      Dnskey ownKsk,
      Dnskey ownZsk,
      List<String> nameservers,
      List<Dnskey> cdsKeys) {
    SignerObservation o = observed(zone, signer, keys, ownKsk, ownZsk);
    SignerKeysObserved seen = (SignerKeysObserved) o.getObservation();
    seen.setNameservers(nameservers);
    seen.setCds(cdsKeys.stream().map(k -> ds(zone, k)).toList());
    seen.setCdnskeys(cdsKeys);
    return o;
  }

  /** The SHA-256 DS of a key of the zone, as the parent would hold it. */
  static dev.multisigner.schemas.avro.DsData ds(String zone, Dnskey key) {
    byte[] pub = new byte[key.getPublicKey().remaining()];
    key.getPublicKey().duplicate().get(pub);
    DNSKEYRecord dnskey =
        new DNSKEYRecord(Name.fromConstantString(zone), DClass.IN, 60, 257, 3, 13, pub);
    org.xbill.DNS.DSRecord ds =
        new org.xbill.DNS.DSRecord(Name.fromConstantString(zone), DClass.IN, 60, 2, dnskey);
    return new dev.multisigner.schemas.avro.DsData(
        ds.getFootprint(), ds.getAlgorithm(), ds.getDigestID(), ByteBuffer.wrap(ds.getDigest()));
  }
}
