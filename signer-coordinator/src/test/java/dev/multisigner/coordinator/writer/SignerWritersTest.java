package dev.multisigner.coordinator.writer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.multisigner.coordinator.CoordinatorApplication;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderFactory;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.schemas.avro.CsyncData;
import dev.multisigner.schemas.avro.DeadLetter;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.GroupKey;
import dev.multisigner.schemas.avro.ImportDnskeys;
import dev.multisigner.schemas.avro.KeyRole;
import dev.multisigner.schemas.avro.PublishCsync;
import dev.multisigner.schemas.avro.PublishNs;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandFailed;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.avro.WithdrawCsync;
import dev.multisigner.schemas.topics.Topic;
import dev.multisigner.schemas.topics.TopicCatalog;
import io.micronaut.context.ApplicationContext;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;

/**
 * The signer writers in the real coordinator on the embedded broker, against a real lab Knot and
 * PowerDNS and a PowerDNS API that answers 503: commands go in on the topic, results and dead
 * letters come out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignerWritersTest {

  private static final String ZONE = "writers.test.";
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final int MAX_ATTEMPTS = 3;

  @TempDir static Path dir;
  private DnsLab lab;
  private EmbeddedKafka kafka;
  private ApplicationContext context;
  private TopicProbe probe;
  private HttpServer failingApi;
  private final AtomicInteger failingCalls = new AtomicInteger();
  private final CountDownLatch releaseFirstFailingCall = new CountDownLatch(1);
  private DnsProvider knot;
  private DnsProvider pdns;

  @BeforeAll
  void start() throws Exception {
    lab = DnsLab.builder().zone(ZONE).knotSigner("knot-a").pdnsSigner("pdns-b").start();
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    kafka.createTopics(TopicCatalog.all(), 3);
    failingApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    failingApi.createContext(
        "/",
        exchange -> {
          // The first call hangs until the test lets it go; every call fails with 503.
          if (failingCalls.incrementAndGet() == 1) {
            try {
              releaseFirstFailingCall.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          exchange.sendResponseHeaders(503, -1);
          exchange.close();
        });
    failingApi.start();

    Map<String, Map<String, String>> signers = signerConfig();
    Map<String, Object> p = new HashMap<>();
    signers.forEach(
        (id, c) -> c.forEach((k, v) -> p.put("multisigner.signers." + id + "." + k, v)));
    p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    p.put("micronaut.server.port", -1);
    p.put("multisigner.coordinator.state-dir", dir.resolve("streams").toString());
    p.put("multisigner.writers.max-attempts", MAX_ATTEMPTS);
    p.put("multisigner.writers.initial-backoff", "10ms");
    p.put("multisigner.writers.max-backoff", "40ms");
    context =
        ApplicationContext.builder()
            .mainClass(CoordinatorApplication.class)
            .environments(CoordinatorApplication.ENVIRONMENT)
            .properties(p)
            .banner(false)
            .start();
    probe = new TopicProbe(kafka.bootstrapServers());
    knot = ProviderFactory.create(SignerId.of("knot-a"), signers.get("knot-a"));
    pdns = ProviderFactory.create(SignerId.of("pdns-b"), signers.get("pdns-b"));
  }

  @AfterAll
  void stop() {
    releaseFirstFailingCall.countDown();
    if (probe != null) {
      probe.close();
    }
    if (context != null) {
      context.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (failingApi != null) {
      failingApi.stop(0);
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void importingTheSameKeysTwiceChangesNothingTheSecondTimeAtKnotAndPowerDns() {
    Dnskey foreign = zsk();
    SignerCommand toKnot = importCommand("knot-a", foreign);
    SignerCommand toPdns = importCommand("pdns-b", foreign);
    probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, toKnot);
    probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, toPdns);
    List<SignerCommandResult> first = results(2, toKnot, toPdns);
    Set<DNSKEYRecord> knotAfterFirst = served(knot);
    Set<DNSKEYRecord> pdnsAfterFirst = served(pdns);
    DNSKEYRecord expected = record(foreign);
    assertThat(knotAfterFirst).contains(expected);
    assertThat(pdnsAfterFirst).contains(expected);

    // The very same commands again (same ids, same envelopes): at-least-once delivery's repeat.
    probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, toKnot);
    probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, toPdns);
    List<SignerCommandResult> both = results(4, toKnot, toPdns);

    assertThat(served(knot)).isEqualTo(knotAfterFirst);
    assertThat(served(pdns)).isEqualTo(pdnsAfterFirst);
    assertThat(both)
        .allSatisfy(r -> assertThat(r.getResult()).isInstanceOf(SignerCommandApplied.class));
    assertThat(first)
        .extracting(r -> ((SignerCommandApplied) r.getResult()).getDetail())
        .allSatisfy(d -> assertThat(d).isNotEqualTo("no change"));
    assertThat(both.subList(2, 4))
        .extracting(
            r -> r.getSignerId() + ": " + ((SignerCommandApplied) r.getResult()).getDetail())
        .containsExactlyInAnyOrder("knot-a: no change", "pdns-b: no change");
    // the decider settles a repeat that changed nothing with the observation it already holds
    assertThat(first)
        .allSatisfy(r -> assertThat(((SignerCommandApplied) r.getResult()).getChanged()).isTrue());
    assertThat(both.subList(2, 4))
        .allSatisfy(r -> assertThat(((SignerCommandApplied) r.getResult()).getChanged()).isFalse());
  }

  /**
   * The decider counts an observation as showing a command's effect only when it was taken after
   * the command was applied. A read the signer's NOTIFY sets off can finish before the writer's
   * call returns and its result is stamped: the result therefore says when the write began, which
   * is before the signer served the change, so such a read counts (else the command waits for an
   * observation the collector never sends while nothing changes; the CSYNC leave stall).
   */
  @Test
  void theResultSaysWhenTheWriteBeganWhichIsBeforeTheSignerServedTheChange() throws Exception {
    Dnskey foreign = zsk();
    DNSKEYRecord expected = record(foreign);
    ZoneName zone = ZoneName.of(ZONE);
    Instant sent = Instant.now();
    Instant[] firstServed = {null};
    Thread watch =
        new Thread(
            () -> {
              long until = System.nanoTime() + PATIENCE.toNanos();
              while (System.nanoTime() < until) {
                if (knot.servedDnskeys(zone).contains(expected)) {
                  firstServed[0] = Instant.now();
                  return;
                }
              }
            });
    watch.start();
    SignerCommand toKnot = importCommand("knot-a", foreign);
    probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, toKnot);
    SignerCommandResult result = results(1, toKnot).get(0);
    watch.join(PATIENCE.toMillis());

    SignerCommandApplied applied = (SignerCommandApplied) result.getResult();
    assertThat(firstServed[0]).as("Knot served the imported key").isNotNull();
    assertThat(applied.getWriteStartedAt())
        .isNotNull()
        .isAfterOrEqualTo(sent.truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
        .isBefore(firstServed[0])
        .isBeforeOrEqualTo(result.getEnvelope().getOccurredAt());
  }

  @Test
  void aFailingProviderIsRetriedThenReportedRetryableWithoutHoldingUpAnotherSigner() {
    SignerCommand toFailing = importCommand("pdns-down", zsk());
    SignerCommand toKnot = importCommand("knot-a", zsk());
    probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, toFailing);
    probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, toKnot);

    // knot-a's command is applied while pdns-down's writer still waits on its first call.
    List<SignerCommandResult> knotDone = results(1, toKnot);
    assertThat(knotDone.get(0).getResult()).isInstanceOf(SignerCommandApplied.class);
    assertThat(failingCalls.get()).isEqualTo(1);
    assertThat(readAll(TopicCatalog.SIGNER_RESULTS))
        .noneMatch(r -> r.getCommandId().equals(toFailing.getCommandId()));

    releaseFirstFailingCall.countDown();
    SignerCommandResult failed = results(1, toFailing).get(0);
    assertThat(failed.getResult())
        .isInstanceOfSatisfying(
            SignerCommandFailed.class,
            f -> {
              assertThat(f.getRetryable()).isTrue();
              assertThat(f.getReason())
                  .contains("zone=" + ZONE, "provider=pdns-down", "HTTP 503")
                  .contains("after " + MAX_ATTEMPTS + " attempts")
                  .doesNotContain("pdns-down-key");
            });
    assertThat(failingCalls.get()).isEqualTo(MAX_ATTEMPTS);
  }

  @Test
  void anUndecodableCommandGoesToTheDeadLetterTopicOnce() throws Exception {
    byte[] poison = ("not a command " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(TopicCatalog.Names.SIGNER_COMMANDS, ZONE, poison))
          .get(10, TimeUnit.SECONDS);
    }
    // Commands behind it on the same partition: once both writers answered them, both have
    // passed the poison record (a writer handles its partition in order).
    SignerCommand toKnot = importCommand("knot-a", zsk());
    SignerCommand toPdns = importCommand("pdns-b", zsk());
    probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, toKnot);
    probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, toPdns);
    results(2, toKnot, toPdns);

    List<DeadLetter> letters =
        readAll(TopicCatalog.DEAD_LETTERS).stream()
            .filter(d -> d.getPayload() != null && ByteBuffer.wrap(poison).equals(d.getPayload()))
            .toList();
    assertThat(letters)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getSourceTopic()).isEqualTo(TopicCatalog.Names.SIGNER_COMMANDS);
              assertThat(d.getEnvelope().getZone()).isEqualTo(ZONE);
              assertThat(d.getReason()).isNotBlank();
            });
  }

  @Test
  void nsAndCsyncCommandsChangeWhatKnotAndPowerDnsServeAndARepeatChangesNothing() {
    ZoneName zone = ZoneName.of(ZONE);
    List<String> ns = List.of("ns.knot-a.test.", "ns.pdns-b.test.");
    CsyncData csync = new CsyncData(0L, 1, List.of(1, 2, 28));
    for (DnsProvider provider : List.of(knot, pdns)) {
      String signer = provider.id().value();
      SignerCommand publishNs = command(signer, new PublishNs(ns));
      SignerCommand publishCsync = command(signer, new PublishCsync(csync, 10));
      probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, publishNs);
      probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, publishCsync);
      List<SignerCommandResult> applied = results(2, publishNs, publishCsync);
      assertThat(applied)
          .allSatisfy(r -> assertThat(r.getResult()).isInstanceOf(SignerCommandApplied.class));

      ZoneKeySnapshot served = provider.read(zone);
      assertThat(served.ns().stream().map(r -> r.getTarget().toString()).sorted().toList())
          .as("apex NS at %s", signer)
          .isEqualTo(ns);
      assertThat(served.csync())
          .as("CSYNC at %s", signer)
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.getFlags()).isEqualTo(1);
                assertThat(c.getSerial()).isZero();
                assertThat(c.getTypes()).containsExactlyInAnyOrder(1, 2, 28);
              });

      // The same commands again (a retry after a lost result): applied, nothing changed.
      SignerCommand againNs = command(signer, new PublishNs(ns));
      SignerCommand againCsync = command(signer, new PublishCsync(csync, 10));
      probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, againNs);
      probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, againCsync);
      assertThat(results(2, againNs, againCsync))
          .allSatisfy(
              r -> {
                assertThat(((SignerCommandApplied) r.getResult()).getDetail())
                    .isEqualTo("no change");
                assertThat(((SignerCommandApplied) r.getResult()).getChanged()).isFalse();
              });

      SignerCommand withdraw = command(signer, new WithdrawCsync("test"));
      probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, withdraw);
      assertThat(results(1, withdraw).get(0).getResult()).isInstanceOf(SignerCommandApplied.class);
      assertThat(provider.read(zone).csync()).as("CSYNC at %s after withdrawal", signer).isEmpty();
    }
  }

  private Map<String, Map<String, String>> signerConfig() {
    KnotSigner k = lab.knot("knot-a");
    PdnsSigner d = lab.pdns("pdns-b");
    Map<String, Map<String, String>> c = new HashMap<>();
    c.put(
        "knot-a",
        Map.of(
            "kind", "rfc2136",
            "server", hostPort(k.dnsAddress()),
            "tsig-name", k.tsig().name(),
            "tsig-algorithm", k.tsig().algorithm(),
            "tsig-secret", k.tsig().secret()));
    c.put(
        "pdns-b",
        Map.of(
            "kind", "powerdns",
            "dns", hostPort(d.dnsAddress()),
            "api-url", d.apiUrl().toString(),
            "api-key", d.apiKey(),
            "server-id", d.serverId()));
    c.put(
        "pdns-down",
        Map.of(
            "kind", "powerdns",
            "dns", hostPort(d.dnsAddress()),
            "api-url", "http://" + hostPort(failingApi.getAddress()) + "/api/v1",
            "api-key", "pdns-down-key",
            "timeout", "PT60S"));
    return c;
  }

  /** Waits until {@code count} results answer the given commands; returns them in log order. */
  private List<SignerCommandResult> results(int count, SignerCommand... commands) {
    Set<String> ids = new HashSet<>();
    for (SignerCommand c : commands) {
      ids.add(c.getCommandId());
    }
    List<SignerCommandResult> all =
        probe.readUntil(
            TopicCatalog.SIGNER_RESULTS,
            ZONE,
            l -> l.stream().filter(r -> ids.contains(r.getCommandId())).count() >= count,
            PATIENCE);
    List<SignerCommandResult> mine =
        all.stream().filter(r -> ids.contains(r.getCommandId())).toList();
    assertThat(mine).hasSizeGreaterThanOrEqualTo(count);
    return mine;
  }

  /** Every record of the topic up to its end now (all partitions). */
  private <V extends org.apache.avro.specific.SpecificRecord> List<V> readAll(Topic<V> topic) {
    List<V> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          c.partitionsFor(topic.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(topic.valueSerde().decode(r.value()));
        }
      }
    }
    return out;
  }

  private static Set<DNSKEYRecord> served(DnsProvider provider) {
    return new HashSet<>(provider.read(ZoneName.of(ZONE)).dnskeys());
  }

  private static SignerCommand command(String signer, Object command) {
    Envelope envelope =
        new Envelope(UUID.randomUUID().toString(), ZONE, Instant.now(), "writers-test", null, null);
    return new SignerCommand(envelope, ZONE + "#" + UUID.randomUUID(), signer, command);
  }

  static SignerCommand importCommand(String signer, Dnskey key) {
    Envelope envelope =
        new Envelope(UUID.randomUUID().toString(), ZONE, Instant.now(), "writers-test", null, null);
    return new SignerCommand(
        envelope,
        ZONE + "#" + UUID.randomUUID(),
        signer,
        new ImportDnskeys(List.of(new GroupKey("other-signer", KeyRole.ZSK, key)), 10));
  }

  static Dnskey zsk() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      DNSKEYRecord r =
          new DNSKEYRecord(
              Name.fromConstantString(ZONE),
              DClass.IN,
              10,
              DNSKEYRecord.Flags.ZONE_KEY,
              DNSKEYRecord.Protocol.DNSSEC,
              DNSSEC.Algorithm.ECDSAP256SHA256,
              g.generateKeyPair().getPublic());
      return new Dnskey(
          r.getFlags(),
          r.getProtocol(),
          r.getAlgorithm(),
          ByteBuffer.wrap(r.getKey()),
          r.getFootprint());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static DNSKEYRecord record(Dnskey k) {
    byte[] key = new byte[k.getPublicKey().remaining()];
    k.getPublicKey().duplicate().get(key);
    return new DNSKEYRecord(
        Name.fromConstantString(ZONE),
        DClass.IN,
        10,
        k.getFlags(),
        k.getProtocol(),
        k.getAlgorithm(),
        key);
  }

  static String hostPort(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }
}
