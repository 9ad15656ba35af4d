package dev.multisigner.lab.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * What a resolver and a parent's CDS/CSYNC scanner ask a multi-signer zone, each answer from one
 * provider validated with the DNSKEY RRset cached from another (RFC 8901 §5.2; RFC 9975: a scanner
 * asks every nameserver and validates each answer). For every ordered pair of providers it caches
 * the DNSKEY RRset from the first through the real Unbound and asks through the second only for the
 * SOA, NS, DNSKEY, CDS, CDNSKEY and CSYNC RRsets and a name that does not exist.
 *
 * <p>Each answer is classified: an answer without records (NODATA, e.g. no CSYNC or no CDS yet) and
 * an NXDOMAIN count as denial of existence, checked through their NSEC/NSEC3 records; the others
 * count under their type. CDS and CDNSKEY are signed by a KSK alone (RFC 7344 §4.1), so they are
 * the probe that catches a DNSKEY RRset without the other providers' KSKs.
 */
public final class CrossProviderProbe {

  private CrossProviderProbe() {}

  /** The verdict of a validating resolver. */
  public enum Verdict {
    /** NOERROR or NXDOMAIN with the AD flag. */
    SECURE,
    /** NOERROR or NXDOMAIN without AD: the zone has no DS yet (RFC 4035 §4.3). */
    INSECURE,
    /** Anything else, SERVFAIL above all: the answer did not validate. */
    BOGUS
  }

  /**
   * One probe: DNSKEY RRset cached from {@code keysFrom}, {@code asked} (a type, or {@link
   * #NXDOMAIN}) asked of {@code answersFrom}; {@code kind} is what came back ({@link #NODATA} for
   * an empty answer).
   */
  public record Result(
      String keysFrom,
      String answersFrom,
      String asked,
      String kind,
      Verdict verdict,
      String rcode) {

    /** "DNSKEY from knot-a, CDS from pdns-b". */
    public String pair() {
      return "DNSKEY from " + keysFrom + ", " + asked + " from " + answersFrom;
    }

    @Override
    public String toString() {
      return pair()
          + " -> "
          + rcode
          + " "
          + verdict
          + (kind.equals(asked) ? "" : " (" + kind + ")");
    }
  }

  /** Record types asked at the apex, in this order. */
  public static final List<Integer> APEX_TYPES =
      List.of(Type.SOA, Type.NS, Type.DNSKEY, Type.CDS, Type.CDNSKEY, Type.CSYNC);

  /** Kind of an empty NOERROR answer, whatever was asked. */
  public static final String NODATA = "NODATA";

  /** Kind of the name that does not exist. */
  public static final String NXDOMAIN = "NXDOMAIN";

  /**
   * One round over every ordered pair of signers not in {@code down}, holding the validator so no
   * one switches it meanwhile.
   */
  public static List<Result> round(DnsLab lab, Set<String> down) {
    return round(lab.validator(), lab.zone(), lab.signers(), down);
  }

  /**
   * One round for {@code zone} through validator {@code v} (a {@link MultiZoneLab}'s, whose signers
   * serve many zones) over every ordered pair of {@code signers} not in {@code down}.
   */
  public static List<Result> round(
      UnboundValidator v, Name zone, List<? extends LabSigner> signers, Set<String> down) {
    Name absent = absentName(zone);
    List<Result> out = new ArrayList<>();
    synchronized (v) {
      for (LabSigner keys : signers) {
        for (LabSigner answers : signers) {
          if (keys == answers || down.contains(keys.id()) || down.contains(answers.id())) {
            continue;
          }
          v.cacheDnskeyFrom(zone, keys);
          v.useOnly(zone, answers);
          for (int type : APEX_TYPES) {
            out.add(result(keys, answers, Type.string(type), v.query(zone, type)));
          }
          out.add(result(keys, answers, NXDOMAIN, v.query(absent, Type.A)));
        }
      }
    }
    return out;
  }

  static Result result(LabSigner keys, LabSigner answers, String asked, Message m) {
    int rcode = m.getRcode();
    boolean ad = m.getHeader().getFlag(Flags.AD);
    Verdict verdict =
        rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN
            ? ad ? Verdict.SECURE : Verdict.INSECURE
            : Verdict.BOGUS;
    String kind =
        rcode == Rcode.NOERROR && !NXDOMAIN.equals(asked) && m.getSection(Section.ANSWER).isEmpty()
            ? NODATA
            : asked;
    return new Result(keys.id(), answers.id(), asked, kind, verdict, Rcode.string(rcode));
  }

  private static Name absentName(Name zone) {
    try {
      return Name.concatenate(Name.fromString("multisigner-probe-absent"), zone);
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      throw new LabException("cannot build the absent name under " + zone, e);
    }
  }
}
