package dev.multisigner.collector;

import static dev.multisigner.collector.CollectorFixtures.observationsUntil;
import static dev.multisigner.collector.CollectorFixtures.observed;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.multisigner.collector.notify.NotifyHandler;
import dev.multisigner.collector.notify.NotifyListener;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotKey;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import io.micronaut.context.ApplicationContext;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The NOTIFY listener against a real Knot 3.2 (which notifies over TCP) and dnsjava clients, on the
 * embedded broker. Polls are an hour apart, so every observation here comes from a NOTIFY.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotifyListenerTest {

  private static final String ZONE = "example.test.";
  private static final String KNOT = "knot-a";

  @TempDir static Path dir;
  private DnsLab lab;
  private EmbeddedKafka kafka;
  private ApplicationContext collector;
  private TopicProbe probe;
  private InetSocketAddress listener;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeAll
  void start() {
    lab = DnsLab.builder().zone(ZONE).knotSigner(KNOT).start();
    kafka = CollectorFixtures.broker(dir.resolve("kafka"));
    Map<String, Object> p = new HashMap<>(CollectorFixtures.knot(KNOT, lab.knot(KNOT)));
    p.put("multisigner.collector.poll-interval", "1h");
    p.put("multisigner.collector.poll-initial-delay", "1h");
    p.put("multisigner.collector.notify.enabled", true);
    p.put("multisigner.collector.notify.address", "127.0.0.1");
    p.put("multisigner.collector.notify.port", 0);
    p.put("multisigner.collector.notify.tcp-deadline", "3s");
    collector = CollectorFixtures.collector(kafka, p);
    listener = collector.getBean(NotifyListener.class).address();
    probe = new TopicProbe(kafka.bootstrapServers());
    CollectorFixtures.enroll(probe, ZONE, List.of(KNOT));
    CollectorFixtures.awaitManaged(collector, ZONE);
    lab.knot(KNOT).setNotifyTarget(listener);
    logs.start();
    ((Logger) LoggerFactory.getLogger(NotifyHandler.class)).addAppender(logs);
  }

  @AfterAll
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(NotifyHandler.class)).detachAppender(logs);
    if (probe != null) {
      probe.close();
    }
    if (collector != null) {
      collector.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void aZskRollAtKnotIsObservedThroughItsNotifyWithoutWaitingForAPoll() {
    KnotSigner knot = lab.knot(KNOT);
    Set<Integer> knownBefore =
        new KnotKeystore(knot).keys().stream().map(KnotKey::keyTag).collect(Collectors.toSet());
    new KnotKeystore(knot).rollZsk();
    Predicate<SignerKeysObserved> hasNewKey =
        o -> o.getDnskeys().stream().anyMatch(k -> !knownBefore.contains(k.getKeyTag()));
    List<SignerKeysObserved> seen =
        observed(
            observationsUntil(probe, ZONE, l -> observed(l, KNOT).stream().anyMatch(hasNewKey)),
            KNOT);
    assertThat(seen).anyMatch(hasNewKey);
    // polls are an hour apart: every observation of the signer came from a NOTIFY
    assertThat(seen)
        .extracting(SignerKeysObserved::getSource)
        .containsOnly(ObservationSource.NOTIFY);
    assertThat(messages()).anyMatch(m -> m.contains("event=notify_received zone=" + ZONE));
  }

  @Test
  void answersANotifyForAManagedZoneWithAaAndTheQuestionOverUdpAndTcp() throws Exception {
    var meters = collector.getBean(io.micrometer.core.instrument.MeterRegistry.class);
    double udpBefore = notifies(meters, "udp");
    double tcpBefore = notifies(meters, "tcp");
    for (boolean tcp : new boolean[] {false, true}) {
      Message query = notify(ZONE);
      Message answer = resolver(tcp).send(query);
      assertThat(answer.getRcode()).as("tcp=" + tcp).isEqualTo(Rcode.NOERROR);
      assertThat(answer.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
      assertThat(answer.getHeader().getFlag(Flags.QR)).isTrue();
      assertThat(answer.getHeader().getFlag(Flags.AA)).isTrue();
      assertThat(answer.getHeader().getID()).isEqualTo(query.getHeader().getID());
      assertThat(answer.getQuestion()).isEqualTo(query.getQuestion());
    }
    // multisigner_notifies_received_total{transport,result="observed"} counts each of them
    assertThat(notifies(meters, "udp")).isEqualTo(udpBefore + 1);
    assertThat(notifies(meters, "tcp")).isEqualTo(tcpBefore + 1);
  }

  private static double notifies(io.micrometer.core.instrument.MeterRegistry meters, String t) {
    var counter =
        meters
            .find("multisigner.notifies.received")
            .tags("transport", t, "result", "observed")
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void answersNotauthForAZoneNotManagedHereAndLogsTheZoneAndTheSource() throws Exception {
    Message answer = resolver(false).send(notify("not-managed.test."));
    assertThat(answer.getRcode()).isEqualTo(Rcode.NOTAUTH);
    assertThat(answer.getHeader().getFlag(Flags.AA)).isFalse();
    assertThat(answer.getQuestion()).isEqualTo(notify("not-managed.test.").getQuestion());
    assertThat(messages())
        .anyMatch(
            m ->
                m.contains("event=notify_refused")
                    && m.contains("zone=not-managed.test.")
                    && m.contains("source=127.0.0.1:"));
  }

  @Test
  void dropsMalformedPacketsAndKeepsListeningOnUdpAndTcp() throws Exception {
    byte[] garbage = {0x12, 0x34, 0x28, 0x00, 0x00, 0x01, 0x00};
    try (DatagramSocket udp = new DatagramSocket()) {
      udp.send(new DatagramPacket(garbage, garbage.length, listener));
    }
    try (Socket tcp = new Socket(listener.getAddress(), listener.getPort())) {
      DataOutputStream out = new DataOutputStream(tcp.getOutputStream());
      out.writeShort(garbage.length);
      out.write(garbage);
      out.flush();
      tcp.setSoTimeout(10_000);
      // no answer: the listener closes the connection
      assertThat(new DataInputStream(tcp.getInputStream()).read()).isEqualTo(-1);
    }
    assertThat(resolver(false).send(notify(ZONE)).getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(resolver(true).send(notify(ZONE)).getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(messages().stream().filter(m -> m.contains("event=notify_malformed")))
        .anyMatch(m -> m.contains("transport=udp"))
        .anyMatch(m -> m.contains("transport=tcp"));
  }

  /**
   * A peer that sends one byte a second is never idle long enough for the 10 s idle timeout; the
   * connection's overall deadline (3 s here) closes it (slowloris).
   */
  @Test
  void aTcpConnectionThatDripsBytesIsClosedAtItsOverallDeadline() throws Exception {
    try (Socket tcp = new Socket(listener.getAddress(), listener.getPort())) {
      tcp.setSoTimeout(1000);
      java.io.OutputStream out = tcp.getOutputStream();
      out.write(new byte[] {0, 40}); // a 40-byte message follows, one byte a second
      out.flush();
      long t0 = System.nanoTime();
      boolean closed = false;
      while (!closed && System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos()) {
        try {
          out.write(0x12);
          out.flush();
          closed = tcp.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException stillOpen) {
          // open, waiting for the rest of the message
        } catch (java.io.IOException reset) {
          closed = true;
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertThat(closed).as("closed by the listener").isTrue();
      assertThat(seconds).as("closed after %.1f s", seconds).isLessThan(10);
    }
    assertThat(resolver(true).send(notify(ZONE)).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  /**
   * Anyone can send NOTIFYs for zones not managed here: each is answered NOTAUTH and counted, but
   * at most 10 are logged a minute. Runs last: it spends this minute's budget of those lines.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void aFloodOfRefusedNotifiesIsAnsweredAndCountedButLoggedAtMostTenTimesAMinute()
      throws Exception {
    var meters = collector.getBean(io.micrometer.core.instrument.MeterRegistry.class);
    long linesBefore = refusedLines();
    double countedBefore = refused(meters);
    SimpleResolver udp = resolver(false);
    for (int i = 0; i < 200; i++) {
      assertThat(udp.send(notify("flood-" + i + ".test.")).getRcode()).isEqualTo(Rcode.NOTAUTH);
    }
    assertThat(refused(meters)).isEqualTo(countedBefore + 200);
    assertThat(refusedLines() - linesBefore).isBetween(1L, 10L);
  }

  private long refusedLines() {
    return messages().stream().filter(m -> m.contains("event=notify_refused")).count();
  }

  private static double refused(io.micrometer.core.instrument.MeterRegistry meters) {
    var counter =
        meters
            .find("multisigner.notifies.received")
            .tags("transport", "udp", "result", "refused")
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static Message notify(String zone) throws Exception {
    Message m = Message.newQuery(Record.newRecord(Name.fromString(zone), Type.SOA, DClass.IN));
    m.getHeader().setOpcode(Opcode.NOTIFY);
    m.getHeader().unsetFlag(Flags.RD);
    m.getHeader().setFlag(Flags.AA);
    return m;
  }

  private SimpleResolver resolver(boolean tcp) {
    SimpleResolver r = new SimpleResolver(listener);
    r.setTCP(tcp);
    r.setTimeout(Duration.ofSeconds(5));
    return r;
  }

  private List<String> messages() {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }
}
