package dev.multisigner.providers;

import java.io.IOException;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * A CSYNC record (RFC 7477 §2.1): the child's SOA serial, flags, and the types the parent should
 * copy from the child. Presentation form {@code 0 1 NS A AAAA}; wire form serial (32 bits), flags
 * (16 bits), then the RFC 4034 §4.1.2 type bitmap.
 *
 * <p>dnsjava 3.7.1 knows the type code ({@link Type#CSYNC}) but has no record class for it: it
 * parses CSYNC as an {@code UNKRecord} (text {@code \# 9 ...}, and {@code 0 1 NS} does not parse).
 * This class fills the gap the way dnsjava's own types work: loading it registers it with {@link
 * Type#register}, so every CSYNC that dnsjava parses from the wire or from text afterwards is one
 * of these. Records compare by rdata ({@code Record.equals}), so a CSYNC parsed before the
 * registration still equals its {@link #of(Record)}. The type bitmap is dnsjava's (its {@code
 * TypeBitmap} is package-private, so it goes through NSEC rdata with the root as next name).
 */
public final class CSYNCRecord extends Record {

  /** The flags of RFC 7477 §2.1.1.2. */
  public static final class Flags {
    /** Process this CSYNC without waiting for the SOA serial to be seen by all nameservers. */
    public static final int IMMEDIATE = 1;

    /** Copy only when the child's SOA serial is at least {@link CSYNCRecord#getSerial()}. */
    public static final int SOA_MINIMUM = 2;

    private Flags() {}
  }

  static {
    Type.register(Type.CSYNC, "CSYNC", CSYNCRecord::new);
  }

  private long serial;
  private int flags;
  private int[] types = new int[0];

  private CSYNCRecord() {}

  /**
   * @param serial the child's SOA serial (meaningful with {@link Flags#SOA_MINIMUM})
   * @param flags {@link Flags} bits
   * @param types the types the parent should copy, e.g. NS, A, AAAA
   */
  public CSYNCRecord(Name name, int dclass, long ttl, long serial, int flags, int[] types) {
    super(name, Type.CSYNC, dclass, ttl);
    if (serial < 0 || serial > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("CSYNC serial " + serial + " is not a 32-bit unsigned");
    }
    if (flags < 0 || flags > 0xFFFF) {
      throw new IllegalArgumentException("CSYNC flags " + flags + " are not 16 bits");
    }
    this.serial = serial;
    this.flags = flags;
    this.types = normalize(types);
  }

  /** A CSYNC at {@code name}, class IN. */
  public static CSYNCRecord of(Name name, long ttl, long serial, int flags, int... types) {
    return new CSYNCRecord(name, DClass.IN, ttl, serial, flags, types);
  }

  /**
   * Makes sure dnsjava parses CSYNC into this class from now on (the class's loading does it; this
   * method only forces the loading). Idempotent.
   */
  public static void register() {
    // the static initializer ran when this method was called
  }

  /** {@code r} as a CSYNCRecord (the same object if it already is one). */
  public static CSYNCRecord of(Record r) {
    if (r instanceof CSYNCRecord c) {
      return c;
    }
    if (r.getType() != Type.CSYNC) {
      throw new IllegalArgumentException("not a CSYNC record: " + r);
    }
    Record parsed =
        Record.newRecord(
            r.getName(), Type.CSYNC, r.getDClass(), r.getTTL(), r.rdataToWireCanonical());
    if (!(parsed instanceof CSYNCRecord c)) {
      throw new IllegalArgumentException("malformed CSYNC rdata: " + r);
    }
    return c;
  }

  public long getSerial() {
    return serial;
  }

  public int getFlags() {
    return flags;
  }

  /** The types, ascending. */
  public int[] getTypes() {
    return types.clone();
  }

  public boolean hasType(int type) {
    return Arrays.binarySearch(types, type) >= 0;
  }

  @Override
  protected void rrFromWire(DNSInput in) throws IOException {
    serial = in.readU32();
    flags = in.readU16();
    byte[] bitmap = in.readByteArray();
    byte[] nsec = new byte[bitmap.length + 1];
    System.arraycopy(bitmap, 0, nsec, 1, bitmap.length); // nsec[0] = 0: the root as next name
    Record parsed = Record.newRecord(Name.root, Type.NSEC, DClass.IN, 0, nsec);
    if (!(parsed instanceof NSECRecord n)) {
      throw new WireParseException("invalid CSYNC type bitmap");
    }
    types = n.getTypes();
  }

  @Override
  protected void rdataFromString(Tokenizer st, Name origin) throws IOException {
    serial = st.getUInt32();
    flags = st.getUInt16();
    TreeSet<Integer> parsed = new TreeSet<>();
    while (true) {
      Tokenizer.Token t = st.get();
      if (!t.isString()) {
        st.unget();
        break;
      }
      int code = Type.value(t.value, true);
      if (code < 0) {
        throw st.exception("invalid type in CSYNC: " + t.value);
      }
      parsed.add(code);
    }
    types = parsed.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  protected String rrToString() {
    return serial
        + " "
        + flags
        + Arrays.stream(types).mapToObj(t -> " " + Type.string(t)).collect(Collectors.joining());
  }

  @Override
  protected void rrToWire(DNSOutput out, Compression c, boolean canonical) {
    out.writeU32(serial);
    out.writeU16(flags);
    byte[] nsec = new NSECRecord(Name.root, DClass.IN, 0, Name.root, types).rdataToWireCanonical();
    out.writeByteArray(nsec, 1, nsec.length - 1); // without the root next name
  }

  private static int[] normalize(int[] types) {
    int[] sorted = Arrays.stream(types).distinct().sorted().toArray();
    for (int t : sorted) {
      Type.check(t);
    }
    return sorted;
  }
}
