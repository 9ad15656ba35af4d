package dev.multisigner.domain.model;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;

/**
 * The rdata of one DS (or CDS) record (RFC 4034 §5.1): which key, by tag and algorithm, and its
 * digest. Computed with dnsjava from a {@link KeyData}; compared by value.
 */
public record DsData(int keyTag, int algorithm, int digestType, byte[] digest)
    implements Comparable<DsData> {

  private static final Comparator<DsData> ORDER =
      Comparator.comparingInt(DsData::keyTag)
          .thenComparingInt(DsData::algorithm)
          .thenComparingInt(DsData::digestType)
          .thenComparing(DsData::digest, Arrays::compare);

  public DsData {
    Objects.requireNonNull(digest, "digest");
    digest = digest.clone();
  }

  /** The DS of a key at a zone with the given digest type (RFC 4509 SHA-256 = 2). */
  public static DsData of(ZoneName zone, KeyData key, int digestType) {
    Memo memo = new Memo(zone, key, digestType);
    synchronized (MEMO) {
      DsData known = MEMO.get(memo);
      if (known != null) {
        return known;
      }
    }
    DsData ds = of(new DSRecord(zone.toName(), DClass.IN, 0, digestType, key.toRecord(zone, 0)));
    synchronized (MEMO) {
      MEMO.put(memo, ds);
    }
    return ds;
  }

  /**
   * Digests are pure functions of (zone, key, digest type) and the decider asks for the same few
   * many times per decision, so the last few thousand are remembered.
   */
  private record Memo(ZoneName zone, KeyData key, int digestType) {}

  private static final int MEMO_SIZE = 4096;

  private static final Map<Memo, DsData> MEMO =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Memo, DsData> eldest) {
          return size() > MEMO_SIZE;
        }
      };

  /** The rdata of a DS or CDS record. */
  public static DsData of(DSRecord ds) {
    return new DsData(ds.getFootprint(), ds.getAlgorithm(), ds.getDigestID(), ds.getDigest());
  }

  /** True when this DS references the given key. */
  public boolean references(ZoneName zone, KeyData key) {
    return key.keyTag() == keyTag
        && key.algorithm() == algorithm
        && equals(of(zone, key, digestType));
  }

  public DSRecord toDsRecord(ZoneName zone, long ttl) {
    return new DSRecord(zone.toName(), DClass.IN, ttl, keyTag, algorithm, digestType, digest);
  }

  public CDSRecord toCdsRecord(ZoneName zone, long ttl) {
    return new CDSRecord(zone.toName(), DClass.IN, ttl, keyTag, algorithm, digestType, digest);
  }

  @Override
  public byte[] digest() {
    return digest.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DsData d
        && keyTag == d.keyTag
        && algorithm == d.algorithm
        && digestType == d.digestType
        && Arrays.equals(digest, d.digest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyTag, algorithm, digestType, Arrays.hashCode(digest));
  }

  @Override
  public int compareTo(DsData o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return keyTag
        + " "
        + algorithm
        + " "
        + digestType
        + " "
        + HexFormat.of().formatHex(digest, 0, Math.min(4, digest.length))
        + "...";
  }
}
