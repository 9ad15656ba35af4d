package dev.multisigner.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multisigner.coordinator.CoordinatorApplication;
import dev.multisigner.coordinator.api.ZoneViews.ZoneDetails;
import dev.multisigner.coordinator.api.ZoneViews.ZoneSummary;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.AddSigner;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.KeyRole;
import dev.multisigner.schemas.avro.RemoveSigner;
import dev.multisigner.schemas.avro.RollKey;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.topics.TopicCatalog;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator API on a real Micronaut server in front of the real coordinator (Kafka Streams on
 * the embedded broker): requests become intents on the topic, the zone's state is read back through
 * the API, and every refusal names what was wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZonesApiTest {

  private static final String ZONE = "example.test.";
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private EmbeddedKafka kafka;
  private EmbeddedServer server;
  private HttpClient http;
  private TopicProbe probe;

  @BeforeAll
  void start() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    kafka.createTopics(TopicCatalog.all(), 3);
    Map<String, Object> p = new HashMap<>();
    p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    p.put("micronaut.server.port", -1);
    p.put("micronaut.server.host", "127.0.0.1");
    p.put("multisigner.api.allow-unauthenticated-loopback", true);
    p.put("multisigner.coordinator.state-dir", dir.resolve("streams").toString());
    p.putAll(unreachableSigners());
    server = OperatorAuthenticationTest.coordinator(p);
    http = HttpClient.create(server.getURL());
    probe = new TopicProbe(kafka.bootstrapServers());
    enrollTheZone();
  }

  /**
   * Three configured signers (knot-a, knot-c, pdns-b) that nobody talks to: only the API's
   * enrollment checks read their configuration.
   */
  static Map<String, Object> unreachableSigners() {
    Map<String, Object> p = new HashMap<>();
    for (String id : List.of("knot-a", "knot-c")) {
      p.put("multisigner.signers." + id + ".kind", "rfc2136");
      p.put("multisigner.signers." + id + ".server", "127.0.0.1:9");
      p.put("multisigner.signers." + id + ".tsig-name", id + "-key");
      p.put("multisigner.signers." + id + ".tsig-secret", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0");
    }
    p.put("multisigner.signers.pdns-b.kind", "powerdns");
    p.put("multisigner.signers.pdns-b.api-url", "http://127.0.0.1:9/api/v1");
    p.put("multisigner.signers.pdns-b.api-key", "not-used");
    p.put("multisigner.signers.pdns-b.dns", "127.0.0.1:9");
    return p;
  }

  @AfterAll
  void stop() {
    if (http != null) {
      http.close();
    }
    if (probe != null) {
      probe.close();
    }
    // The services before the broker, or their clients retry until their close timeouts.
    if (server != null) {
      server.getApplicationContext().close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** Enrolls example.test. with defaults for the whole policy, and waits for its state. */
  private IntentAccepted accepted;

  private void enrollTheZone() {
    // Until Streams runs, the API answers 503 "retry shortly" (it checks the store for an existing
    // enrollment): a client retries, and so does this test.
    await().atMost(PATIENCE).until(() -> status("/zones") == 200);
    accepted = enrollAndAwait("Example.Test", "NS2.example.test.");
  }

  private IntentAccepted enrollAndAwait(String zone, String pdnsNameserver) {
    IntentAccepted intent =
        accept(
            HttpRequest.POST(
                "/zones",
                Map.of(
                    "zone",
                    zone,
                    "signers",
                    List.of(signer("knot-a", "ns1." + zone), signer("pdns-b", pdnsNameserver)))));
    await().atMost(PATIENCE).until(() -> status("/zones/" + intent.zone()) == 200);
    return intent;
  }

  @Test
  void anEnrollmentBecomesAnEnrollZoneIntentWithDefaultsKeyedByTheCanonicalZone() {
    assertThat(accepted.zone()).isEqualTo(ZONE);
    assertThat(accepted.intent()).isEqualTo("EnrollZone");
    List<ZoneIntent> intents =
        probe.readUntil(
            TopicCatalog.ZONE_INTENTS,
            ZONE,
            l -> l.stream().anyMatch(i -> isAccepted(i, accepted)),
            PATIENCE);
    ZoneIntent intent = intents.stream().filter(i -> isAccepted(i, accepted)).findFirst().get();
    EnrollZone enroll = (EnrollZone) intent.getIntent();
    assertThat(enroll.getSigners())
        .extracting(s -> s.getSignerId() + "/" + s.getProviderType() + "/" + s.getAlgorithm())
        .containsExactly("knot-a/rfc2136/13", "pdns-b/powerdns/13");
    assertThat(enroll.getSigners().get(1).getNameservers()).containsExactly("ns2.example.test.");
    assertThat(enroll.getPolicy().getAlgorithm()).isEqualTo(13);
    assertThat(enroll.getPolicy().getDnskeyTtlSeconds()).isEqualTo(3600);
    assertThat(enroll.getPolicy().getMaxCdsRecords()).isEqualTo(6);
  }

  @Test
  void theEnrolledZoneIsListedAndShownWithItsSignersJoining() {
    List<ZoneSummary> zones =
        http.toBlocking().retrieve(HttpRequest.GET("/zones"), Argument.listOf(ZoneSummary.class));
    assertThat(zones)
        .filteredOn(z -> z.zone().equals(ZONE))
        .singleElement()
        .satisfies(
            z -> {
              assertThat(z.status()).isEqualTo("ACTIVE");
              assertThat(z.halted()).isFalse();
              assertThat(z.process()).isEqualTo("join");
              assertThat(z.signers())
                  .extracting(s -> s.id() + ":" + s.phase())
                  .containsExactly("knot-a:JOINING", "pdns-b:JOINING");
            });

    ZoneDetails zone =
        http.toBlocking().retrieve(HttpRequest.GET("/zones/example.test"), ZoneDetails.class);
    assertThat(zone.zone()).isEqualTo(ZONE);
    assertThat(zone.haltCause()).isEqualTo("NONE");
    assertThat(zone.policy().algorithm()).isEqualTo(13);
    assertThat(zone.signers())
        .extracting(s -> s.id() + " " + s.phase() + " " + s.nameservers())
        .containsExactly(
            "knot-a JOINING [ns1.example.test.]", "pdns-b JOINING [ns2.example.test.]");
    assertThat(zone.processes())
        .extracting(p -> p.process() + " " + p.signer() + " " + p.step())
        .containsExactly("join knot-a JOINING", "join pdns-b JOINING");
    // in the join since the enrollment; nothing observed yet: no RRSIG, CDS or CDNSKEY tags
    assertThat(zone.processes()).allSatisfy(p -> assertThat(p.since()).isNotNull());
    assertThat(zone.signers())
        .allSatisfy(
            s -> {
              assertThat(s.phaseSince()).isNotNull();
              assertThat(s.dnskeyRrsigTags()).isEmpty();
              assertThat(s.servedCds()).isEmpty();
              assertThat(s.servedCdnskeyTags()).isEmpty();
            });
    assertThat(zone.waitingFor())
        .contains(
            "signer=knot-a joining: its keys are being published at every member",
            "signer=pdns-b joining: its keys are being published at every member");
    assertThat(zone.keys()).isEmpty();
  }

  @Test
  void refusesEnrollmentsThatCannotWorkNamingTheFieldZoneOrSigner() {
    Map<String, Object> knot = signer("knot-a", "ns1.other.test");
    Map<String, Object> pdns = signer("pdns-b", "ns2.other.test");
    assertRefused(
        enroll("bad..zone", List.of(knot, pdns), null),
        400,
        "zone: 'bad..zone' is not a valid domain name");
    assertRefused(
        enroll("exa mple.test", List.of(knot, pdns), null), 400, "'exa mple.test' is not a valid");
    assertRefused(
        enroll("other.test", List.of(), null), 400, "zone=other.test.", "at least two signers");
    assertRefused(enroll("other.test", List.of(knot), null), 400, "at least two signers, got 1");
    assertRefused(
        enroll("other.test", List.of(knot, knot), null),
        400,
        "zone=other.test.",
        "signer knot-a is listed twice");
    assertRefused(
        enroll("other.test", List.of(knot, signer("cloud-z", "ns3.other.test")), null),
        400,
        "signer=cloud-z",
        "no configuration in this deployment",
        "knot-a, knot-c, pdns-b");
    Map<String, Object> pdns15 = with(pdns, "algorithm", 15);
    Map<String, Object> knot13 = with(knot, "algorithm", 13);
    assertRefused(
        enroll("other.test", List.of(knot13, pdns15), null),
        400,
        "algorithm mismatch between signers knot-a (algorithm 13) and pdns-b (algorithm 15)");
    assertRefused(
        enroll("other.test", List.of(knot13, pdns), Map.of("algorithm", 8)),
        400,
        "algorithm mismatch: signer knot-a signs with algorithm 13, the group uses 8");
    assertRefused(
        enroll("other.test", List.of(knot, pdns), Map.of("model", "MODEL_3")),
        400,
        "policy.model: unknown value 'MODEL_3' (known: MODEL_1, MODEL_2)");
    assertRefused(
        enroll("other.test", List.of(knot, pdns), Map.of("model", "model-1")),
        400,
        "zone=other.test.",
        "model 1 needs a KSK holder");
    // model 1: a member other than the holder must take a DNSKEY RRset signed elsewhere
    assertRefused(
        enroll(
            "other.test", List.of(knot, pdns), Map.of("model", "MODEL_1", "kskHolder", "pdns-b")),
        400,
        "zone=other.test.",
        "signer knot-a cannot accept a DNSKEY RRset signed by the KSK holder pdns-b",
        "Knot takes SKRs via keymgr");
    assertRefused(
        enroll("other.test", List.of(knot, signer("pdns-b")), null),
        400,
        "signer=pdns-b",
        "nameservers: at least one is required");
    assertRefused(
        enroll(ZONE, List.of(knot, pdns), null),
        409,
        "zone=example.test.: already enrolled (status ACTIVE, signers knot-a, pdns-b)");
  }

  @Test
  void refusesPolicyInputThatCannotBeMeantNamingTheZoneAndTheField() {
    Map<String, Object> knot = signer("knot-a", "ns1.other.test");
    Map<String, Object> pdns = signer("pdns-b", "ns2.other.test");
    List<Map<String, Object>> both = List.of(knot, pdns);
    for (String field :
        List.of(
            "dnskeyTtlSeconds",
            "maxZoneTtlSeconds",
            "dsTtlSeconds",
            "nsTtlSeconds",
            "propagationDelaySeconds",
            "parentPropagationDelaySeconds",
            "maxCdsRecords",
            "retryIntervalSeconds",
            "unreachableLimitSeconds")) {
      assertRefused(
          enroll("other.test", both, Map.of(field, -1)),
          400,
          "zone=other.test.: policy." + field + ": -1 is negative");
    }
    assertRefused(
        enroll("other.test", both, Map.of("retryIntervalSeconds", 0)),
        400,
        "zone=other.test.: policy.retryIntervalSeconds: 0 is too small");
    assertRefused(
        enroll("other.test", both, Map.of("algorithm", 7)),
        400,
        "zone=other.test.: policy.algorithm: algorithm 7 is not one to sign with");
    assertRefused(
        enroll("other.test", List.of(with(knot, "algorithm", 5), with(pdns, "algorithm", 5)), null),
        400,
        "zone=other.test.: signers[knot-a].algorithm: algorithm 5 is not one to sign with");
    assertRefused(
        enroll("other.test", both, Map.of("digestTypes", List.of(99))),
        400,
        "zone=other.test.: policy.digestTypes: digest type 99 is not one to publish");
    assertRefused(
        enroll("other.test", both, Map.of("digestTypes", List.of(1))),
        400,
        "policy.digestTypes: digest type 1 is not one to publish");
    assertRefused(
        enroll("other.test", both, Map.of("digestTypes", List.of())),
        400,
        "zone=other.test.: policy.digestTypes: at least one is required");
    assertRefused(
        enroll("other.test", List.of(knot, with(pdns, "type", "rfc2136")), null),
        400,
        "zone=other.test. signer=pdns-b: signers[].type: 'rfc2136' is not this signer's"
            + " configured kind 'powerdns'");
    assertRefused(
        enroll("other.test", List.of(with(knot, "tsigSecret", "x"), pdns), null),
        400,
        "zone=other.test: unknown field 'signers[].tsigSecret'");
    assertRefused(
        enroll("other.test", both, Map.of("dnskeyTTL", 60)),
        400,
        "zone=other.test: unknown field 'policy.dnskeyTTL'");
    Map<String, Object> body = new HashMap<>();
    body.put("zone", "other.test");
    body.put("signers", both);
    body.put("polcy", Map.of());
    assertRefused(HttpRequest.POST("/zones", body), 400, "zone=other.test: unknown field 'polcy'");
    assertRefused(
        HttpRequest.POST("/zones/" + ZONE + "/rollovers", Map.of("signer", "knot-a", "rol", "ZSK")),
        400,
        "zone=" + ZONE,
        "unknown field",
        "rol");
    // nothing refused above reached the intents topic
    assertThat(probe.readAll(TopicCatalog.ZONE_INTENTS, "other.test.", PATIENCE)).isEmpty();
  }

  @Test
  void anAliasOfTheConfiguredKindIsTheConfiguredKind() {
    Map<String, Object> knotAlias = with(signer("knot-a", "ns1.alias.test"), "type", "knot");
    IntentAccepted intent =
        accept(
            HttpRequest.POST(
                "/zones",
                Map.of(
                    "zone",
                    "alias.test",
                    "signers",
                    List.of(knotAlias, signer("pdns-b", "ns2.alias.test")))));
    List<ZoneIntent> intents =
        probe.readUntil(
            TopicCatalog.ZONE_INTENTS,
            "alias.test.",
            l -> l.stream().anyMatch(i -> isAccepted(i, intent)),
            PATIENCE);
    EnrollZone enroll =
        (EnrollZone)
            intents.stream().filter(i -> isAccepted(i, intent)).findFirst().get().getIntent();
    assertThat(enroll.getSigners().get(0).getProviderType()).isEqualTo("rfc2136");
  }

  @Test
  void aZoneNeverEnrolledIsNotFoundForEveryZoneEndpoint() {
    String zone = "/zones/never.test";
    assertRefused(HttpRequest.GET(zone), 404, "zone=never.test.: not enrolled");
    assertRefused(HttpRequest.POST(zone + "/resume", Map.of()), 404, "zone=never.test.");
    assertRefused(
        HttpRequest.POST(zone + "/signers", signer("knot-c", "ns3.never.test")),
        404,
        "zone=never.test.");
    assertRefused(HttpRequest.DELETE(zone + "/signers/knot-a"), 404, "zone=never.test.");
    assertRefused(
        HttpRequest.POST(zone + "/rollovers", Map.of("signer", "knot-a", "role", "ZSK")),
        404,
        "zone=never.test.");
  }

  @Test
  void joinLeaveAndRollRequestsBecomeIntentsOnTheEnrolledZone() {
    String zone = "join.test.";
    enrollAndAwait(zone, "ns2.join.test.");
    IntentAccepted add =
        accept(HttpRequest.POST("/zones/join.test/signers", signer("knot-c", "ns3.join.test")));
    IntentAccepted roll =
        accept(
            HttpRequest.POST(
                "/zones/join.test/rollovers", Map.of("signer", "knot-a", "role", "zsk")));
    IntentAccepted remove = accept(HttpRequest.DELETE("/zones/join.test/signers/pdns-b"));
    assertThat(List.of(add.intent(), roll.intent(), remove.intent()))
        .containsExactly("AddSigner", "RollKey", "RemoveSigner");

    List<ZoneIntent> intents =
        probe.readUntil(
            TopicCatalog.ZONE_INTENTS,
            zone,
            l -> l.stream().anyMatch(i -> isAccepted(i, remove)),
            PATIENCE);
    assertThat(intents.stream().filter(i -> isAccepted(i, add)).findFirst().get().getIntent())
        .isInstanceOfSatisfying(
            AddSigner.class, a -> assertThat(a.getSigner().getSignerId()).isEqualTo("knot-c"));
    assertThat(intents.stream().filter(i -> isAccepted(i, roll)).findFirst().get().getIntent())
        .isEqualTo(new RollKey("knot-a", KeyRole.ZSK));
    assertThat(intents.stream().filter(i -> isAccepted(i, remove)).findFirst().get().getIntent())
        .isEqualTo(new RemoveSigner("pdns-b"));
    // The coordinator took the join: the new signer shows in the zone's state.
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                http
                    .toBlocking()
                    .retrieve(HttpRequest.GET("/zones/join.test"), ZoneDetails.class)
                    .signers()
                    .stream()
                    .anyMatch(s -> s.id().equals("knot-c") && s.phase().equals("JOINING")));
  }

  @Test
  void anAlgorithmRollReachesTheDeciderWhichAnswersInTheAuditLog() {
    String zone = "algo.test.";
    enrollAndAwait(zone, "ns2.algo.test.");
    assertRefused(
        HttpRequest.POST("/zones/algo.test/algorithm-rollover", Map.of("operator", "alice")),
        400,
        "zone=algo.test.: algorithm is required");
    assertRefused(
        HttpRequest.POST("/zones/algo.test/algorithm-rollover", Map.of("algorithm", 7)),
        400,
        "algorithm 7 is not one a signer may sign with");
    assertRefused(
        HttpRequest.POST("/zones/algo.test/algorithm-rollover", Map.of("algorithm", 13)),
        409,
        "already signs with algorithm 13");

    IntentAccepted roll =
        accept(
            HttpRequest.POST(
                "/zones/algo.test/algorithm-rollover",
                Map.of("algorithm", 15, "operator", "alice")));
    assertThat(roll.intent()).isEqualTo("RollAlgorithm");
    List<ZoneIntent> intents =
        probe.readUntil(
            TopicCatalog.ZONE_INTENTS,
            zone,
            l -> l.stream().anyMatch(i -> isAccepted(i, roll)),
            PATIENCE);
    assertThat(intents.stream().filter(i -> isAccepted(i, roll)).findFirst().get().getIntent())
        .isEqualTo(new dev.multisigner.schemas.avro.RollAlgorithm(15, "alice"));
    // The signers have not joined yet (nothing observes them here): the decider refuses, by name.
    List<ZoneEvent> events =
        probe.readUntil(
            TopicCatalog.ZONE_EVENTS,
            zone,
            l -> l.stream().anyMatch(e -> e.getSummary().contains("algorithm roll to 15")),
            PATIENCE);
    assertThat(events)
        .filteredOn(e -> e.getSummary().contains("algorithm roll to 15"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("RequestRejected");
              assertThat(e.getSummary()).contains("by alice refused");
            });
  }

  @Test
  void refusesZoneRequestsThatNameNoMemberOrNothingToDo() {
    assertRefused(
        HttpRequest.DELETE("/zones/example.test/signers/knot-z"),
        404,
        "zone=example.test. signer=knot-z: not a member");
    assertRefused(
        HttpRequest.POST(
            "/zones/example.test/rollovers", Map.of("signer", "knot-a", "role", "PSK")),
        400,
        "role: unknown value 'PSK' (known: KSK, ZSK, CSK)");
    assertRefused(
        HttpRequest.POST("/zones/example.test/signers", signer("knot-a", "ns1.example.test")),
        409,
        "signer=knot-a: it is already a member");
    assertRefused(
        HttpRequest.POST("/zones/example.test/resume", Map.of("operator", "alice")),
        409,
        "zone=example.test.: not halted (status ACTIVE)");
  }

  @Test
  void theOpenApiDocumentListsEveryEndpoint() {
    String spec = http.toBlocking().retrieve(HttpRequest.GET(CoordinatorApplication.OPENAPI_PATH));
    assertThat(spec)
        .contains("openapi: 3.")
        .contains("/zones:")
        .contains("/zones/{zone}:")
        .contains("/zones/{zone}/resume:")
        .contains("/zones/{zone}/signers:")
        .contains("/zones/{zone}/signers/{id}:")
        .contains("/zones/{zone}/rollovers:")
        .contains("/zones/{zone}/algorithm-rollover:")
        .contains("EnrollZoneRequest");
  }

  private static Map<String, Object> signer(String id, String... nameservers) {
    return Map.of("id", id, "nameservers", List.of(nameservers));
  }

  /** A copy of {@code map} with one more entry. */
  private static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
    Map<String, Object> copy = new HashMap<>(map);
    copy.put(key, value);
    return copy;
  }

  private static HttpRequest<?> enroll(
      String zone, List<Map<String, Object>> signers, Map<String, Object> policy) {
    Map<String, Object> body = new HashMap<>();
    body.put("zone", zone);
    body.put("signers", signers);
    if (policy != null) {
      body.put("policy", policy);
    }
    return HttpRequest.POST("/zones", body);
  }

  private IntentAccepted accept(HttpRequest<?> request) {
    HttpResponse<IntentAccepted> response =
        http.toBlocking().exchange(request, IntentAccepted.class);
    assertThat(response.code()).isEqualTo(HttpStatus.ACCEPTED.getCode());
    return response.body();
  }

  private void assertRefused(HttpRequest<?> request, int status, String... fragments) {
    try {
      http.toBlocking().exchange(request, String.class);
    } catch (HttpClientResponseException e) {
      assertThat(e.getStatus().getCode()).as(request.getPath()).isEqualTo(status);
      ApiError error = e.getResponse().getBody(ApiError.class).orElseThrow();
      assertThat(error.status()).isEqualTo(status);
      assertThat(error.message()).contains(fragments);
      return;
    }
    throw new AssertionError(request.getMethod() + " " + request.getPath() + " was accepted");
  }

  private int status(String path) {
    try {
      return http.toBlocking().exchange(HttpRequest.GET(path), String.class).code();
    } catch (HttpClientResponseException e) {
      return e.getStatus().getCode();
    }
  }

  private static boolean isAccepted(ZoneIntent intent, IntentAccepted accepted) {
    return intent.getEnvelope().getEventId().equals(accepted.eventId());
  }
}
