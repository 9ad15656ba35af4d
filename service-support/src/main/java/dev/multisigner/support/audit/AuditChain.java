package dev.multisigner.support.audit;

import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The per-zone hash chain of the audit log. Each {@link ZoneEvent} carries in {@code previousHash}
 * the SHA-256 (lowercase hex) of the bytes of the zone's previous event exactly as they are on the
 * topic (Avro single-object encoding, header included), so an auditor can check the chain with any
 * SHA-256 tool and without decoding the previous record. Altering a record changes its hash (the
 * next event no longer matches); removing one leaves its successor pointing at a record that is not
 * there; removing the oldest events leaves the first remaining one pointing at nothing. What the
 * chain cannot show on its own is the loss of a zone's newest events: compare the last hash with
 * the coordinator's (its {@code zone-audit-chain} store) for that.
 */
public final class AuditChain {

  private AuditChain() {}

  /** The SHA-256 of one record's value bytes, lowercase hex: what the next event carries. */
  public static String hash(byte[] recordValue) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(recordValue));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Where a zone's chain breaks first, and why. */
  public record Break(String zone, int partition, long offset, String type, String reason) {
    @Override
    public String toString() {
      return "zone="
          + zone
          + " partition="
          + partition
          + " offset="
          + offset
          + (type == null ? "" : " type=" + type)
          + ": "
          + reason;
    }
  }

  /**
   * Checks every zone's chain from records fed in log order (one zone's records are on one
   * partition). Records of a zone before its first chained event (written before the chain existed)
   * are accepted; once a zone's chain has started, every event must point at the one before it.
   */
  public static final class Verifier {

    private record Last(String hash, long offset, boolean chained) {}

    private final Map<String, Last> last = new LinkedHashMap<>();
    private final Map<String, Break> breaks = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();

    /** Feeds the next record of the topic (in offset order within its partition). */
    public void accept(String zone, int partition, long offset, byte[] value) {
      counts.merge(zone, 1, Integer::sum);
      if (breaks.containsKey(zone)) {
        return; // the first break is the one to name; what follows cannot be trusted anyway
      }
      Last before = last.get(zone);
      ZoneEvent event;
      try {
        event = TopicCatalog.ZONE_EVENTS.valueSerde().decode(value);
      } catch (SerializationException e) {
        fail(zone, partition, offset, null, "the record does not decode as a ZoneEvent (altered?)");
        return;
      }
      String claimed = event.getPreviousHash();
      String type = event.getType();
      if (claimed == null) {
        if (before != null && before.chained()) {
          fail(
              zone,
              partition,
              offset,
              type,
              "no previous hash after the chain started at an earlier event (record inserted, or"
                  + " the coordinator's chain store was reset)");
          return;
        }
      } else if (before == null) {
        fail(
            zone,
            partition,
            offset,
            type,
            "the zone's first event on the log points at a previous event "
                + claimed
                + " that is not there (earlier events removed)");
        return;
      } else if (!claimed.equals(before.hash())) {
        fail(
            zone,
            partition,
            offset,
            type,
            "previous hash "
                + claimed
                + " does not match the event before it at offset "
                + before.offset()
                + " (hash "
                + before.hash()
                + "): that event was altered, or one between them removed");
        return;
      }
      last.put(zone, new Last(hash(value), offset, claimed != null || isChained(before)));
    }

    private static boolean isChained(Last before) {
      return before != null && before.chained();
    }

    private void fail(String zone, int partition, long offset, String type, String reason) {
      breaks.put(zone, new Break(zone, partition, offset, type, reason));
    }

    /** Every zone seen, with its first break or none. */
    public Map<String, Break> breaks() {
      return Map.copyOf(breaks);
    }

    /** The zones seen, in the order of their first record. */
    public List<String> zones() {
      return new ArrayList<>(counts.keySet());
    }

    /** How many records of the zone were read. */
    public int count(String zone) {
      return counts.getOrDefault(zone, 0);
    }

    /** The hash of the zone's last event read (what its next event must carry), or null. */
    public String head(String zone) {
      Last l = last.get(zone);
      return l == null ? null : l.hash();
    }
  }
}
