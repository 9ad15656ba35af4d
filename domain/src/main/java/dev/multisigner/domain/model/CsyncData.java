package dev.multisigner.domain.model;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A CSYNC record's rdata (RFC 7477 §2.1): the SOA serial, the flags and the RR types a parent
 * should copy from the child into the delegation.
 *
 * <p>A multi-signer zone has a different SOA serial at every signer, so the group's CSYNC never
 * sets {@code soaminimum}: the serial is then meaningless (RFC 7477 §2.1.1.2.1) and the record is
 * byte-identical at every signer, as a parent that checks consistency across nameservers needs.
 */
public record CsyncData(long soaSerial, int flags, List<Integer> types) {

  /** Process now, without waiting for a SOA serial (RFC 7477 §2.1.1.2). */
  public static final int IMMEDIATE = 1;

  /** Only process once the child's SOA serial is at least {@code soaSerial}. */
  public static final int SOA_MINIMUM = 2;

  /** RR type numbers the group asks the parent to copy: A, NS, AAAA (draft "Signer joins" 11). */
  public static final int TYPE_A = 1;

  public static final int TYPE_NS = 2;
  public static final int TYPE_AAAA = 28;

  /** The one CSYNC the group publishes: immediate, serial 0 (ignored), NS plus glue types. */
  public static final CsyncData NS_SYNC =
      new CsyncData(0, IMMEDIATE, List.of(TYPE_A, TYPE_NS, TYPE_AAAA));

  public CsyncData {
    if (soaSerial < 0 || soaSerial > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("CSYNC SOA serial out of range: " + soaSerial);
    }
    if (flags < 0 || flags > 0xFFFF) {
      throw new IllegalArgumentException("CSYNC flags out of range: " + flags);
    }
    Objects.requireNonNull(types, "types");
    types = List.copyOf(new TreeSet<>(types));
  }

  /** True when a parent would copy the NS RRset from the child on seeing this record. */
  public boolean syncsNs() {
    return types.contains(TYPE_NS);
  }

  @Override
  public String toString() {
    return "CSYNC " + soaSerial + " " + flags + " " + types;
  }
}
