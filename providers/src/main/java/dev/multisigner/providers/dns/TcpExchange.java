package dev.multisigner.providers.dns;

import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One read's queries to one authoritative server on a TCP connection of its own (RFC 7766 §6.2.1:
 * pipelined, answers matched by message id and question), with TCP_NODELAY: the first query alone,
 * then, once it is answered, the others in one segment, so they do not wait for each other's
 * acknowledgements. Each query has the DO bit, a 1232-byte EDNS0 payload and RD clear, as {@link
 * AuthoritativeDns#resolver} asks. dnsjava's own TCP client shares one connection and one selector
 * thread per server among every caller of the JVM, which made concurrent reads wait for each other
 * (bench/README.md §10).
 *
 * <p>The whole exchange ends within about twice {@code timeout} (connect, then the answers), or at
 * the calling thread's interrupt.
 */
final class TcpExchange {

  private static final SecureRandom IDS = new SecureRandom();

  private TcpExchange() {}

  /**
   * The answers to the queries for the zone's {@code types}, in that order. The first type is asked
   * alone and answered before the others are sent (the SOA, whose serial must not be newer than the
   * RRsets read with it); the others are pipelined.
   */
  static List<Message> ask(
      SignerId provider, InetSocketAddress server, Duration timeout, ZoneName zone, int[] types) {
    Map<Integer, Integer> indexById = new HashMap<>();
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    for (int i = 0; i < types.length; i++) {
      ByteArrayOutputStream out = i == 0 ? first : rest;
      int id;
      do {
        id = IDS.nextInt(1 << 16);
      } while (indexById.containsKey(id));
      indexById.put(id, i);
      Message query = AuthoritativeDns.newQuery(zone.toName(), types[i]);
      query.getHeader().setID(id);
      query.addRecord(
          new OPTRecord(AuthoritativeDns.EDNS_PAYLOAD, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
      byte[] wire = query.toWire();
      out.write(wire.length >>> 8);
      out.write(wire.length & 0xff);
      out.writeBytes(wire);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    // a channel's socket, not a plain one: its connect and timed reads end at the reader's
    // interrupt (the channel closes), which is how the collector's observation deadline stops a
    // read from a server that accepted the connection and never answers
    try (Socket socket = SocketChannel.open().socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(server, (int) Math.max(1, timeout.toMillis()));
      // the first query alone, the others once it is answered: a server may answer pipelined
      // queries in any order and from different versions of the zone (RFC 7766 §6.2.1.1), and a
      // serial read after the RRsets it stands for could be newer than they are, so the change
      // check would take a stale read as current until the next full resync
      socket.getOutputStream().write(first.toByteArray());
      DataInputStream in = new DataInputStream(socket.getInputStream());
      Message[] answers = new Message[types.length];
      for (int received = 0; received < types.length; received++) {
        if (received == 1) {
          socket.getOutputStream().write(rest.toByteArray());
        }
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new SocketTimeoutException("answers not complete");
        }
        socket.setSoTimeout((int) left);
        byte[] wire = new byte[in.readUnsignedShort()];
        in.readFully(wire);
        Message answer = new Message(wire);
        Integer index = indexById.remove(answer.getHeader().getID());
        Record question = answer.getQuestion();
        if (index == null
            || question == null
            || question.getType() != types[index]
            || !question.getName().equals(zone.toName())) {
          throw ProviderException.of(
              Kind.MALFORMED,
              zone,
              provider,
              server + " answered a question that was not asked on the connection");
        }
        answers[index] = answer;
      }
      return List.of(answers);
    } catch (SocketTimeoutException e) {
      throw ProviderException.of(
          Kind.TIMEOUT,
          zone,
          provider,
          "no complete answer from " + server + " within " + timeout + " (" + names(types) + ")",
          e);
    } catch (ClosedByInterruptException e) {
      // the caller's deadline (the interrupt status stays set for it)
      throw ProviderException.of(
          Kind.TIMEOUT, zone, provider, "stopped waiting for " + server + ": interrupted", e);
    } catch (IOException e) {
      throw ProviderException.of(
          Kind.UNAVAILABLE, zone, provider, "cannot query " + server + ": " + e.getMessage(), e);
    }
  }

  private static List<String> names(int[] types) {
    List<String> names = new ArrayList<>();
    for (int t : types) {
      names.add(Type.string(t));
    }
    return names;
  }
}
