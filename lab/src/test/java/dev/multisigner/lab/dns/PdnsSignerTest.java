package dev.multisigner.lab.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Section;

/** PowerDNS as a lab signer with a NOTIFY target: an API change is announced over UDP. */
class PdnsSignerTest {

  static final Name ZONE = Name.fromConstantString("example.test.");
  static UdpNotifySink sink;
  static DnsLab lab;

  @BeforeAll
  static void start() throws IOException {
    sink = new UdpNotifySink();
    lab =
        DnsLab.builder()
            .zone("example.test.")
            .pdnsSigner("pdns-b")
            .notifyTarget(sink.address())
            .start();
  }

  @AfterAll
  static void stop() {
    if (lab != null) {
      lab.close();
    }
    if (sink != null) {
      sink.close();
    }
  }

  @Test
  void apiChangeIsAnnouncedByNotify() throws Exception {
    PdnsSigner p = lab.pdns("pdns-b");
    // the communicator's first round (which may or may not NOTIFY: pdns 4.7 reads also-notify
    // after starting its thread) must be over, or its NOTIFY could pass for the one of the change
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> p.logTail().contains("no primary or producer domains need notifications"));
    long before = System.nanoTime();
    String body =
        "{\"rrsets\":[{\"name\":\"n.example.test.\",\"type\":\"TXT\",\"ttl\":10,"
            + "\"changetype\":\"REPLACE\",\"records\":[{\"content\":\"\\\"x\\\"\",\"disabled\":false}]}]}";
    HttpResponse<String> resp =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(p.apiUrl() + "/servers/localhost/zones/example.test."))
                    .header("X-API-Key", p.apiKey())
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).isEqualTo(204);
    // PowerDNS's NOTIFY carries only the question (no SOA): a receiver queries the serial
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(sink.notifiedAfter(before)).as(p.logTail()).contains(ZONE));
  }

  @Test
  void notifiesNobodyButTheTarget() {
    assertThat(lab.pdns("pdns-b").logTail()).doesNotContain("to 127.0.0.1:53");
  }

  /** Answers NOTIFY over UDP and records when it came for which zone. */
  static final class UdpNotifySink implements AutoCloseable {
    private final DatagramSocket socket;

    private record Received(long nanos, Name zone) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();

    UdpNotifySink() throws IOException {
      socket = new DatagramSocket(new InetSocketAddress(LabPorts.LOOPBACK, 0));
      Thread t = new Thread(this::serve, "udp-notify-sink");
      t.setDaemon(true);
      t.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(LabPorts.LOOPBACK, socket.getLocalPort());
    }

    /** The zones of the NOTIFYs received after {@code nanos} ({@link System#nanoTime()}). */
    List<Name> notifiedAfter(long nanos) {
      return received.stream().filter(r -> r.nanos() > nanos).map(Received::zone).toList();
    }

    private void serve() {
      byte[] buf = new byte[4096];
      while (!socket.isClosed()) {
        try {
          DatagramPacket in = new DatagramPacket(buf, buf.length);
          socket.receive(in);
          Message m = new Message(Arrays.copyOf(in.getData(), in.getLength()));
          if (m.getHeader().getOpcode() != Opcode.NOTIFY) {
            continue;
          }
          received.add(new Received(System.nanoTime(), m.getQuestion().getName()));
          Message reply = new Message(m.getHeader().getID());
          reply.getHeader().setOpcode(Opcode.NOTIFY);
          reply.getHeader().setFlag(Flags.QR);
          reply.getHeader().setFlag(Flags.AA);
          reply.addRecord(m.getQuestion(), Section.QUESTION);
          byte[] out = reply.toWire();
          socket.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
        } catch (IOException e) {
          if (socket.isClosed()) {
            return;
          }
        }
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
