package dev.multisigner.bench;

import dev.multisigner.checker.CheckReport;
import dev.multisigner.checker.CrossSignerChecker;
import dev.multisigner.checker.ParentEndpoint;
import dev.multisigner.checker.SignerEndpoint;
import dev.multisigner.cli.DemoWorld;
import dev.multisigner.cli.LocalStack;
import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.dns.DnsKeyReader;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Type;

/**
 * {@code multisigner demo}'s world for a benchmark: Knot knot-a, PowerDNS pdns-b, a BIND parent and
 * Unbound from the lab, the three services in one JVM with Demo's properties (plus the benchmark's
 * overrides), example.test. enrolled and converged; then the benchmark's measurement.
 */
final class DemoRun {

  static final String ZONE = "example.test.";

  /** What a benchmark does with the running world. */
  interface Stage {
    void accept(DnsLab lab, LocalStack stack) throws Exception;
  }

  private DemoRun() {}

  /**
   * Starts the world, runs {@code started} (e.g. wiring NOTIFY), enrolls the zone, waits for
   * convergence and runs {@code measure}; prints {@code tag converged=...} lines.
   */
  static void run(
      String tag,
      Map<String, Object> overrides,
      Duration convergeTimeout,
      Stage started,
      Stage measure)
      throws Exception {
    try (Scratch scratch = new Scratch("multisigner-bench-");
        DnsLab lab =
            DnsLab.builder()
                .zone(ZONE)
                .knotSigner("knot-a")
                .pdnsSigner("pdns-b")
                .withParent()
                .withValidator()
                .workDir(scratch.dir().resolve("lab"))
                .start()) {
      System.out.println(tag + " lab_start_ms=" + lab.startupTime().toMillis());
      LocalStack.Settings settings = settings(lab, scratch.dir().resolve("stack"), overrides);
      try (LocalStack stack = LocalStack.start(settings)) {
        started.accept(lab, stack);
        Instant enrolled = Instant.now();
        try (TopicProbe probe = new TopicProbe(stack.bootstrapServers())) {
          probe.send(TopicCatalog.ZONE_INTENTS, ZONE, DemoWorld.enroll(ZONE));
        }
        if (awaitConvergence(lab, convergeTimeout) == null) {
          System.out.println(
              tag + " converged=false converge_timeout_s=" + convergeTimeout.toSeconds());
          return;
        }
        System.out.println(
            tag
                + " converged=true converge_ms="
                + Duration.between(enrolled, Instant.now()).toMillis());
        measure.accept(lab, stack);
      }
    }
  }

  /** The embedded stack with Demo's per-service properties for {@code lab}, plus overrides. */
  static LocalStack.Settings settings(DnsLab lab, Path dataDir, Map<String, Object> overrides) {
    LocalStack.Settings settings = LocalStack.Settings.embedded(dataDir);
    for (Service s : Service.values()) {
      Map<String, Object> p = new HashMap<>(DemoWorld.properties(lab, s));
      p.putAll(overrides);
      settings = settings.withServiceProperties(s, p);
    }
    return settings;
  }

  /** Demo's convergence: the checker finds every case valid and the parent holds both DS. */
  private static Duration awaitConvergence(DnsLab lab, Duration timeout)
      throws InterruptedException {
    CrossSignerChecker checker = new CrossSignerChecker(Duration.ofSeconds(3));
    List<SignerEndpoint> endpoints =
        lab.signers().stream().map(s -> new SignerEndpoint(s.id(), s.dnsAddress())).toList();
    ParentEndpoint parent =
        new ParentEndpoint(lab.parent().dnsAddress(), lab.parent().trustAnchor());
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      CheckReport report = checker.check(ZoneName.of(ZONE), endpoints, parent, Instant.now());
      if (report.allValid() && lab.parent().ds().size() == lab.signers().size()) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      Thread.sleep(500);
    }
    return null;
  }

  /** The key tags {@code signer} serves in its DNSKEY RRset now (empty when it did not answer). */
  static Set<Integer> dnskeyTags(LabSigner signer) {
    return dnskeyTags(signer, ZONE);
  }

  /** The key tags {@code signer} serves in {@code zone}'s DNSKEY RRset now (empty: no answer). */
  static Set<Integer> dnskeyTags(LabSigner signer, String zone) {
    try {
      return new DnsKeyReader(SignerId.of(signer.id()), signer.dnsAddress(), Duration.ofSeconds(2))
          .query(ZoneName.of(zone), Type.DNSKEY).stream()
              .filter(r -> r instanceof DNSKEYRecord)
              .map(r -> ((DNSKEYRecord) r).getFootprint())
              .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    } catch (ProviderException e) {
      return new TreeSet<>();
    }
  }
}
