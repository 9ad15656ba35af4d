package dev.multisigner.dspublisher.parent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.lab.dns.DnsLab;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;

/** The DNS UPDATE parent channel against a real BIND 9.18 parent with TSIG. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsUpdateParentLabTest {

  private static final Name CHILD = Name.fromConstantString("example.test.");
  private DnsLab lab;

  @BeforeAll
  void start() {
    lab = DnsLab.builder().zone(CHILD.toString()).withParent().start();
  }

  @AfterAll
  void stop() {
    lab.close();
  }

  @Test
  void replacesTheDsRrsetAndReadsItBackValidated() {
    DnsUpdateParent parent = new DnsUpdateParent(config(lab.parent().tsig().secret()));
    List<DSRecord> desired = List.of(ds(11111, (byte) 1), ds(22222, (byte) 2));

    parent.replaceDs(CHILD, desired);
    DnsUpdateParent.Observed seen = parent.readDs(CHILD, Instant.now());

    assertThat(seen.ds())
        .extracting(DSRecord::getFootprint)
        .containsExactlyInAnyOrder(11111, 22222);
    assertThat(seen.validated()).as(seen.validationNote()).isTrue();
    assertThat(parent.readNs(CHILD)).containsExactly("ns1.example.test.", "ns2.example.test.");

    // read again unchanged: validated from the RRsets found authentic, no signature checked anew
    long[] checks = parent.signatureChecks();
    DnsUpdateParent.Observed again = parent.readDs(CHILD, Instant.now());
    assertThat(again.validated()).as(again.validationNote()).isTrue();
    assertThat(again.ds())
        .extracting(DSRecord::getFootprint)
        .containsExactlyInAnyOrder(11111, 22222);
    assertThat(parent.signatureChecks()[0]).isEqualTo(checks[0]);
    assertThat(parent.signatureChecks()[1]).isEqualTo(checks[1] + 2); // parent DNSKEY and DS

    // a new DS RRset carries a new RRSIG: checked anew
    parent.replaceDs(CHILD, List.of(ds(22222, (byte) 2)));
    DnsUpdateParent.Observed changed = parent.readDs(CHILD, Instant.now());
    assertThat(changed.ds()).extracting(DSRecord::getFootprint).containsExactly(22222);
    assertThat(changed.validated()).as(changed.validationNote()).isTrue();
    assertThat(parent.signatureChecks()[0]).isEqualTo(checks[0] + 1);
  }

  @Test
  void aWrongTsigSecretIsANonRetryableErrorNamingZoneAndParentButNotTheSecret() {
    String wrong =
        Base64.getEncoder().encodeToString("not-the-parent-key-0123456789abc".getBytes());
    DnsUpdateParent parent = new DnsUpdateParent(config(wrong));
    List<DSRecord> before = lab.parent().ds();

    assertThatThrownBy(() -> parent.replaceDs(CHILD, List.of(ds(33333, (byte) 3))))
        .isInstanceOfSatisfying(ParentException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("zone=example.test.")
        .hasMessageContaining("parent=lab")
        .hasMessageContaining("NOTAUTH")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong));
    assertThat(lab.parent().ds()).isEqualTo(before);
  }

  @Test
  void aParentWithoutATrustAnchorIsRefusedAtConfigurationNamingIt() {
    ParentConfig config = config(lab.parent().tsig().secret());
    config.setTrustAnchor(null);

    assertThatThrownBy(() -> new DnsUpdateParent(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parent lab")
        .hasMessageContaining("trust-anchor is required")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(lab.parent().tsig().secret()));
  }

  @Test
  void noDsAtTheParentIsValidatedByItsSignedNsecProof() {
    DnsUpdateParent parent = new DnsUpdateParent(config(lab.parent().tsig().secret()));
    lab.parent().putDs(List.of());

    DnsUpdateParent.Observed seen = parent.readDs(CHILD, Instant.now());

    assertThat(seen.ds()).isEmpty();
    assertThat(seen.validated()).as(seen.validationNote()).isTrue();
  }

  @Test
  void aNoErrorToAnUpdateWithoutTheParentsTsigIsNotTakenAsDone() throws Exception {
    try (UnsignedResponder forger = new UnsignedResponder()) {
      ParentConfig config = config(lab.parent().tsig().secret());
      config.setServer("127.0.0.1:" + forger.port());
      DnsUpdateParent parent = new DnsUpdateParent(config);

      assertThatThrownBy(() -> parent.replaceDs(CHILD, List.of(ds(55555, (byte) 5))))
          .isInstanceOfSatisfying(ParentException.class, e -> assertThat(e.retryable()).isTrue())
          .hasMessageContaining("zone=example.test.")
          .hasMessageContaining("no TSIG")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(lab.parent().tsig().secret()));
      assertThat(forger.answered()).as("the forger answered the UPDATE").isPositive();
    }
  }

  @Test
  void severalChildrensDsGoInOneUpdateAndARefusedBatchIsAppliedChildByChild() throws Exception {
    DnsUpdateParent parent = new DnsUpdateParent(config(lab.parent().tsig().secret()));
    List<Name> children =
        List.of(CHILD, Name.fromConstantString("b.test."), Name.fromConstantString("c.test."));
    List<Name> servers =
        List.of(
            Name.fromConstantString("ns1.example.test."),
            Name.fromConstantString("ns2.example.test."));
    parent.replaceNs(children.get(1), servers);
    parent.replaceNs(children.get(2), servers);

    Map<Name, List<DSRecord>> desired = new LinkedHashMap<>();
    for (int i = 0; i < children.size(); i++) {
      desired.put(children.get(i), List.of(ds(40001 + i, (byte) (40 + i))));
    }
    parent.replaceDs(desired);
    for (int i = 0; i < children.size(); i++) {
      DnsUpdateParent.Observed seen = parent.readDs(children.get(i), Instant.now());
      assertThat(seen.ds()).extracting(DSRecord::getFootprint).containsExactly(40001 + i);
      assertThat(seen.validated()).as(seen.validationNote()).isTrue();
    }

    // Callers at once through the batches, one of them for a name outside the parent (NOTZONE
    // for any UPDATE it is in): the others' DS still lands, and only it fails, naming itself.
    DsUpdateBatches batches = new DsUpdateBatches(64);
    Name outside = Name.fromConstantString("outside.example.");
    List<Name> callers = new ArrayList<>(children);
    callers.add(1, outside);
    ExecutorService pool = Executors.newFixedThreadPool(callers.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < callers.size(); i++) {
        Name child = callers.get(i);
        List<DSRecord> set = List.of(ds(50001 + i, (byte) (50 + i)));
        calls.add(
            pool.submit(
                () -> {
                  go.await();
                  batches.replaceDs(parent, child, set);
                  return null;
                }));
      }
      go.countDown();
      for (int i = 0; i < callers.size(); i++) {
        if (callers.get(i).equals(outside)) {
          assertThatThrownBy(calls.get(i)::get)
              .hasCauseInstanceOf(ParentException.class)
              .hasMessageContaining("zone=outside.example.")
              .hasMessageContaining("NOTZONE");
        } else {
          calls.get(i).get();
          assertThat(parent.readDs(callers.get(i), Instant.now()).ds())
              .extracting(DSRecord::getFootprint)
              .containsExactly(50001 + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Someone on the path who answers every DNS message over TCP with NOERROR and no TSIG, as a
   * forged "UPDATE done" looks.
   */
  static final class UnsignedResponder implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    private final AtomicInteger answered = new AtomicInteger();
    private final Thread thread = new Thread(this::serve, "unsigned-responder");

    UnsignedResponder() throws IOException {
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    int answered() {
      return answered.get();
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          DataInputStream in = new DataInputStream(s.getInputStream());
          byte[] query = new byte[in.readUnsignedShort()];
          in.readFully(query);
          Message q = new Message(query);
          Message r = new Message(q.getHeader().getID());
          r.getHeader().setOpcode(q.getHeader().getOpcode());
          r.getHeader().setFlag(Flags.QR);
          r.addRecord(q.getQuestion(), Section.QUESTION);
          byte[] wire = r.toWire();
          DataOutputStream out = new DataOutputStream(s.getOutputStream());
          out.writeShort(wire.length);
          out.write(wire);
          out.flush();
          answered.incrementAndGet();
        } catch (IOException e) {
          // closed, or a client gone: next connection
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private ParentConfig config(String secret) {
    return LabParentConfig.of(lab.parent(), secret);
  }

  private static DSRecord ds(int tag, byte fill) {
    byte[] digest = new byte[32];
    java.util.Arrays.fill(digest, fill);
    return new DSRecord(CHILD, DClass.IN, 60, tag, 13, 2, digest);
  }
}
