package dev.multisigner.cli.soak;

import static dev.multisigner.cli.soak.ProviderOperator.await;

import dev.multisigner.cli.BogusWatch;
import dev.multisigner.cli.soak.SoakScenario.Roll;
import dev.multisigner.cli.soak.SoakScenario.Signer;
import dev.multisigner.lab.dns.CrossProviderProbe;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.LabException;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.MultiZoneLab;
import dev.multisigner.lab.dns.UnboundValidator;
import dev.multisigner.lab.kafka.TopicProbe;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Name;

/**
 * Runs one {@link SoakScenario} as one zone of the soak's shared lab (its signers, BIND parent and
 * Unbound validators serve every scenario's zone) against the soak's services: enrolls the zone,
 * waits until it is secure, starts each roll and the join or leave at its second, waits for every
 * event and then for the group to converge ({@link ZoneView#verdict}), with Unbound probing across
 * providers the whole time. A signer is probed only while the parent's delegation can send
 * resolvers there.
 */
final class ScenarioRun {

  /** How the services are reached: the intent topic and the operator API. */
  record Services(TopicProbe log, URI api, Optional<String> authorization) {}

  private final SoakScenario scenario;
  private final MultiZoneLab shared;
  private final DnsLab lab;
  private final Name zone;
  private final Services services;
  private final Duration patience;
  private final ZoneView view;
  private final List<LabSigner> group = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private BogusWatch watch;

  ScenarioRun(SoakScenario scenario, MultiZoneLab shared, Services services, Duration patience) {
    this.scenario = scenario;
    this.shared = shared;
    this.lab = shared.lab();
    this.zone = Name.fromConstantString(scenario.zone());
    this.services = services;
    this.patience = patience;
    this.view = new ZoneView(lab, zone);
  }

  /** The soak's policy: the lab's short TTLs; the DS by DNS UPDATE or left to a CDS scan. */
  static GroupPolicy policy(boolean cdsScan) {
    return GroupPolicy.newBuilder()
        .setModel(SigningModel.MODEL_2)
        .setAlgorithm(13)
        .setDnskeyTtlSeconds((int) ProviderOperator.DNSKEY_TTL.toSeconds())
        .setMaxZoneTtlSeconds((int) ProviderOperator.MAX_ZONE_TTL.toSeconds())
        .setDsTtlSeconds((int) ProviderOperator.DS_TTL.toSeconds())
        .setNsTtlSeconds((int) Soak.NS_TTL.toSeconds())
        .setPropagationDelaySeconds((int) ProviderOperator.PROPAGATION.toSeconds())
        .setParentPropagationDelaySeconds((int) ProviderOperator.PROPAGATION.toSeconds())
        .setParentChannels(List.of(cdsScan ? ParentChannel.CDS_SCAN : ParentChannel.DNS_UPDATE))
        .setNsChannels(List.of(ParentChannel.DNS_UPDATE))
        // four signers mid-roll hold up to eight KSKs; the registry limit is not what is tested
        .setMaxCdsRecords(10)
        .setRetryIntervalSeconds(5)
        .setUnreachableLimitSeconds(600)
        .build();
  }

  SoakResult run() throws InterruptedException {
    long start = System.nanoTime();
    // the zone's own signers, the joiner paused until the delegation names it: the shared
    // signers serve every scenario's zone, but resolvers are only sent to the delegated ones
    List<LabSigner> probed = new ArrayList<>();
    scenario.signers().forEach(s -> probed.add(lab.signer(s.id())));
    if (scenario.joiner() != null) {
      probed.add(lab.signer(scenario.joiner().id()));
    }
    UnboundValidator validator = shared.validator(zone);
    watch =
        new BogusWatch(
            scenario.zone(),
            validator,
            down -> CrossProviderProbe.round(validator, zone, probed, down),
            Duration.ofMillis(2000),
            scenario.joiner() == null ? List.of() : List.of(scenario.joiner().id()));
    CdsScanner scanner =
        scenario.cdsScan()
            ? new CdsScanner(view, () -> List.copyOf(group), ProviderOperator.DS_TTL.toSeconds())
            : null;
    Thread scan = null;
    if (scanner != null) {
      scan = new Thread(() -> scanLoop(scanner), "cds-scan-" + scenario.zone());
      scan.setDaemon(true);
      scan.start();
    }
    Duration secure = null;
    Duration converge = null;
    try {
      for (Signer s : scenario.signers()) {
        group.add(lab.signer(s.id()));
      }
      enroll();
      String why = awaitConverged(patience.multipliedBy(2));
      if (why != null) {
        failures.add("not secure after enrollment: " + why);
      } else {
        secure = since(start);
        long t0 = System.nanoTime();
        runEvents();
        if (failures.isEmpty()) {
          why = awaitConverged(patience.multipliedBy(2));
          if (why != null) {
            failures.add("not converged after the events: " + why);
          } else {
            converge = Duration.ofNanos(System.nanoTime() - t0);
          }
        }
      }
      List<String> bad = badEvents();
      if (!bad.isEmpty()) {
        failures.add("audit: " + bad);
      }
    } catch (RuntimeException e) {
      failures.add("harness: " + e);
    } finally {
      if (scan != null) {
        scan.interrupt();
        scan.join(5000);
      }
      watch.close();
    }
    if (scanner != null && !failures.isEmpty()) {
      failures.set(0, failures.get(0) + " (CDS scan: " + scanner.lastRefusal() + ")");
    }
    BogusWatch.Counts counts = watch.counts();
    if (counts.bogus() > 0) {
      failures.add(0, counts.bogus() + " bogus, e.g. " + counts.bogusSamples().get(0));
    }
    return new SoakResult(scenario, secure, converge, counts, failures.stream().findFirst());
  }

  private void enroll() {
    List<SignerSpec> specs = new ArrayList<>();
    for (Signer s : scenario.signers()) {
      specs.add(spec(s));
    }
    String zone = scenario.zone();
    services
        .log()
        .send(
            TopicCatalog.ZONE_INTENTS,
            zone,
            new ZoneIntent(
                new Envelope(
                    UUID.randomUUID().toString(),
                    zone,
                    Instant.now(),
                    "multisigner-soak",
                    null,
                    null),
                new EnrollZone(specs, policy(scenario.cdsScan()))));
  }

  private SignerSpec spec(Signer s) {
    return new SignerSpec(s.id(), s.knot() ? "knot" : "powerdns", 13, List.of(view.host(s.id())));
  }

  /** Starts every roll and the member change at its second; waits for all; records failures. */
  private void runEvents() throws InterruptedException {
    ProviderOperator operator = new ProviderOperator(view, () -> List.copyOf(group), patience);
    ExecutorService pool = Executors.newCachedThreadPool();
    List<Future<String>> events = new ArrayList<>();
    for (Roll r : scenario.rolls()) {
      events.add(
          pool.submit(
              () -> {
                Thread.sleep(r.atSecond() * 1000L);
                return operator.roll(lab.signer(r.signer()), r.kind());
              }));
    }
    events.add(
        pool.submit(
            () -> {
              Thread.sleep(scenario.memberChangeAtSecond() * 1000L);
              return scenario.joiner() != null ? join() : leave();
            }));
    pool.shutdown();
    if (!pool.awaitTermination(patience.multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS)) {
      pool.shutdownNow();
      failures.add("events did not finish within " + patience.multipliedBy(4));
    }
    for (Future<String> f : events) {
      try {
        String why = f.isDone() ? f.get() : null;
        if (why != null) {
          failures.add(why);
        }
      } catch (java.util.concurrent.ExecutionException e) {
        failures.add("event failed: " + e.getCause());
      }
    }
  }

  private String join() throws IOException, InterruptedException {
    Signer j = scenario.joiner();
    String host = view.host(j.id());
    api(
        "POST",
        "/zones/" + scenario.zone() + "/signers",
        "{\"id\":\"" + j.id() + "\",\"nameservers\":[\"" + host + "\"]}");
    if (!await(patience, () -> view.parentNs().contains(host))) {
      return "join " + j.id() + ": the parent's delegation never named it";
    }
    group.add(lab.signer(j.id()));
    watch.resume(j.id());
    return null;
  }

  private String leave() throws IOException, InterruptedException {
    String id = scenario.leaver();
    String host = view.host(id);
    group.remove(lab.signer(id));
    api("DELETE", "/zones/" + scenario.zone() + "/signers/" + id, null);
    if (!await(patience, () -> !view.parentNs().contains(host))) {
      return "leave " + id + ": the parent's delegation kept it";
    }
    // resolvers may follow the old delegation for its TTL
    Thread.sleep(Soak.NS_TTL.toMillis());
    watch.pause(id);
    return null;
  }

  private void api(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(services.api().resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    services.authorization().ifPresent(a -> request.header("Authorization", a));
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IOException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  private String awaitConverged(Duration timeout) throws InterruptedException {
    String[] why = {"not checked"};
    await(
        timeout,
        () -> {
          try {
            why[0] = view.verdict(List.copyOf(group));
          } catch (LabException | IllegalStateException e) {
            // a query timing out on a loaded machine, or an answer caught mid-change (the
            // checker's "rrset is empty"), is "not yet": keep the last real reason
            if (why[0].equals("not checked")) {
              why[0] = "a query failed: " + e.getMessage();
            }
          }
          return why[0] == null;
        });
    return why[0];
  }

  /**
   * Halts and failed inputs in the zone's audit log; the whole log goes to {@code audit.txt} in the
   * scenario's lab directory, for a failure's investigation.
   */
  private List<String> badEvents() {
    List<ZoneEvent> events =
        services.log().readAll(TopicCatalog.ZONE_EVENTS, scenario.zone(), Duration.ofSeconds(60));
    StringBuilder text = new StringBuilder();
    for (ZoneEvent e : events) {
      text.append(e.getEnvelope().getOccurredAt())
          .append(' ')
          .append(e.getType())
          .append(": ")
          .append(e.getSummary())
          .append('\n');
    }
    try {
      java.nio.file.Files.writeString(
          lab.workDir().resolve("audit-" + scenario.zone() + "txt"), text);
    } catch (IOException e) {
      failures.add("harness: cannot write the audit log: " + e.getMessage());
    }
    return events.stream()
        .filter(e -> e.getType().equals("ZoneHalted") || e.getType().equals("InputFailed"))
        .map(e -> e.getType() + ": " + e.getSummary())
        .toList();
  }

  private void scanLoop(CdsScanner scanner) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        scanner.scan();
        Thread.sleep(2000);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // a scan that fails is retried at the next one, as a parental agent would
      }
    }
  }

  private static Duration since(long nanoTime) {
    return Duration.ofNanos(System.nanoTime() - nanoTime);
  }
}
