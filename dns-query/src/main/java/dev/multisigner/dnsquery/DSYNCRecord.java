package dev.multisigner.dnsquery;

import java.io.IOException;
import java.util.Locale;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;
import org.xbill.DNS.Type;

/**
 * A DSYNC record (RFC 9859 §2): where a parent takes notifications about a child's delegation — for
 * which RR type (CDS or CSYNC), by which scheme (1, NOTIFY), at which port and target host.
 * Presentation form {@code CDS 1 5359 notify.example.}; wire form RRtype (16 bits), scheme (8
 * bits), port (16 bits), target (an uncompressed domain name, RFC 9859 §2.1).
 *
 * <p>dnsjava 3.7.1 knows neither the type code (66) nor a record class for it. Loading this class
 * registers both with {@link Type#register}, as {@code providers.CSYNCRecord} does for CSYNC, so
 * every DSYNC that dnsjava parses from the wire or from text afterwards is one of these; {@link
 * #register()} forces the loading.
 */
public final class DSYNCRecord extends Record {

  /** The DSYNC RR type code (RFC 9859 §7, IANA). */
  public static final int TYPE = 66;

  /** The only scheme RFC 9859 defines: a DNS NOTIFY (RFC 1996) of the RR type to the target. */
  public static final int SCHEME_NOTIFY = 1;

  /** The conventional port of a parent's NOTIFY receiver in RFC 9859's examples. */
  public static final int DEFAULT_PORT = 5359;

  static {
    Type.register(TYPE, "DSYNC", DSYNCRecord::new);
  }

  private int rrType;
  private int scheme;
  private int port;
  private Name target;

  private DSYNCRecord() {}

  /**
   * @param rrType the RR type notifications are for ({@link Type#CDS} or {@link Type#CSYNC})
   * @param scheme {@link #SCHEME_NOTIFY}
   * @param port the receiver's port
   * @param target the receiver's host name (absolute)
   */
  public DSYNCRecord(
      Name name, int dclass, long ttl, int rrType, int scheme, int port, Name target) {
    super(name, TYPE, dclass, ttl);
    Type.check(rrType);
    if (scheme < 0 || scheme > 0xFF) {
      throw new IllegalArgumentException("DSYNC scheme " + scheme + " is not 8 bits");
    }
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("DSYNC port " + port + " is not 16 bits");
    }
    if (!target.isAbsolute()) {
      throw new IllegalArgumentException("DSYNC target " + target + " is not absolute");
    }
    this.rrType = rrType;
    this.scheme = scheme;
    this.port = port;
    this.target = target;
  }

  /** A NOTIFY-scheme DSYNC at {@code name}, class IN. */
  public static DSYNCRecord notify(Name name, long ttl, int rrType, int port, Name target) {
    return new DSYNCRecord(name, DClass.IN, ttl, rrType, SCHEME_NOTIFY, port, target);
  }

  /**
   * Makes sure dnsjava parses DSYNC into this class from now on (the class's loading does it; this
   * method only forces the loading). Idempotent.
   */
  public static void register() {
    // the static initializer ran when this method was called
  }

  /** {@code r} as a DSYNCRecord (the same object if it already is one). */
  public static DSYNCRecord of(Record r) {
    if (r instanceof DSYNCRecord d) {
      return d;
    }
    if (r.getType() != TYPE) {
      throw new IllegalArgumentException("not a DSYNC record: " + r);
    }
    Record parsed =
        Record.newRecord(r.getName(), TYPE, r.getDClass(), r.getTTL(), r.rdataToWireCanonical());
    if (!(parsed instanceof DSYNCRecord d)) {
      throw new IllegalArgumentException("malformed DSYNC rdata: " + r);
    }
    return d;
  }

  /** The RR type notifications are for. */
  public int getRRType() {
    return rrType;
  }

  public int getScheme() {
    return scheme;
  }

  public int getPort() {
    return port;
  }

  public Name getTarget() {
    return target;
  }

  @Override
  protected void rrFromWire(DNSInput in) throws IOException {
    rrType = in.readU16();
    scheme = in.readU8();
    port = in.readU16();
    target = new Name(in);
  }

  @Override
  protected void rdataFromString(Tokenizer st, Name origin) throws IOException {
    String type = st.getString();
    rrType = Type.value(type, true);
    if (rrType < 0) {
      throw st.exception("invalid DSYNC RR type: " + type);
    }
    String s = st.getString();
    scheme = s.toUpperCase(Locale.ROOT).equals("NOTIFY") ? SCHEME_NOTIFY : parseU8(st, s);
    port = st.getUInt16();
    target = st.getName(origin);
  }

  private static int parseU8(Tokenizer st, String s) throws IOException {
    try {
      int v = Integer.parseInt(s);
      if (v >= 0 && v <= 0xFF) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw st.exception("invalid DSYNC scheme: " + s);
  }

  @Override
  protected String rrToString() {
    return Type.string(rrType) + " " + scheme + " " + port + " " + target;
  }

  @Override
  protected void rrToWire(DNSOutput out, Compression c, boolean canonical) {
    out.writeU16(rrType);
    out.writeU8(scheme);
    out.writeU16(port);
    // RFC 9859 §2.1, RFC 3597 §4 and §7: a newer type's name is neither compressed nor
    // lower-cased for the canonical form
    target.toWire(out, null);
  }
}
