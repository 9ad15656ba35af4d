package dev.multisigner.dspublisher.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multisigner.dspublisher.DsPublisherApplication;
import dev.multisigner.dspublisher.parent.LabParentConfig;
import dev.multisigner.dspublisher.parent.ParentConfig;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.DsChangeRequested;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.DsPublicationFailed;
import dev.multisigner.schemas.avro.DsRequest;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.ParentDsObserved;
import dev.multisigner.schemas.serde.SchemaRegistry;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.zones.ZoneDirectory;
import io.micronaut.context.ApplicationContext;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/**
 * The ds-publisher service as it runs (its Micronaut context, its Kafka listener) on the real
 * broker, in front of the lab's BIND parent with a real Knot child: it reads committed requests
 * only, answers every request (failures included), and a zone whose verification is slow neither
 * delays other zones nor holds the poll loop past {@code max.poll.interval.ms}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DsPublisherServiceLabTest {

  private static final String ZONE = "example.test.";
  private static final String OTHER = "other.test.";

  @TempDir static Path dir;
  private DnsLab lab;
  private EmbeddedKafka kafka;
  private TopicProbe probe;
  private KafkaProducer<String, byte[]> producer;
  private DSRecord ksk;

  @BeforeAll
  void start() {
    SchemaRegistry.trustOurClasses(); // the EnrollZone builder copies enum defaults
    lab =
        DnsLab.builder()
            .zone(ZONE)
            .knotSigner("knot-a")
            .withParent()
            .workDir(dir.resolve("lab"))
            .start();
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    kafka.createTopics(TopicCatalog.all(), 1);
    probe = new TopicProbe(kafka.bootstrapServers());
    probe.send(TopicCatalog.ZONE_INTENTS, ZONE, LabKafka.enroll(ZONE, List.of("knot-a")));
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "test-coordinator"),
            new StringSerializer(),
            new ByteArraySerializer());
    producer.initTransactions();
    ksk = lab.dsOfAllSigners().get(0);
  }

  @AfterAll
  void stop() {
    producer.close();
    probe.close();
    kafka.close();
    lab.close();
  }

  @Test
  void aRequestOfAnAbortedTransactionIsNeverWrittenToTheParent() {
    try (ApplicationContext service = service(List.of(), Map.of())) {
      DsRequest aborted = request(ZONE, ksk, ds(4444, 4));
      DsRequest committed = request(ZONE, ksk, ds(5555, 5));

      inTransaction(aborted, false);
      inTransaction(committed, true);

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> answers(committed.getRequestId()).size() == 1);
      assertThat(answers(aborted.getRequestId())).isEmpty();
      assertThat(lab.parent().ds()).extracting(DSRecord::getFootprint).doesNotContain(4444);
      assertThat(answers(committed.getRequestId()).get(0).getEvent())
          .isInstanceOfSatisfying(
              ParentDsObserved.class,
              o -> assertThat(o.getMatchesRequest() && o.getValidated()).isTrue());
    }
  }

  @Test
  void everyRequestOfABatchIsAnsweredAndASlowZoneDelaysNoOtherNorTheConsumer() throws Exception {
    // A second parent server reached over a slow path: BIND itself, each answer 3 s late. Reading
    // the DS back there (DS + DNSKEY) takes over 6 s, longer than the consumer may stay away from
    // poll (5 s).
    try (SlowPath slowBind = new SlowPath(lab.parent().dnsAddress(), Duration.ofSeconds(3));
        ApplicationContext service =
            service(
                List.of("127.0.0.1:" + slowBind.port()),
                Map.of(
                    "multisigner.ds-publisher.parents.lab.timeout",
                    "10s",
                    "kafka.consumers.ds-publisher.max.poll.interval.ms",
                    5000))) {
      DsRequest slow = request(ZONE, ksk, ds(6666, 6));
      DsRequest broken = request("bad..name.", ksk);
      DsRequest empty = request(OTHER);

      inTransaction(List.of(slow, broken, empty), true);

      await().atMost(Duration.ofSeconds(90)).until(() -> answers(slow.getRequestId()).size() == 1);
      List<String> order = answeredRequestIds();
      assertThat(order.indexOf(broken.getRequestId()))
          .as("the failing request is answered before the slow one")
          .isBetween(0, order.indexOf(slow.getRequestId()));
      assertThat(order.indexOf(empty.getRequestId()))
          .as("another zone's request is answered before the slow one")
          .isBetween(0, order.indexOf(slow.getRequestId()));
      assertThat(answers(broken.getRequestId()))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getEvent())
                      .isInstanceOfSatisfying(
                          DsPublicationFailed.class,
                          f -> assertThat(f.getReason()).contains("zone=bad..name.")));
      assertThat(answers(slow.getRequestId()).get(0).getEvent())
          .as("the slow request went the whole way: written, then read back at every server")
          .isInstanceOfSatisfying(
              ParentDsObserved.class, o -> assertThat(o.getMatchesRequest()).isTrue());
      assertThat(answers(empty.getRequestId()))
          .singleElement()
          .satisfies(e -> assertThat(e.getEvent()).isInstanceOf(DsPublicationFailed.class));
      // The consumer stayed in its group: the slow request was not handed out (and answered) again.
      await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(20)).until(() -> true);
      assertThat(answers(slow.getRequestId())).hasSize(1);
    }
  }

  private ApplicationContext service(List<String> extraVerifyServers, Map<String, Object> extra) {
    ParentConfig parent = LabParentConfig.of(lab.parent(), lab.parent().tsig().secret());
    String prefix = "multisigner.ds-publisher.parents.lab.";
    Map<String, Object> p = new HashMap<>(LabChild.signerProperties(lab));
    p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    p.put("micronaut.server.port", -1);
    p.put("multisigner.ds-publisher.watch-initial-delay", "1h");
    p.put(prefix + "zone", parent.getZone());
    p.put(prefix + "server", parent.getServer());
    p.put(prefix + "tsig-key-name", parent.getTsigKeyName());
    p.put(prefix + "tsig-algorithm", parent.getTsigAlgorithm());
    p.put(prefix + "tsig-secret", parent.getTsigSecret());
    p.put(prefix + "trust-anchor", parent.getTrustAnchor());
    p.put(prefix + "ds-ttl", 60);
    List<String> verify = new ArrayList<>(List.of(parent.getServer()));
    verify.addAll(extraVerifyServers);
    p.put(prefix + "verify-servers", verify);
    p.putAll(extra);
    ApplicationContext context =
        ApplicationContext.builder()
            .mainClass(DsPublisherApplication.class)
            .environments(DsPublisherApplication.ENVIRONMENT)
            .properties(p)
            .banner(false)
            .start();
    // The child's KSKs are read at the zone's signers, which the zone directory knows once it has
    // read the enrollment.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> context.getBean(ZoneDirectory.class).zones().containsKey(ZONE));
    return context;
  }

  private void inTransaction(DsRequest request, boolean commit) {
    inTransaction(List.of(request), commit);
  }

  private void inTransaction(List<DsRequest> requests, boolean commit) {
    producer.beginTransaction();
    for (DsRequest r : requests) {
      producer.send(
          new ProducerRecord<>(
              TopicCatalog.DS_REQUESTS.name(),
              r.getEnvelope().getZone(),
              TopicCatalog.DS_REQUESTS.valueSerde().encode(r)));
    }
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.abortTransaction();
    }
  }

  /** The DS events answering {@code requestId}. */
  private List<DsEvent> answers(String requestId) {
    return allDsEvents().stream().filter(e -> requestId.equals(e.getRequestId())).toList();
  }

  /** The request ids answered, in the order of the (single-partition) DS events topic. */
  private List<String> answeredRequestIds() {
    return allDsEvents().stream().map(DsEvent::getRequestId).filter(id -> id != null).toList();
  }

  private List<DsEvent> allDsEvents() {
    List<DsEvent> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition p = new TopicPartition(TopicCatalog.DS_EVENTS.name(), 0);
      c.assign(List.of(p));
      c.seekToBeginning(List.of(p));
      long end = c.endOffsets(List.of(p)).get(p);
      while (c.position(p) < end) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(TopicCatalog.DS_EVENTS.valueSerde().decode(r.value()));
        }
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** A TCP path to a DNS server that holds each answer back for {@code delay}. */
  static final class SlowPath implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());

    SlowPath(InetSocketAddress server, Duration delay) throws IOException {
      Thread t =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try {
                    Socket client = socket.accept();
                    Thread each = new Thread(() -> relay(client, server, delay), "slow-path-conn");
                    each.setDaemon(true);
                    each.start();
                  } catch (IOException e) {
                    // closed
                  }
                }
              },
              "slow-path");
      t.setDaemon(true);
      t.start();
    }

    /**
     * Relays every query of one connection (a resolver may send several on it, RFC 7766 §6.2.1),
     * each answer {@code delay} late, until the client closes it.
     */
    private static void relay(Socket client, InetSocketAddress server, Duration delay) {
      try (client;
          Socket upstream = new Socket(server.getAddress(), server.getPort())) {
        DataInputStream in = new DataInputStream(client.getInputStream());
        DataOutputStream up = new DataOutputStream(upstream.getOutputStream());
        DataInputStream down = new DataInputStream(upstream.getInputStream());
        DataOutputStream out = new DataOutputStream(client.getOutputStream());
        while (true) {
          byte[] query = new byte[in.readUnsignedShort()];
          in.readFully(query);
          up.writeShort(query.length);
          up.write(query);
          up.flush();
          byte[] answer = new byte[down.readUnsignedShort()];
          down.readFully(answer);
          Thread.sleep(delay.toMillis());
          out.writeShort(answer.length);
          out.write(answer);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the client closed the connection, or the test ended
      }
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static DsRequest request(String zone, DSRecord... ds) {
    return new DsRequest(
        new Envelope(UUID.randomUUID().toString(), zone, Instant.now(), "test", null, null),
        "request-" + UUID.randomUUID(),
        new DsChangeRequested(DsPublication.toData(List.of(ds)), List.of(), List.of()));
  }

  private static DSRecord ds(int tag, int fill) {
    byte[] digest = new byte[32];
    java.util.Arrays.fill(digest, (byte) fill);
    return new DSRecord(Name.fromConstantString(ZONE), DClass.IN, 60, tag, 13, 2, digest);
  }
}
