package dev.multisigner.cli;

import dev.multisigner.checker.CheckReport;
import dev.multisigner.checker.CrossSignerChecker;
import dev.multisigner.checker.ParentEndpoint;
import dev.multisigner.checker.SignerEndpoint;
import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.collector.notify.NotifyListener;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.dns.DnsKeyReader;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.ParentChannel;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.SigningModel;
import dev.multisigner.schemas.avro.ZoneIntent;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Type;

/**
 * The main job: a real multi-signer world on this machine (Knot and PowerDNS signing one zone, a
 * BIND parent, an Unbound validator), the embedded Kafka broker and the three services. It enrolls
 * the zone, lets Multisigner cross-import the ZSKs, publish CDS and put both DS records at the
 * parent, then proves with Unbound that answers (SOA, NS, DNSKEY, CDS, CDNSKEY, CSYNC, denial of
 * existence) validate whichever provider's DNSKEY RRset is cached, and (optionally) that a Knot ZSK
 * rollover is followed by an import into PowerDNS.
 */
public final class Demo {

  /** What the demo measured. */
  public record Result(
      boolean converged,
      Duration convergence,
      CheckReport report,
      Map<String, String> validation,
      Duration zskImport,
      Duration zskSigning,
      BogusWatch.Counts watch,
      List<String> auditTrail) {

    /** True when every cross-provider case (every kind of probe) validated with the AD flag. */
    public boolean allSecure() {
      return !validation.isEmpty() && validation.values().stream().allMatch(v -> v.endsWith(" ad"));
    }
  }

  private final PrintStream out;
  private final Duration timeout;
  private final boolean rollZsk;

  public Demo(PrintStream out, Duration timeout, boolean rollZsk) {
    this.out = out;
    this.timeout = timeout;
    this.rollZsk = rollZsk;
  }

  /** Runs the demo with its data under {@code dataDir}; everything it started is stopped. */
  public Result run(Path dataDir) throws InterruptedException {
    String zone = "example.test.";
    out.println("demo: starting the DNS lab (Knot signer, PowerDNS signer, BIND parent, Unbound)");
    try (DnsLab lab =
        DnsLab.builder()
            .zone(zone)
            .knotSigner("knot-a")
            .pdnsSigner("pdns-b")
            .withParent()
            .withValidator()
            .workDir(dataDir.resolve("lab"))
            .start()) {
      out.println("demo: lab up in " + lab.startupTime().toMillis() + " ms");
      LocalStack.Settings settings = LocalStack.Settings.embedded(dataDir.resolve("stack"));
      for (Service s : Service.values()) {
        settings = settings.withServiceProperties(s, properties(lab, s));
      }
      try (LocalStack stack = LocalStack.start(settings);
          AuditTail audit = new AuditTail(stack.bootstrapServers(), zone, out)) {
        stack.describe().forEach(l -> out.println("demo:   " + l));
        out.println(
            "demo: knot-a sends NOTIFY to the key-collector at "
                + LabWiring.hostPort(wireNotify(lab, stack))
                + " (PowerDNS is polled)");
        ZoneIntent enroll = enroll(zone);
        Instant started = Instant.now();
        BogusWatch watch = new BogusWatch(lab);
        audit.intent(enroll);
        out.println("demo: EnrollZone sent for " + zone + " (knot-a + pdns-b, model 2)");
        out.println("demo: Unbound is probed across providers for bogus answers from now on");

        CrossSignerChecker checker = new CrossSignerChecker(Duration.ofSeconds(3));
        List<SignerEndpoint> endpoints =
            lab.signers().stream().map(s -> new SignerEndpoint(s.id(), s.dnsAddress())).toList();
        ParentEndpoint parent =
            new ParentEndpoint(lab.parent().dnsAddress(), lab.parent().trustAnchor());
        CheckReport report = null;
        boolean converged = false;
        ZoneProgress progress =
            new ZoneProgress(
                stack.url(Service.SIGNER_COORDINATOR),
                stack.apiAuthorization(),
                zone,
                out,
                java.time.Clock.systemUTC());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
          audit.drain();
          progress.print();
          report = checker.check(ZoneName.of(zone), endpoints, parent, Instant.now());
          if (report.allValid() && lab.parent().ds().size() == lab.signers().size()) {
            converged = true;
            break;
          }
          Thread.sleep(1000);
        }
        Duration convergence = Duration.between(started, Instant.now());
        audit.drain();
        Map<String, String> validation =
            Demo.printConvergence(out, converged, convergence, report, lab);
        Roll roll = converged && rollZsk ? rollKnotZsk(lab, audit) : null;
        Duration signing = roll == null || roll.newTag() == null ? null : awaitSigning(lab, roll);
        watch.close();
        BogusWatch.Counts counts = watch.counts();
        out.println(
            "demo: Unbound cross-provider probes: "
                + counts.probes()
                + " total, "
                + counts.secure()
                + " secure, "
                + counts.insecure()
                + " insecure (before the DS), "
                + counts.bogus()
                + " bogus; per kind:");
        counts.byType().forEach((kind, c) -> out.println("demo:   " + kind + ": " + c));
        counts.bogusSamples().forEach(l -> out.println("demo:   bogus: " + l));
        audit.drain();
        return new Result(
            converged,
            convergence,
            report,
            validation,
            roll == null ? null : roll.imported(),
            signing,
            counts,
            audit.lines());
      }
    }
  }

  /** A ZSK roll at knot-a: the new key's tag and when pdns-b served it. */
  /**
   * Prints whether the zone converged, after how long, the checker's last report, and (once
   * converged) Unbound's verdict per signer; returns those verdicts.
   */
  static Map<String, String> printConvergence(
      PrintStream out, boolean converged, Duration convergence, CheckReport report, DnsLab lab) {
    out.println(
        "demo: "
            + (converged ? "converged" : "did NOT converge")
            + " after "
            + convergence.toMillis()
            + " ms");
    if (report != null) {
      out.println(report.render());
    }
    Map<String, String> validation = converged ? BogusWatch.round(lab) : Map.of();
    validation.forEach((k, v) -> out.println("demo: unbound " + k + " -> " + v));
    return validation;
  }

  private record Roll(Instant started, Duration imported, Integer newTag) {}

  private Roll rollKnotZsk(DnsLab lab, AuditTail audit) throws InterruptedException {
    KnotSigner knot = lab.knot("knot-a");
    PdnsSigner pdns = lab.pdns("pdns-b");
    Set<Integer> before = dnskeyTags(pdns);
    out.println("demo: rolling knot-a's ZSK (knotc zone-key-rollover zsk)");
    Instant t0 = Instant.now();
    new KnotKeystore(knot).rollZsk();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Set<Integer> now = dnskeyTags(pdns);
      if (!before.containsAll(now)) {
        Duration took = Duration.between(t0, Instant.now());
        now.removeAll(before);
        out.println(
            "demo: knot-a's new ZSK "
                + now
                + " served by pdns-b "
                + took.toMillis()
                + " ms after the roll started");
        audit.drain();
        return new Roll(t0, took, now.iterator().next());
      }
      Thread.sleep(100);
    }
    out.println("demo: the new ZSK did not reach pdns-b within 60 s");
    return new Roll(t0, null, null);
  }

  /**
   * Waits (while the bogus watch keeps probing) until knot-a signs its zone data with the new ZSK:
   * the moment a missing import would break validation (RFC 8901 §6; Knot's pre-publication is
   * propagation-delay + DNSKEY TTL).
   */
  private Duration awaitSigning(DnsLab lab, Roll roll) throws InterruptedException {
    KnotSigner knot = lab.knot("knot-a");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (soaSignerTags(knot).contains(roll.newTag())) {
        Duration took = Duration.between(roll.started(), Instant.now());
        out.println(
            "demo: knot-a signs with the new ZSK "
                + roll.newTag()
                + " "
                + took.toMillis()
                + " ms after the roll started");
        Thread.sleep(2000);
        return took;
      }
      Thread.sleep(200);
    }
    out.println("demo: knot-a did not sign with the new ZSK within 60 s");
    return null;
  }

  private static Set<Integer> soaSignerTags(LabSigner signer) {
    try {
      return new DnsKeyReader(SignerId.of(signer.id()), signer.dnsAddress(), Duration.ofSeconds(2))
          .query(ZoneName.of(signer.zone().toString()), Type.SOA).stream()
              .filter(r -> r instanceof RRSIGRecord)
              .map(r -> ((RRSIGRecord) r).getFootprint())
              .collect(Collectors.toCollection(java.util.TreeSet::new));
    } catch (ProviderException e) {
      return new java.util.TreeSet<>();
    }
  }

  private static Set<Integer> dnskeyTags(LabSigner signer) {
    try {
      return new DnsKeyReader(SignerId.of(signer.id()), signer.dnsAddress(), Duration.ofSeconds(2))
          .query(ZoneName.of(signer.zone().toString()), Type.DNSKEY).stream()
              .filter(r -> r instanceof DNSKEYRecord)
              .map(r -> ((DNSKEYRecord) r).getFootprint())
              .collect(Collectors.toCollection(java.util.TreeSet::new));
    } catch (ProviderException e) {
      return new java.util.TreeSet<>();
    }
  }

  /**
   * Points knot-a's NOTIFY (Knot 3.2 sends it over TCP) and pdns-b's (UDP, on serial changes only:
   * its key changes move no serial) at the key-collector's NOTIFY listener, which picked a free
   * port at start; returns that address.
   */
  static InetSocketAddress wireNotify(DnsLab lab, LocalStack stack) {
    InetSocketAddress target =
        stack.context(Service.KEY_COLLECTOR).getBean(NotifyListener.class).address();
    lab.knot("knot-a").setNotifyTarget(target);
    lab.pdns("pdns-b").setNotifyTarget(target);
    return target;
  }

  /** Per-service configuration: signers for collector and writers, the parent for ds-publisher. */
  static Map<String, Object> properties(DnsLab lab, Service service) {
    Map<String, Object> p = new HashMap<>(LabWiring.signers(lab));
    p.put("multisigner.collector.poll-interval", "500ms");
    p.put("multisigner.ds-publisher.watch-interval", "1s");
    if (service == Service.KEY_COLLECTOR) {
      p.put("multisigner.collector.notify.enabled", true);
      p.put("multisigner.collector.notify.address", "127.0.0.1");
      p.put("multisigner.collector.notify.port", 0);
    }
    if (service == Service.DS_PUBLISHER) {
      p.putAll(LabWiring.parent(lab, 60));
    }
    return p;
  }

  /** The lab's policy: DNSKEY TTL 10 s, zone max TTL 60 s, DS/NS TTL 60 s, short delays. */
  static GroupPolicy labPolicy() {
    return GroupPolicy.newBuilder()
        .setModel(SigningModel.MODEL_2)
        .setAlgorithm(13)
        .setDnskeyTtlSeconds(10)
        .setMaxZoneTtlSeconds(60)
        .setDsTtlSeconds(60)
        .setNsTtlSeconds(60)
        .setPropagationDelaySeconds(2)
        .setParentPropagationDelaySeconds(2)
        .setParentChannels(List.of(ParentChannel.DNS_UPDATE))
        .setMaxCdsRecords(6)
        .setRetryIntervalSeconds(5)
        .setUnreachableLimitSeconds(600)
        .build();
  }

  /** Demo's EnrollZone intent: knot-a (ns1) and pdns-b (ns2) under {@link #labPolicy()}. */
  static ZoneIntent enroll(String zone) {
    GroupPolicy policy = labPolicy();
    return new ZoneIntent(
        new Envelope(
            UUID.randomUUID().toString(), zone, Instant.now(), "multisigner-demo", null, null),
        new EnrollZone(
            List.of(
                new SignerSpec("knot-a", "knot", 13, List.of("ns1." + zone)),
                new SignerSpec("pdns-b", "powerdns", 13, List.of("ns2." + zone))),
            policy));
  }
}
