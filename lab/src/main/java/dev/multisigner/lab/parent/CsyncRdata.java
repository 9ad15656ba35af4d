package dev.multisigner.lab.parent;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The rdata of a CSYNC record (RFC 7477 §2.1): SOA serial, flags and the type bit map. dnsjava 3.7
 * has no CSYNC class (it hands CSYNC over as an unknown record), so the wire form is read and
 * written here.
 *
 * @param soaSerial the serial the soaminimum flag refers to (unsigned 32 bits)
 * @param flags {@link #IMMEDIATE} and/or {@link #SOA_MINIMUM}
 * @param types the RR types the parent is to copy from the child, ascending
 */
public record CsyncRdata(long soaSerial, int flags, List<Integer> types) {

  /** Flag bit: the parent may act without waiting for out-of-band approval. */
  public static final int IMMEDIATE = 1;

  /** Flag bit: do not act on a zone serving an SOA serial below {@link #soaSerial()}. */
  public static final int SOA_MINIMUM = 2;

  public CsyncRdata {
    if (soaSerial < 0 || soaSerial > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("SOA serial out of range: " + soaSerial);
    }
    if (flags < 0 || flags > 0xFFFF) {
      throw new IllegalArgumentException("flags out of range: " + flags);
    }
    types = List.copyOf(new TreeSet<>(types));
    for (int t : types) {
      if (t < 1 || t > 0xFFFF) {
        throw new IllegalArgumentException("RR type out of range: " + t);
      }
    }
  }

  /** What the coordinator has every signer publish: immediate, serial 0, copy NS, A and AAAA. */
  public static CsyncRdata immediateNsAndAddresses() {
    return new CsyncRdata(0, IMMEDIATE, List.of(Type.NS, Type.A, Type.AAAA));
  }

  /** Reads the rdata of a CSYNC record as served (any record of type CSYNC). */
  public static CsyncRdata of(Record csync) {
    if (csync.getType() != Type.CSYNC) {
      throw new IllegalArgumentException("not a CSYNC record: " + csync);
    }
    return fromWire(csync.rdataToWireCanonical());
  }

  /** Reads CSYNC rdata in wire form. */
  public static CsyncRdata fromWire(byte[] rdata) {
    if (rdata.length < 6) {
      throw new IllegalArgumentException("CSYNC rdata too short: " + rdata.length + " bytes");
    }
    long serial =
        ((rdata[0] & 0xFFL) << 24)
            | ((rdata[1] & 0xFFL) << 16)
            | ((rdata[2] & 0xFFL) << 8)
            | (rdata[3] & 0xFFL);
    int flags = ((rdata[4] & 0xFF) << 8) | (rdata[5] & 0xFF);
    List<Integer> types = new ArrayList<>();
    int i = 6;
    // RFC 4034 §4.1.2: blocks of (window, length 1-32, bitmap), windows ascending
    while (i < rdata.length) {
      if (i + 2 > rdata.length) {
        throw new IllegalArgumentException("CSYNC type bit map truncated");
      }
      int window = rdata[i] & 0xFF;
      int length = rdata[i + 1] & 0xFF;
      if (length < 1 || length > 32 || i + 2 + length > rdata.length) {
        throw new IllegalArgumentException("CSYNC type bit map block has a bad length " + length);
      }
      for (int b = 0; b < length; b++) {
        int bits = rdata[i + 2 + b] & 0xFF;
        for (int bit = 0; bit < 8; bit++) {
          if ((bits & (0x80 >> bit)) != 0) {
            types.add(window * 256 + b * 8 + bit);
          }
        }
      }
      i += 2 + length;
    }
    return new CsyncRdata(serial, flags, types);
  }

  /** The rdata in wire form. */
  public byte[] toWire() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((int) (soaSerial >>> 24));
    out.write((int) (soaSerial >>> 16));
    out.write((int) (soaSerial >>> 8));
    out.write((int) soaSerial);
    out.write(flags >>> 8);
    out.write(flags);
    int i = 0;
    while (i < types.size()) {
      int window = types.get(i) >>> 8;
      byte[] bitmap = new byte[32];
      int used = 0;
      for (; i < types.size() && types.get(i) >>> 8 == window; i++) {
        int low = types.get(i) & 0xFF;
        bitmap[low / 8] |= (byte) (0x80 >>> (low % 8));
        used = low / 8 + 1;
      }
      out.write(window);
      out.write(used);
      out.write(bitmap, 0, used);
    }
    return out.toByteArray();
  }

  /** A CSYNC record with this rdata at {@code owner}. */
  public Record toRecord(Name owner, long ttl) {
    return Record.newRecord(owner, Type.CSYNC, DClass.IN, ttl, toWire());
  }

  public boolean immediate() {
    return (flags & IMMEDIATE) != 0;
  }

  public boolean soaMinimum() {
    return (flags & SOA_MINIMUM) != 0;
  }

  /** True when the type bit map lists {@code type}. */
  public boolean covers(int type) {
    return types.contains(type);
  }

  /** The presentation form, e.g. {@code 0 1 A NS AAAA} (as PowerDNS's API takes it). */
  public String presentation() {
    return soaSerial
        + " "
        + flags
        + types.stream()
            .map(t -> " " + Type.string(t).toUpperCase(Locale.ROOT))
            .collect(Collectors.joining());
  }

  @Override
  public String toString() {
    return presentation();
  }
}
