package dev.multisigner.providers.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The read's own TCP exchange against a server on loopback that behaves as RFC 7766 allows: it
 * answers pipelined queries in any order. The SOA must be answered before any other query is sent
 * (a serial newer than the RRsets read with it would hide a change from the serial check), the
 * others are matched by id whatever their order, and a server that accepts and never answers ends
 * the exchange at the caller's interrupt.
 */
class TcpExchangeTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final SignerId SIGNER = SignerId.of("knot-a");
  private static final int[] TYPES = {Type.SOA, Type.DNSKEY, Type.CDS, Type.NS};

  @Test
  void theSoaIsAnsweredBeforeTheOthersAreSentAndTheOthersMayComeInAnyOrder() throws Exception {
    AtomicInteger bytesBeforeSoaAnswer = new AtomicInteger(-1);
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> served =
          CompletableFuture.runAsync(
              () -> {
                try (Socket s = server.accept()) {
                  DataInputStream in = new DataInputStream(s.getInputStream());
                  DataOutputStream out = new DataOutputStream(s.getOutputStream());
                  Message soa = read(in);
                  // whatever the client sends before the SOA is answered has arrived by now
                  Thread.sleep(300);
                  bytesBeforeSoaAnswer.set(in.available());
                  write(out, answer(soa));
                  List<Message> rest = new ArrayList<>();
                  for (int i = 1; i < TYPES.length; i++) {
                    rest.add(read(in));
                  }
                  Collections.reverse(rest);
                  for (Message q : rest) {
                    write(out, answer(q));
                  }
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      List<Message> answers =
          TcpExchange.ask(SIGNER, address(server), Duration.ofSeconds(5), ZONE, TYPES);
      served.get(5, TimeUnit.SECONDS);

      assertThat(bytesBeforeSoaAnswer.get()).as("bytes sent before the SOA was answered").isZero();
      assertThat(answers)
          .extracting(m -> m.getQuestion().getType())
          .containsExactly(Type.SOA, Type.DNSKEY, Type.CDS, Type.NS);
    }
  }

  @Test
  void aServerThatNeverAnswersIsLeftAtTheCallersInterrupt() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread caller = Thread.currentThread();
      CompletableFuture<Void> interrupt =
          CompletableFuture.runAsync(
              () -> {
                try (Socket s = server.accept()) {
                  Thread.sleep(300);
                  caller.interrupt();
                  Thread.sleep(2_000);
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      long started = System.nanoTime();
      assertThatThrownBy(
              () -> TcpExchange.ask(SIGNER, address(server), Duration.ofMinutes(10), ZONE, TYPES))
          .isInstanceOf(ProviderException.class)
          .hasMessageContaining("zone=example.test.")
          .hasMessageContaining("provider=knot-a")
          .hasMessageContaining("interrupted");
      assertThat(Thread.interrupted()).as("the interrupt status stays set").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(1));
      interrupt.get(5, TimeUnit.SECONDS);
    }
  }

  private static InetSocketAddress address(ServerSocket server) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  private static Message read(DataInputStream in) throws IOException {
    byte[] wire = new byte[in.readUnsignedShort()];
    in.readFully(wire);
    return new Message(wire);
  }

  private static void write(DataOutputStream out, Message m) throws IOException {
    byte[] wire = m.toWire();
    out.writeShort(wire.length);
    out.write(wire);
    out.flush();
  }

  private static Message answer(Message query) {
    Message answer = new Message(query.getHeader().getID());
    answer.getHeader().setFlag(Flags.QR);
    answer.getHeader().setFlag(Flags.AA);
    answer.getHeader().setRcode(Rcode.NOERROR);
    answer.addRecord(query.getQuestion(), Section.QUESTION);
    return answer;
  }
}
