package dev.multisigner.providers;

import java.util.Comparator;
import java.util.Objects;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * One change in a {@link ProviderPlan}: add or remove one DNSKEY, CDS, CDNSKEY, NS or CSYNC record
 * at the zone apex.
 */
public record PlanChange(Action action, Record record) {

  /** Adds come before removes in every plan (RFC 8901 §8.1: publish before withdraw). */
  public enum Action {
    ADD("+"),
    REMOVE("-");

    private final String sign;

    Action(String sign) {
      this.sign = sign;
    }

    public String sign() {
      return sign;
    }
  }

  public PlanChange {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(record, "record");
    int type = record.getType();
    if (type != Type.DNSKEY
        && type != Type.CDS
        && type != Type.CDNSKEY
        && type != Type.NS
        && type != Type.CSYNC) {
      throw new IllegalArgumentException(
          "a provider plan changes DNSKEY, CDS, CDNSKEY, NS or CSYNC only, not "
              + Type.string(type));
    }
  }

  /**
   * The deterministic order: adds before removes; adds DNSKEY first, then CDNSKEY, then CDS, then
   * NS, then CSYNC (a CSYNC tells the parent to copy the NS set, so it comes after it); removes in
   * the reverse type order, CSYNC first and DNSKEY last (a signal goes before what it points at);
   * then by rdata.
   */
  public static final Comparator<PlanChange> ORDER =
      Comparator.comparing(PlanChange::action)
          .thenComparingInt(PlanChange::typeRank)
          .thenComparing(c -> c.record().rdataToString());

  private int typeRank() {
    int rank =
        switch (record.getType()) {
          case Type.DNSKEY -> 0;
          case Type.CDNSKEY -> 1;
          case Type.CDS -> 2;
          case Type.NS -> 3;
          default -> 4;
        };
    return action == Action.ADD ? rank : -rank;
  }

  public int type() {
    return record.getType();
  }

  /** One line: sign, type, rdata, and for key records the key tag as a reading aid. */
  public String line() {
    String line =
        action.sign()
            + " "
            + record.getName()
            + " "
            + Type.string(record.getType())
            + " "
            + record.rdataToString();
    int tag = tag(record);
    return tag < 0 ? line : line + " ; tag " + tag;
  }

  private static int tag(Record r) {
    if (r instanceof DNSKEYRecord k) {
      return k.getFootprint();
    }
    if (r instanceof CDNSKEYRecord k) {
      return k.getFootprint();
    }
    if (r instanceof CDSRecord d) {
      return d.getFootprint();
    }
    return -1;
  }

  @Override
  public String toString() {
    return line();
  }
}
