package dev.multisigner.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multisigner.checker.CheckReport;
import dev.multisigner.checker.CrossSignerChecker;
import dev.multisigner.checker.ParentEndpoint;
import dev.multisigner.checker.SignerEndpoint;
import dev.multisigner.cli.BogusWatch;
import dev.multisigner.cli.LabWiring;
import dev.multisigner.cli.LocalStack;
import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.coordinator.CoordinatorApplication;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.lab.metrics.PrometheusScrape;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.dns.DnsKeyReader;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.ParentChannel;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.SigningModel;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The world an end-to-end test runs in, all real: Knot (knot-a) and PowerDNS (pdns-b) signing
 * example.test., a BIND parent, an Unbound validator probed across providers from the first intent
 * on, the embedded Kafka broker, the key-collector and ds-publisher in this JVM and the
 * signer-coordinator either here or in its own JVM (so a test can SIGKILL it).
 */
final class E2eWorld implements AutoCloseable {

  static final String ZONE = "example.test.";
  static final String KNOT = "knot-a";
  static final String PDNS = "pdns-b";

  /** The lab's timing (DNSKEY TTL 10 s, DS TTL 10 s, zone max TTL 60 s, 2 s propagation). */
  static final Duration DNSKEY_TTL = Duration.ofSeconds(10);

  static final Duration DS_TTL = Duration.ofSeconds(10);
  static final Duration NS_TTL = Duration.ofSeconds(10);
  static final Duration PROPAGATION = Duration.ofSeconds(2);

  final DnsLab lab;
  final LocalStack stack;
  final ServiceProcess coordinator;
  final TopicProbe log;
  final BogusWatch watch;
  private final CrossSignerChecker checker = new CrossSignerChecker(Duration.ofSeconds(3));

  /** A broker the world started itself (the secured one), stopped after the services. */
  private EmbeddedKafka broker;

  private E2eWorld(
      DnsLab lab, LocalStack stack, ServiceProcess coordinator, TopicProbe log, BogusWatch watch) {
    this.lab = lab;
    this.stack = stack;
    this.coordinator = coordinator;
    this.log = log;
    this.watch = watch;
  }

  /**
   * Starts the lab, the broker and the services. With {@code coordinatorProcess} the coordinator
   * (and its signer writers) runs in its own JVM; the Unbound watch starts right away.
   */
  static E2eWorld start(Path dir, boolean coordinatorProcess) {
    return start(dir, coordinatorProcess, KeyScheme.KSK_ZSK, List.of());
  }

  /**
   * As {@link #start(Path, boolean)}, with knot-a signing with {@code knotScheme} and more PowerDNS
   * signers of the zone ({@code spares}, ids the lab parent has host names for) configured in the
   * services but not enrolled, and not probed until the test resumes them in {@link #watch}.
   */
  static E2eWorld start(
      Path dir, boolean coordinatorProcess, KeyScheme knotScheme, List<String> spares) {
    return start(dir, coordinatorProcess, knotScheme, spares, (service, properties) -> {});
  }

  /**
   * As {@link #start(Path, boolean, KeyScheme, List)}, with each service's properties changed by
   * {@code tweak} before it starts (e.g. a parent channel's settings).
   */
  static E2eWorld start(
      Path dir,
      boolean coordinatorProcess,
      KeyScheme knotScheme,
      List<String> spares,
      BiConsumer<Service, Map<String, Object>> tweak) {
    return start(dir, lab(dir, knotScheme, spares), coordinatorProcess, spares, tweak);
  }

  /**
   * The services on a lab the caller started (closed with the world), each service's properties
   * changed by {@code tweak}; the Unbound watch starts at once, not probing through {@code paused}
   * until the test resumes them.
   */
  static E2eWorld start(
      Path dir,
      DnsLab lab,
      boolean coordinatorProcess,
      List<String> paused,
      BiConsumer<Service, Map<String, Object>> tweak) {
    LocalStack stack = null;
    ServiceProcess coordinator = null;
    try {
      LocalStack.Settings settings = LocalStack.Settings.embedded(dir.resolve("stack"));
      for (Service s : Service.values()) {
        Map<String, Object> p = properties(lab, s);
        tweak.accept(s, p);
        settings = settings.withServiceProperties(s, p);
      }
      if (coordinatorProcess) {
        settings = settings.without(Service.SIGNER_COORDINATOR);
      }
      stack = LocalStack.start(settings);
      if (coordinatorProcess) {
        Map<String, Object> p = properties(lab, Service.SIGNER_COORDINATOR);
        p.put("kafka.bootstrap.servers", stack.bootstrapServers());
        p.put("multisigner.coordinator.state-dir", dir.resolve("coordinator-state").toString());
        // a restarted coordinator rejoins its consumer groups as the same static member
        p.put("multisigner.coordinator.instance-id", "e2e-coordinator");
        p.put("multisigner.api.token", "file:" + LocalStack.apiTokenFile(dir.resolve("stack")));
        coordinator =
            ServiceProcess.start(
                "signer-coordinator", CoordinatorApplication.class, dir.resolve("processes"), p);
      }
      BogusWatch watch = new BogusWatch(lab, Duration.ofMillis(150), paused);
      return new E2eWorld(lab, stack, coordinator, new TopicProbe(stack.bootstrapServers()), watch);
    } catch (RuntimeException e) {
      if (stack != null) {
        stack.close();
      }
      lab.close();
      throw e;
    }
  }

  /**
   * Prints the watch's probe counts per kind (SOA, NS, DNSKEY, CDS, CDNSKEY, CSYNC, NODATA,
   * NXDOMAIN) and asserts that no kind saw a bogus answer and that CDS, which a signer signs with
   * its KSK alone, validated across providers (issue 16).
   */
  static void assertNoBogusOfAnyKind(String test, BogusWatch.Counts counts, String context) {
    System.out.println("e2e " + test + ": Unbound cross-provider probes per kind:");
    counts.render().forEach(l -> System.out.println("e2e " + test + ":   " + l));
    counts
        .byType()
        .forEach(
            (kind, c) ->
                assertThat(c.bogus())
                    .as("bogus %s answers: %s\n%s", kind, counts.bogusSamples(), context)
                    .isZero());
    assertThat(counts.bogus()).as("%s\n%s", counts.bogusSamples(), context).isZero();
    assertThat(counts.of("CDS").secure()).as("CDS validated across providers").isPositive();
  }

  /** Knot and PowerDNS signing the zone (and spares), the BIND parent and Unbound. */
  private static DnsLab lab(Path dir, KeyScheme knotScheme, List<String> spares) {
    DnsLab.Builder builder =
        DnsLab.builder()
            .zone(ZONE)
            .knotSigner(KNOT, knotScheme)
            .pdnsSigner(PDNS)
            .withParent()
            .withValidator()
            .workDir(dir.resolve("lab"));
    for (String id : spares) {
      builder.pdnsSigner(id);
    }
    return builder.start();
  }

  /**
   * The lab and the three services in one JVM on a broker whose only client listener is
   * SASL_PLAINTEXT/PLAIN: every Kafka client of every service must pass the credentials.
   */
  static E2eWorld startSecured(Path dir, EmbeddedKafka.SaslUser user) {
    EmbeddedKafka kafka = EmbeddedKafka.startSasl(dir.resolve("kafka-sasl"), 0, user);
    DnsLab lab = null;
    try {
      kafka.createTopics(TopicCatalog.all(), 6);
      lab = lab(dir, KeyScheme.KSK_ZSK, List.of());
      LocalStack.Settings settings =
          LocalStack.Settings.embedded(dir.resolve("stack"))
              .withExternalKafka(kafka.clientSettings());
      for (Service s : Service.values()) {
        settings = settings.withServiceProperties(s, properties(lab, s));
      }
      LocalStack stack = LocalStack.start(settings);
      E2eWorld world =
          new E2eWorld(
              lab, stack, null, new TopicProbe(kafka.clientSettings()), new BogusWatch(lab));
      world.broker = kafka;
      return world;
    } catch (RuntimeException e) {
      if (lab != null) {
        lab.close();
      }
      kafka.close();
      throw e;
    }
  }

  /** Sends the EnrollZone intent: knot-a (ns1) + pdns-b (ns2), model 2, the lab's policy. */
  void enroll() {
    enroll(policy());
  }

  /** Sends the EnrollZone intent for knot-a (ns1) + pdns-b (ns2) under {@code policy}. */
  void enroll(GroupPolicy policy) {
    enroll(
        policy,
        List.of(
            new SignerSpec(KNOT, "knot", 13, List.of("ns1." + ZONE)),
            new SignerSpec(PDNS, "powerdns", 13, List.of("ns2." + ZONE))));
  }

  /** Sends the EnrollZone intent for these signers under {@code policy}. */
  void enroll(GroupPolicy policy, List<SignerSpec> signers) {
    send(new EnrollZone(signers, policy));
  }

  /** Sends one operator intent for the zone, as the API would. */
  void send(Object intent) {
    log.send(
        TopicCatalog.ZONE_INTENTS,
        ZONE,
        new ZoneIntent(
            new Envelope(UUID.randomUUID().toString(), ZONE, Instant.now(), "e2e-test", null, null),
            intent));
  }

  static GroupPolicy policy() {
    return GroupPolicy.newBuilder()
        .setModel(SigningModel.MODEL_2)
        .setAlgorithm(13)
        .setDnskeyTtlSeconds((int) DNSKEY_TTL.toSeconds())
        .setMaxZoneTtlSeconds(60)
        .setDsTtlSeconds((int) DS_TTL.toSeconds())
        .setNsTtlSeconds((int) NS_TTL.toSeconds())
        .setPropagationDelaySeconds((int) PROPAGATION.toSeconds())
        .setParentPropagationDelaySeconds((int) PROPAGATION.toSeconds())
        .setParentChannels(List.of(ParentChannel.DNS_UPDATE))
        .setMaxCdsRecords(6)
        .setRetryIntervalSeconds(3)
        .setUnreachableLimitSeconds(600)
        .build();
  }

  /** Per-service configuration: the signers for collector and writers, the parent for DS. */
  static Map<String, Object> properties(DnsLab lab, Service service) {
    Map<String, Object> p = new HashMap<>(LabWiring.signers(lab));
    p.put("multisigner.collector.poll-interval", "500ms");
    p.put("multisigner.ds-publisher.watch-interval", "1s");
    if (service == Service.DS_PUBLISHER) {
      p.putAll(LabWiring.parent(lab, DS_TTL.toSeconds()));
      // the delegation's TTL at the parent is the policy's NS TTL, which NS-Wait-Time counts on
      p.put("multisigner.ds-publisher.parents.lab.ns-ttl", NS_TTL.toSeconds());
    }
    return p;
  }

  /** The cross-provider checker's report now. */
  CheckReport check() {
    return check(lab.signers());
  }

  /** The cross-provider checker's report now, over these signers. */
  CheckReport check(List<? extends LabSigner> signers) {
    List<SignerEndpoint> endpoints =
        signers.stream().map(s -> new SignerEndpoint(s.id(), s.dnsAddress())).toList();
    return checker.check(
        ZoneName.of(ZONE),
        endpoints,
        new ParentEndpoint(lab.parent().dnsAddress(), lab.parent().trustAnchor()),
        Instant.now());
  }

  /**
   * Converged: every signer serves every signer's ZSK, the parent's DS set is exactly the DS of
   * every signer's KSK, and the checker finds every chain, pair and CDS valid.
   */
  boolean converged() {
    return converged(lab.signers());
  }

  /** {@link #converged()} for a group of these signers (the others are not its members). */
  boolean converged(List<? extends LabSigner> signers) {
    Set<Integer> ksks = ksks(signers);
    Set<Integer> zsks = allZsks(signers);
    return !ksks.isEmpty()
        && parentDsTags().equals(ksks)
        && signers.stream().allMatch(s -> dnskeys(s).containsAll(zsks))
        && check(signers).allValid();
  }

  /** Every ZSK (flags 256) served as its own by some signer (it signs that signer's SOA). */
  Set<Integer> allZsks() {
    return allZsks(lab.signers());
  }

  /** {@link #allZsks()} of these signers. */
  Set<Integer> allZsks(List<? extends LabSigner> signers) {
    Set<Integer> zsks = new TreeSet<>();
    for (LabSigner s : signers) {
      Set<Integer> signing = soaSignerTags(s);
      records(s, Type.DNSKEY).stream()
          .filter(r -> r instanceof DNSKEYRecord k && (k.getFlags() & 1) == 0)
          .map(r -> ((DNSKEYRecord) r).getFootprint())
          .filter(signing::contains)
          .forEach(zsks::add);
    }
    return zsks;
  }

  /** The KSKs that sign these signers' DNSKEY RRsets ({@link #ownKsks}), together. */
  Set<Integer> ksks(List<? extends LabSigner> signers) {
    Set<Integer> ksks = new TreeSet<>();
    for (LabSigner s : signers) {
      ksks.addAll(ownKsks(s));
    }
    return ksks;
  }

  /** KSKs (SEP flag) that sign {@code signer}'s DNSKEY RRset. */
  Set<Integer> ownKsks(LabSigner signer) {
    Set<Integer> signing =
        records(signer, Type.DNSKEY).stream()
            .filter(r -> r instanceof RRSIGRecord)
            .map(r -> ((RRSIGRecord) r).getFootprint())
            .collect(Collectors.toSet());
    return records(signer, Type.DNSKEY).stream()
        .filter(r -> r instanceof DNSKEYRecord k && (k.getFlags() & 1) == 1)
        .map(r -> ((DNSKEYRecord) r).getFootprint())
        .filter(signing::contains)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  Set<Integer> parentDsTags() {
    return lab.parent().ds().stream()
        .map(DSRecord::getFootprint)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Key tags of the DNSKEY RRset {@code signer} serves. */
  Set<Integer> dnskeys(LabSigner signer) {
    return records(signer, Type.DNSKEY).stream()
        .filter(r -> r instanceof DNSKEYRecord)
        .map(r -> ((DNSKEYRecord) r).getFootprint())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Key tags of the RRSIGs over {@code signer}'s SOA: the keys it signs zone data with. */
  Set<Integer> soaSignerTags(LabSigner signer) {
    return records(signer, Type.SOA).stream()
        .filter(r -> r instanceof RRSIGRecord)
        .map(r -> ((RRSIGRecord) r).getFootprint())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The rdata of an RRset (no RRSIGs) as {@code signer} serves it, as text, sorted. */
  Set<String> rdata(LabSigner signer, int type) {
    return records(signer, type).stream()
        .filter(r -> r.getType() == type)
        .map(Record::rdataToString)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The RRset and its RRSIGs; empty when the signer cannot be asked. */
  List<Record> records(LabSigner signer, int type) {
    try {
      return new DnsKeyReader(SignerId.of(signer.id()), signer.dnsAddress(), Duration.ofSeconds(2))
          .query(ZoneName.of(ZONE), type);
    } catch (ProviderException e) {
      return List.of();
    }
  }

  /** The zone's audit events so far (read_committed, from the start of the topic). */
  List<ZoneEvent> audit(java.util.function.Predicate<List<ZoneEvent>> until, Duration timeout) {
    return log.readUntil(TopicCatalog.ZONE_EVENTS, ZONE, until, timeout);
  }

  /** Every audit event of the zone committed so far. */
  List<ZoneEvent> audit() {
    return log.readAll(TopicCatalog.ZONE_EVENTS, ZONE, Duration.ofSeconds(30));
  }

  /** The zone as the coordinator's operator API shows it ({@code GET /zones/{zone}}). */
  JsonNode zoneFromApi() throws IOException, InterruptedException {
    HttpResponse<String> r = api("GET", "/zones/" + ZONE, null);
    if (r.statusCode() != 200) {
      throw new AssertionError(
          "GET /zones/" + ZONE + " answered " + r.statusCode() + ": " + r.body());
    }
    return new ObjectMapper().readTree(r.body());
  }

  /** {@link #zoneFromApi()} for polling lambdas: failures are unchecked. */
  JsonNode zoneView() {
    try {
      return zoneFromApi();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends a change ({@code POST} or {@code DELETE}, {@code json} or null) to the coordinator's
   * operator API, as an operator would; asserts the intent was accepted (202) and returns the
   * answer.
   */
  JsonNode sendToApi(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpResponse<String> r = api(method, path, json);
    if (r.statusCode() != 202) {
      throw new AssertionError(
          method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return new ObjectMapper().readTree(r.body());
  }

  /** The coordinator's {@code /prometheus} page. */
  PrometheusScrape coordinatorMetrics() {
    return new PrometheusScrape(
        coordinator != null
            ? coordinator.url()
            : URI.create(stack.url(Service.SIGNER_COORDINATOR)));
  }

  private HttpResponse<String> api(String method, String path, String json)
      throws IOException, InterruptedException {
    URI base =
        coordinator != null ? coordinator.url() : URI.create(stack.url(Service.SIGNER_COORDINATOR));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    // the stack's token file: the in-JVM coordinator reads it, and so does the process's
    Path token = LocalStack.apiTokenFile(stack.dataDir());
    request.header("Authorization", "Bearer " + Secret.fromFile(token).reveal());
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The zone's audit log so far as text, for assertion messages. */
  String auditText() {
    return render(audit());
  }

  /** The types of these audit events, in order. */
  static List<String> kinds(List<ZoneEvent> events) {
    return events.stream().map(ZoneEvent::getType).toList();
  }

  /**
   * The proof of a test: stops the Unbound watch, prints its counts under {@code label} with the
   * test's own numbers ({@code measured}), and asserts it never saw a bogus answer of any kind
   * across providers ({@link #assertNoBogusOfAnyKind}) and saw more than {@code minSecure} secure
   * ones.
   */
  BogusWatch.Counts assertNoBogus(String label, String measured, int minSecure)
      throws InterruptedException {
    watch.close();
    BogusWatch.Counts counts = watch.counts();
    System.out.println("e2e " + label + ": " + measured);
    assertNoBogusOfAnyKind(label, counts, auditText());
    if (counts.secure() <= minSecure) {
      throw new AssertionError("only " + counts.secure() + " secure answers: " + counts);
    }
    return counts;
  }

  /** Seconds since {@code nanoTime}. */
  static double secondsSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1e9;
  }

  /** Audit lines "Type: summary", for assertion messages. */
  static String render(List<ZoneEvent> events) {
    return events.stream()
        .map(e -> e.getEnvelope().getOccurredAt() + " " + e.getType() + ": " + e.getSummary())
        .collect(Collectors.joining("\n"));
  }

  /** Polls {@code condition} every 250 ms; true when it held before the timeout. */
  static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return true;
        }
      } catch (dev.multisigner.lab.dns.LabException e) {
        // one query a loaded daemon did not answer in time is "not yet"; the last check below
        // lets the failure through if it persists to the deadline
      }
      Thread.sleep(250);
    }
    return condition.getAsBoolean();
  }

  @Override
  public void close() throws Exception {
    try {
      watch.close();
      log.close();
      if (coordinator != null) {
        coordinator.close();
      }
      stack.close();
    } finally {
      try {
        lab.close();
      } finally {
        if (broker != null) {
          broker.close();
        }
      }
    }
  }
}
