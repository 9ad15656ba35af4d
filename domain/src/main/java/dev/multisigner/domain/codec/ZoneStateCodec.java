package dev.multisigner.domain.codec;

import dev.multisigner.domain.decide.ZoneState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The byte encoding of a {@link ZoneState} for the coordinator's state store. The first byte is the
 * format version; readers refuse versions they do not know (a new version adds a reader, old bytes
 * keep decoding). Integers are unsigned LEB128 varints; a served or pending key that is in the
 * state's key list is written as its index there, so each public key is stored once.
 */
public final class ZoneStateCodec {

  /**
   * The version this codec writes: 2 added each member's observed NS and NS command in flight, and
   * when a command was reported applied; 3 added model 1: the policy's KSK holder, and each
   * member's signature request and signed-RRset installation in flight and latest key signing
   * request time; 4 added the algorithm rollover in progress, if any; 5 added the policy's parent
   * channels, and each member's observed CSYNC and CSYNC command in flight (RFC 7477); 6 writes
   * every enum by the stable code {@link EnumCodes} gives it, never by its declaration order (the
   * codes equal the order of version 5, so bytes of versions 1-5 decode with the same tables); 7
   * added when each command or request was first asked, and each member's phase start and observed
   * key tags of its DNSKEY RRSIGs and CDNSKEY records (for the operator's views and metrics); 8
   * added, at the end, the TTLs served longer than the policy's ({@code ServedTtls}).
   */
  public static final int VERSION = 8;

  private ZoneStateCodec() {}

  public static byte[] encode(ZoneState s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      new ZoneStateWriter(out, s).write();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Decodes bytes written by any known version; throws IllegalArgumentException otherwise. */
  public static ZoneState decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readUnsignedByte();
      if (version < 1 || version > VERSION) {
        throw new IllegalArgumentException("unknown zone state format version " + version);
      }
      return new ZoneStateReader(in, version).read();
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt zone state: " + e.getMessage(), e);
    }
  }
}
