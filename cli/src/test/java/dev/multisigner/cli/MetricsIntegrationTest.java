package dev.multisigner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.metrics.PrometheusScrape;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's {@code multisigner_} metrics on /prometheus in a real run: the real coordinator
 * on the embedded broker, its writer for knot-a applying commands to the lab's real Knot, its
 * writer for pdns-b failing against a closed port (retried, then reported failed). Each metric
 * appears and moves as zones enroll, wait in a step, roll a key, wait on the parent's DS, halt, and
 * as a burst of input outruns the coordinator's stream threads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIntegrationTest {

  private static final String ZONE = "example.test.";
  private static final String HALTING = "halting.test.";
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final String TOKEN = "metrics-test-token";

  @TempDir static Path dir;
  private DnsLab lab;
  private CoordinatorWorld world;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    lab = DnsLab.builder().zone(ZONE).knotSigner("knot-a").start();
    Map<String, Object> p = new HashMap<>(LabWiring.signers(lab));
    p.put("multisigner.signers.pdns-b.kind", "powerdns");
    p.put("multisigner.signers.pdns-b.api-url", "http://127.0.0.1:9/api/v1");
    p.put("multisigner.signers.pdns-b.api-key", "not-used");
    p.put("multisigner.signers.pdns-b.dns", "127.0.0.1:9");
    p.put("multisigner.writers.initial-backoff", "10ms");
    p.put("multisigner.writers.max-backoff", "20ms");
    p.put("multisigner.metrics.scan-interval", "500ms");
    p.put("multisigner.api.token", TOKEN);
    world = new CoordinatorWorld(dir, p);
  }

  @AfterAll
  void stop() {
    if (world != null) {
      world.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  /** The sum of the samples of {@code name} whose labels contain every one of {@code labels}. */
  private double value(String name, String... labels) {
    if (metrics == null) {
      metrics = new PrometheusScrape(URI.create(world.coordinatorUrl()));
    }
    return metrics.value(name, labels);
  }

  private PrometheusScrape metrics;

  @Test
  void eachMetricAppearsAndMovesInARealRun() throws Exception {
    assertThat(value("multisigner_writer_queue_depth", "signer=\"knot-a\"")).isEqualTo(0);
    assertThat(
            value("multisigner_writer_commands_total", "signer=\"knot-a\"", "outcome=\"applied\""))
        .isEqualTo(0);

    world.enroll(ZONE);
    // knot-a (real Knot) applies its commands; pdns-b (nothing listens) retries, then fails
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                value(
                        "multisigner_writer_commands_total",
                        "signer=\"knot-a\"",
                        "outcome=\"applied\"")
                    > 0);
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                value(
                            "multisigner_writer_commands_total",
                            "signer=\"pdns-b\"",
                            "outcome=\"failed\"")
                        > 0
                    && value("multisigner_writer_retries_total", "signer=\"pdns-b\"") > 0);
    // zones per process and step, observation age per signer, DS pending at the parent
    await().atMost(PATIENCE).until(() -> value("multisigner_zones", "process=\"join\"") >= 1);
    await()
        .atMost(PATIENCE)
        .until(() -> value("multisigner_observation_age_seconds", "signer=\"pdns-b\"") >= 0);
    await().atMost(PATIENCE).until(() -> value("multisigner_parent_ds_pending") == 1);
    // time in the current step and the parent's DS lag grow while the DS change waits
    await().atMost(PATIENCE).until(() -> value("multisigner_parent_ds_lag_seconds") > 0);
    double dsLag = value("multisigner_parent_ds_lag_seconds");
    double joinAge = value("multisigner_step_age_max_seconds", "process=\"join\"");
    assertThat(joinAge).isPositive();
    await().atMost(PATIENCE).until(() -> value("multisigner_parent_ds_lag_seconds") > dsLag);
    await()
        .atMost(PATIENCE)
        .until(() -> value("multisigner_step_age_max_seconds", "process=\"join\"") > joinAge);
    assertThat(value("multisigner_step_age_max_seconds", "process=\"ds-change\"")).isPositive();
    assertThat(value("multisigner_parent_ds_change_seconds_count")).isEqualTo(0);
    assertThat(value("multisigner_parent_ns_lag_seconds")).isEqualTo(0);
    double ageBefore = value("multisigner_observation_age_seconds", "signer=\"pdns-b\"");
    await()
        .atMost(PATIENCE)
        .until(() -> value("multisigner_observation_age_seconds", "signer=\"pdns-b\"") > ageBefore);

    // a ZSK roll at knot-a: pdns-b is seen serving the new key, the sync latency is recorded
    Dnskey aKsk = TestRecords.key(ZONE + "a.ksk", 257);
    Dnskey aZsk = TestRecords.key(ZONE + "a.zsk", 256);
    Dnskey bKsk = TestRecords.key(ZONE + "b.ksk", 257);
    Dnskey bZsk = TestRecords.key(ZONE + "b.zsk", 256);
    Dnskey aZsk2 = TestRecords.key(ZONE + "a.zsk2", 256);
    // the enrollment's own imports may have been measured already (when a scan saw them pending)
    double count =
        Math.max(0, value("multisigner_key_sync_latency_seconds_count", "signer=\"knot-a\""));
    double sum =
        Math.max(0, value("multisigner_key_sync_latency_seconds_sum", "signer=\"knot-a\""));
    world.observe(ZONE, "knot-a", List.of(aKsk, aZsk, aZsk2, bKsk, bZsk), aKsk, aZsk);
    Thread.sleep(1500); // the new key waits at pdns-b for at least this long
    world.observe(ZONE, "pdns-b", List.of(bKsk, bZsk, aKsk, aZsk, aZsk2), bKsk, bZsk);
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                value("multisigner_key_sync_latency_seconds_count", "signer=\"knot-a\"")
                    == count + 1);
    assertThat(value("multisigner_key_sync_latency_seconds_sum", "signer=\"knot-a\"") - sum)
        .isGreaterThanOrEqualTo(1.5);
    assertThat(value("multisigner_key_sync_latency_seconds_bucket", "signer=\"knot-a\""))
        .isPositive();

    parentDsChangeIsTimed(aKsk, bKsk);
    streamsLagRisesUnderABurstAndFalls();

    // a key-tag collision between two signers halts a zone: counted by its cause
    assertThat(value("multisigner_zones_halted")).isLessThanOrEqualTo(0);
    world.enroll(HALTING);
    Dnskey hKsk = TestRecords.key(HALTING + "a.ksk", 257);
    Dnskey hZsk = TestRecords.key(HALTING + "a.zsk", 256);
    Dnskey collision = collidingZsk(hZsk);
    world.observe(
        HALTING,
        "pdns-b",
        List.of(TestRecords.key(HALTING + "b.ksk", 257), collision),
        TestRecords.key(HALTING + "b.ksk", 257),
        collision);
    await().atMost(PATIENCE).until(() -> value("multisigner_zones_halted") == 1);
    assertThat(value("multisigner_zones", "process=\"halted\"")).isEqualTo(1);
    // labelled with the cause the API shows (the collision, or knot-a refusing a zone it does
    // not serve, whichever the decider saw first)
    String zone =
        http.send(
                HttpRequest.newBuilder(URI.create(world.coordinatorUrl() + "/zones/" + HALTING))
                    .header("Authorization", "Bearer " + TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher cause = Pattern.compile("\"haltCause\":\"(\\w+)\"").matcher(zone);
    assertThat(cause.find()).as(zone).isTrue();
    assertThat(cause.group(1)).isNotEqualTo("NONE");
    assertThat(value("multisigner_zones_halted", "cause=\"" + cause.group(1) + "\"")).isEqualTo(1);
  }

  /**
   * The parent publishes the DS set asked: the DS lag falls to 0 and the completed change is timed.
   */
  private void parentDsChangeIsTimed(Dnskey aKsk, Dnskey bKsk) throws Exception {
    double dsLag = value("multisigner_parent_ds_lag_seconds");
    world.parentDs(ZONE, aKsk, bKsk);
    await().atMost(PATIENCE).until(() -> value("multisigner_parent_ds_change_seconds_count") == 1);
    assertThat(value("multisigner_parent_ds_change_seconds_sum")).isGreaterThanOrEqualTo(dsLag);
    assertThat(value("multisigner_parent_ds_change_seconds_bucket")).isPositive();
    System.out.println(
        "DS change: lag "
            + dsLag
            + " s at the last scrape before the parent had it, completed in "
            + value("multisigner_parent_ds_change_seconds_sum")
            + " s");
    await().atMost(PATIENCE).until(() -> value("multisigner_parent_ds_lag_seconds") == 0);
    assertThat(value("multisigner_parent_ds_pending")).isEqualTo(0);

    // pdns-b's writer never applies (nothing listens), so the join cannot reach its NS change
    // here: the NS lag is on /prometheus at 0 (SignerJoinAndLeaveE2eTest and
    // NsThroughCsyncE2eTest move it in real joins and leaves)
    assertThat(value("multisigner_parent_ns_lag_seconds")).isEqualTo(0);
    assertThat(value("multisigner_parent_ns_change_seconds_count")).isEqualTo(0);
  }

  /**
   * A burst of observations (of a zone nobody enrolled: read and dropped) is written faster than
   * the coordinator's stream threads read it: the Streams lag rises above 0, then falls back to 0.
   * Kafka's own consumer lag metric is on /prometheus as well.
   */
  private void streamsLagRisesUnderABurstAndFalls() throws Exception {
    assertThat(value("multisigner_streams_records_lag")).isEqualTo(0);
    assertThat(value("kafka_consumer_fetch_manager_records_lag_max")).isNotEqualTo(-1);
    String zone = "burst.test.";
    Dnskey k = TestRecords.key(zone + "k", 257);
    byte[] record =
        TopicCatalog.SIGNER_OBSERVATIONS
            .valueSerde()
            .encode(TestRecords.observed(zone, "knot-a", List.of(k), k, k));
    Map<String, Object> settings =
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, world.stack.bootstrapServers());
    // scraped from before the first record is sent: on a quiet machine the stream threads may
    // have read the whole burst by the time the producer's flush returns
    java.util.concurrent.atomic.AtomicReference<Double> max =
        new java.util.concurrent.atomic.AtomicReference<>(0.0);
    java.util.concurrent.atomic.AtomicBoolean scraping =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread scraper =
        new Thread(
            () -> {
              PrometheusScrape own = new PrometheusScrape(URI.create(world.coordinatorUrl()));
              while (scraping.get()) {
                double lag = own.value("multisigner_streams_records_lag");
                max.accumulateAndGet(lag, Math::max);
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "lag-scraper");
    scraper.start();
    double seen;
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < 20_000; i++) {
        producer.send(new ProducerRecord<>(TopicCatalog.SIGNER_OBSERVATIONS.name(), zone, record));
      }
      producer.flush();
      long end = System.nanoTime() + PATIENCE.toNanos();
      while (max.get() == 0 && System.nanoTime() < end) {
        Thread.sleep(50);
      }
    } finally {
      scraping.set(false);
      scraper.join(5_000);
      seen = max.get();
    }
    System.out.println("streams lag seen during a burst of 20000 records: " + seen);
    assertThat(seen).as("lag seen during the burst").isPositive();
    await().atMost(PATIENCE).until(() -> value("multisigner_streams_records_lag") == 0);
  }

  /** Another ZSK with the same key tag (RFC 4034 Appendix B: tags are not unique). */
  private static Dnskey collidingZsk(Dnskey zsk) {
    for (int i = 0; ; i++) {
      Dnskey k = TestRecords.key("collision-" + i, 256);
      if (k.getKeyTag() == zsk.getKeyTag()) {
        return k;
      }
    }
  }
}
