package dev.multisigner.collector.observe;

import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.schemas.avro.CsyncData;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.DsData;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Turns a provider's {@link ZoneKeySnapshot} into the typed observation that goes on the log. */
final class SnapshotConverter {

  private SnapshotConverter() {}

  static SignerKeysObserved toObservation(ZoneKeySnapshot s, ObservationSource source) {
    return SignerKeysObserved.newBuilder()
        .setDnskeys(s.dnskeys().stream().map(SnapshotConverter::dnskey).toList())
        .setDnskeySignerTags(signerTags(s.signatures(), Type.DNSKEY))
        .setZoneSignerTags(signerTags(s.signatures(), Type.SOA))
        .setCds(
            s.cds().stream()
                .map(
                    c ->
                        new DsData(
                            c.getFootprint(),
                            c.getAlgorithm(),
                            c.getDigestID(),
                            ByteBuffer.wrap(c.getDigest())))
                .toList())
        .setCdnskeys(s.cdnskeys().stream().map(SnapshotConverter::dnskey).toList())
        .setNameservers(
            s.ns().stream()
                .map(n -> n.getTarget().toString().toLowerCase(Locale.ROOT))
                .sorted()
                .toList())
        .setCsync(
            s.csync().stream()
                .map(
                    c ->
                        new CsyncData(
                            c.getSerial(),
                            c.getFlags(),
                            java.util.Arrays.stream(c.getTypes()).boxed().sorted().toList()))
                .toList())
        .setSoaSerial(s.soa().map(soa -> soa.getSerial()).orElse(null))
        .setDnskeyTtlSeconds(ttl(s.dnskeys()))
        .setCdsTtlSeconds(ttl(s.cds()))
        .setAdded(List.of())
        .setRemoved(List.of())
        .setSource(source)
        .setOwnKeys(ownKeys(s))
        .build();
  }

  /**
   * The signer's own keys when its API or key manager listed them; null when they were only
   * inferred from signatures, which cannot tell a planted key from a pre-published own one.
   */
  static List<Dnskey> ownKeys(ZoneKeySnapshot s) {
    if (s.ownKeySource() == ZoneKeySnapshot.OwnKeySource.SIGNATURES) {
      return null;
    }
    return s.dnskeys().stream()
        .filter(s.ownKeys()::contains)
        .map(SnapshotConverter::dnskey)
        .toList();
  }

  /**
   * The TTL an RRset is served with (the longest of its records, should they differ), capped at
   * 2^31-1 (RFC 2181 §8); 0 for an empty RRset.
   */
  static int ttl(List<? extends Record> rrset) {
    return (int)
        Math.min(Integer.MAX_VALUE, rrset.stream().mapToLong(Record::getTTL).max().orElse(0));
  }

  static Dnskey dnskey(DNSKEYRecord r) {
    return new Dnskey(
        r.getFlags(),
        r.getProtocol(),
        r.getAlgorithm(),
        ByteBuffer.wrap(r.getKey()),
        r.getFootprint());
  }

  private static List<Integer> signerTags(List<RRSIGRecord> sigs, int covered) {
    TreeSet<Integer> tags = new TreeSet<>();
    sigs.stream()
        .filter(s -> s.getTypeCovered() == covered)
        .forEach(s -> tags.add(s.getFootprint()));
    return List.copyOf(tags);
  }
}
