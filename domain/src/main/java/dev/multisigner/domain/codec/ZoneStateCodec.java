package dev.multisigner.domain.codec;

import dev.multisigner.domain.decide.ZoneState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

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
    Bytes bytes = new Bytes(1024);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      new ZoneStateWriter(out, s).write();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Decodes bytes written by any known version; throws IllegalArgumentException otherwise. */
  public static ZoneState decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new Reading(data))) {
      int version = in.readUnsignedByte();
      if (version < 1 || version > VERSION) {
        throw new IllegalArgumentException("unknown zone state format version " + version);
      }
      return new ZoneStateReader(in, version).read();
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt zone state: " + e.getMessage(), e);
    }
  }

  /**
   * A growing byte array without the lock of {@link java.io.ByteArrayOutputStream}: the writer
   * writes a state byte by byte (varints), and a lock per byte cost a tenth of the encode
   * (bench/README.md §2).
   */
  private static final class Bytes extends OutputStream {
    private byte[] buf;
    private int count;

    Bytes(int size) {
      buf = new byte[size];
    }

    private void room(int more) {
      if (count + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
      }
    }

    @Override
    public void write(int b) {
      room(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      room(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, count);
    }
  }

  /** Reads a byte array without the lock of {@link java.io.ByteArrayInputStream}. */
  private static final class Reading extends InputStream {
    private final byte[] buf;
    private int pos;

    Reading(byte[] buf) {
      this.buf = buf;
    }

    @Override
    public int read() {
      return pos < buf.length ? buf[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos >= buf.length) {
        return -1;
      }
      int n = Math.min(len, buf.length - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      return buf.length - pos;
    }
  }
}
