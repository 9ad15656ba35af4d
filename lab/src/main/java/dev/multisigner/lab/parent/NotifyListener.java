package dev.multisigner.lab.parent;

import dev.multisigner.lab.dns.LabException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A DNS NOTIFY receiver on a loopback UDP port (RFC 1996 §3.7; the port a DSYNC record names, RFC
 * 9859 §2): answers every NOTIFY with the rcode its handler chooses and echoes the question, on one
 * daemon thread. Anything that is not a NOTIFY query is answered NOTIMP; what does not parse is
 * dropped.
 */
final class NotifyListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NotifyListener.class);

  /** Chooses the rcode for one NOTIFY (NOERROR accepts it) and does what it implies. */
  @FunctionalInterface
  interface Handler {
    int handle(Record question, InetSocketAddress from, int id);
  }

  private final DatagramSocket socket;
  private final Thread thread;
  private final Handler handler;

  NotifyListener(String name, Handler handler) {
    this.handler = handler;
    try {
      socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (SocketException e) {
      throw new LabException("cannot open a UDP port for the NOTIFY receiver " + name, e);
    }
    thread = new Thread(this::serve, "notify-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Where NOTIFYs are received. */
  InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  private void serve() {
    byte[] buffer = new byte[65535];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (IOException e) {
        if (!socket.isClosed()) {
          LOG.warn("event=notify_receive_failed address={} error=\"{}\"", address(), e.toString());
        }
        continue;
      }
      InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
      byte[] data = new byte[packet.getLength()];
      System.arraycopy(packet.getData(), packet.getOffset(), data, 0, data.length);
      try {
        byte[] answer = answer(new Message(data), from);
        socket.send(new DatagramPacket(answer, answer.length, from));
      } catch (IOException | RuntimeException e) {
        // a malformed message gets no answer (RFC 1035 §4.1.1 FORMERR needs a parsable header)
        LOG.warn("event=notify_dropped from={} error=\"{}\"", from, e.toString());
      }
    }
  }

  private byte[] answer(Message query, InetSocketAddress from) {
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setOpcode(query.getHeader().getOpcode());
    Record question = query.getQuestion();
    if (question != null) {
      response.addRecord(question, Section.QUESTION);
    }
    int rcode;
    if (query.getHeader().getOpcode() != Opcode.NOTIFY
        || query.getHeader().getFlag(Flags.QR)
        || question == null) {
      rcode = Rcode.NOTIMP;
    } else {
      response.getHeader().setFlag(Flags.AA);
      rcode = handler.handle(question, from, query.getHeader().getID());
    }
    response.getHeader().setRcode(rcode);
    return response.toWire();
  }

  @Override
  public void close() {
    socket.close();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
