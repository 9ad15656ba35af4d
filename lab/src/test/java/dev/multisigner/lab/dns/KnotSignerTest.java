package dev.multisigner.lab.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/** Knot as a lab signer: DDNS with TSIG, NOTIFY over TCP to the target, ZSK roll via knotc. */
class KnotSignerTest {

  static final Name ZONE = Name.fromConstantString("example.test.");
  static TcpNotifySink sink;
  static DnsLab lab;

  @BeforeAll
  static void start() throws IOException {
    sink = new TcpNotifySink();
    lab =
        DnsLab.builder()
            .zone("example.test.")
            .knotSigner("knot-a")
            .notifyTarget(sink.address())
            .start();
  }

  @AfterAll
  static void stop() throws IOException {
    if (lab != null) {
      lab.close();
    }
    if (sink != null) {
      sink.close();
    }
  }

  static Message update(KnotSigner k, Update u, TSIG tsig) throws IOException {
    SimpleResolver r = new SimpleResolver(k.dnsAddress());
    r.setTCP(true);
    r.setTimeout(Duration.ofSeconds(5));
    r.setTSIGKey(tsig);
    return r.send(u);
  }

  @Test
  void acceptsDdnsWithItsTsigKeyAndSendsNotifyOverTcp() throws Exception {
    KnotSigner k = lab.knot("knot-a");
    Update u = new Update(ZONE);
    u.add(Name.fromConstantString("ddns.example.test."), Type.TXT, 10, "\"hello\"");
    Message resp = update(k, u, k.tsig().toTsig());
    assertThat(Rcode.string(resp.getRcode())).isEqualTo("NOERROR");
    long serial = soaSerial(k);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(sink.serials()).as(k.logTail()).contains(serial));
  }

  @Test
  void notifyTargetCanBeMovedWhileKnotRuns() throws Exception {
    KnotSigner k = lab.knot("knot-a");
    try (TcpNotifySink other = new TcpNotifySink()) {
      k.setNotifyTarget(other.address());
      Update u = new Update(ZONE);
      u.add(Name.fromConstantString("moved.example.test."), Type.TXT, 10, "\"moved\"");
      assertThat(Rcode.string(update(k, u, k.tsig().toTsig()).getRcode())).isEqualTo("NOERROR");
      long serial = soaSerial(k);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(other.serials()).as(k.logTail()).contains(serial));
    } finally {
      k.setNotifyTarget(sink.address());
    }
  }

  @Test
  void refusesDdnsWithAWrongKey() throws Exception {
    KnotSigner k = lab.knot("knot-a");
    TsigCredentials wrong = TsigCredentials.randomHmacSha256(k.tsig().name());
    Update u = new Update(ZONE);
    u.add(Name.fromConstantString("evil.example.test."), Type.TXT, 10, "\"no\"");
    Message resp;
    try {
      resp = update(k, u, wrong.toTsig());
      assertThat(resp.getRcode()).isNotEqualTo(Rcode.NOERROR);
    } catch (IOException e) {
      // dnsjava may reject the unsigned BADSIG answer itself: also a refusal
    }
    Message q =
        DnsQueries.query(
            k.dnsAddress(),
            Name.fromConstantString("evil.example.test."),
            Type.TXT,
            false,
            true,
            Duration.ofSeconds(2));
    assertThat(q.getSection(Section.ANSWER)).isEmpty();
  }

  @Test
  void rollZskPublishesASecondZsk() {
    KnotSigner k = lab.knot("knot-a");
    List<KnotKey> before = new KnotKeystore(k).keys();
    new KnotKeystore(k).rollZsk();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(DnsLab.servedDnskeys(k))
                    .filteredOn(d -> d.getFlags() == 256)
                    .hasSize(2));
    assertThat(new KnotKeystore(k).keys()).hasSize(before.size() + 1);
    assertThat(DnsLab.servedDnskeys(k).stream().map(DNSKEYRecord::getFootprint))
        .containsAll(before.stream().map(KnotKey::keyTag).toList());
  }

  static long soaSerial(KnotSigner k) throws IOException {
    Message m =
        DnsQueries.query(k.dnsAddress(), ZONE, Type.SOA, false, true, Duration.ofSeconds(2));
    for (Record r : m.getSection(Section.ANSWER)) {
      if (r instanceof SOARecord soa) {
        return soa.getSerial();
      }
    }
    throw new AssertionError("no SOA from " + k);
  }

  /** Answers NOTIFY over TCP (Knot 3.2 sends NOTIFY over TCP) and records the SOA serials. */
  static final class TcpNotifySink implements AutoCloseable {
    private final ServerSocket server;
    private final List<Long> serials = new CopyOnWriteArrayList<>();

    TcpNotifySink() throws IOException {
      server = new ServerSocket(0, 10, LabPorts.LOOPBACK);
      Thread t = new Thread(this::serve, "notify-sink");
      t.setDaemon(true);
      t.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(LabPorts.LOOPBACK, server.getLocalPort());
    }

    List<Long> serials() {
      return serials;
    }

    private void serve() {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          s.setSoTimeout(2000);
          DataInputStream in = new DataInputStream(s.getInputStream());
          DataOutputStream out = new DataOutputStream(s.getOutputStream());
          while (true) {
            int len = in.readUnsignedShort();
            byte[] wire = in.readNBytes(len);
            Message m = new Message(wire);
            if (m.getHeader().getOpcode() == Opcode.NOTIFY) {
              for (Record r : m.getSection(Section.ANSWER)) {
                if (r instanceof SOARecord soa) {
                  serials.add(soa.getSerial());
                }
              }
            }
            Message reply = new Message(m.getHeader().getID());
            reply.getHeader().setOpcode(m.getHeader().getOpcode());
            reply.getHeader().setFlag(Flags.QR);
            reply.getHeader().setFlag(Flags.AA);
            reply.addRecord(m.getQuestion(), Section.QUESTION);
            byte[] r = reply.toWire();
            out.writeShort(r.length);
            out.write(r);
            out.flush();
          }
        } catch (SocketException e) {
          return; // closed
        } catch (IOException e) {
          // connection ended: wait for the next one
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
