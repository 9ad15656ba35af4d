package dev.multisigner.cli;

import dev.multisigner.checker.CheckReport;
import dev.multisigner.checker.CrossSignerChecker;
import dev.multisigner.checker.ParentEndpoint;
import dev.multisigner.checker.SignerEndpoint;
import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.dns.DnsKeyReader;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.SigningModel;
import dev.multisigner.schemas.avro.ZoneIntent;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * {@code multisigner demo --model 1}: RFC 8901 model 1 on this machine. Two Knot signers in
 * offline-KSK mode (knot-a, knot-b) sign example.test. with their own ZSKs; the zone owner's KSK is
 * held by Multisigner ({@code owner-ksk}, a key file in the data directory) and signs the one
 * DNSKEY RRset (owner KSK + both ZSKs) that each Knot installs as an SKR; the BIND parent gets the
 * owner KSK's DS only. Unbound probes across the two Knots once both serve the zone.
 */
final class ModelOneDemo {

  static final String OWNER = "owner";

  private final PrintStream out;
  private final Duration timeout;

  ModelOneDemo(PrintStream out, Duration timeout) {
    this.out = out;
    this.timeout = timeout;
  }

  /** Runs the demo with its data under {@code dataDir}; everything it started is stopped. */
  Demo.Result run(Path dataDir) throws InterruptedException {
    String zone = "example.test.";
    out.println(
        "demo: starting the DNS lab (two Knot signers in offline-KSK mode, BIND parent, Unbound)");
    try (DnsLab lab =
        DnsLab.builder()
            .zone(zone)
            .knotSigner("knot-a", KeyScheme.OFFLINE_KSK)
            .knotSigner("knot-b", KeyScheme.OFFLINE_KSK)
            .withParent()
            .withValidator()
            .workDir(dataDir.resolve("lab"))
            .start()) {
      out.println("demo: lab up in " + lab.startupTime().toMillis() + " ms");
      Map<String, Object> owner =
          LabWiring.ownerKsk(
              OWNER,
              dataDir.resolve("owner-ksk"),
              Duration.ofMinutes(10),
              3,
              Duration.ofHours(1),
              Duration.ofMinutes(5));
      LocalStack.Settings settings = LocalStack.Settings.embedded(dataDir.resolve("stack"));
      for (Service s : Service.values()) {
        Map<String, Object> p = Demo.properties(lab, s);
        p.putAll(owner);
        settings = settings.withServiceProperties(s, p);
      }
      List<String> knots = lab.signers().stream().map(LabSigner::id).toList();
      try (LocalStack stack = LocalStack.start(settings);
          AuditTail audit = new AuditTail(stack.bootstrapServers(), zone, out)) {
        stack.describe().forEach(l -> out.println("demo:   " + l));
        ZoneIntent enroll = enroll(zone);
        Instant started = Instant.now();
        // an offline-KSK Knot serves nothing before its first SKR: probe once both serve
        BogusWatch watch = new BogusWatch(lab, Duration.ofMillis(150), knots);
        audit.intent(enroll);
        out.println(
            "demo: EnrollZone sent for "
                + zone
                + " (model 1: the owner's KSK held by Multisigner, knot-a + knot-b)");

        CrossSignerChecker checker = new CrossSignerChecker(Duration.ofSeconds(3));
        List<SignerEndpoint> endpoints =
            lab.signers().stream().map(s -> new SignerEndpoint(s.id(), s.dnsAddress())).toList();
        ParentEndpoint parent =
            new ParentEndpoint(lab.parent().dnsAddress(), lab.parent().trustAnchor());
        CheckReport report = null;
        boolean converged = false;
        boolean probing = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
          audit.drain();
          if (!probing && lab.signers().stream().allMatch(s -> !dnskeys(s).isEmpty())) {
            knots.forEach(watch::resume);
            probing = true;
            out.println("demo: both Knots serve the zone; Unbound is probed across them from now");
          }
          report = checker.check(ZoneName.of(zone), endpoints, parent, Instant.now());
          if (probing && report.allValid() && oneRrset(lab) && lab.parent().ds().size() == 1) {
            converged = true;
            break;
          }
          Thread.sleep(1000);
        }
        Duration convergence = Duration.between(started, Instant.now());
        audit.drain();
        Map<String, String> validation =
            Demo.printConvergence(out, converged, convergence, report, lab);
        watch.close();
        BogusWatch.Counts counts = watch.counts();
        counts.render().forEach(l -> out.println("demo: Unbound cross-provider probes " + l));
        counts.bogusSamples().forEach(l -> out.println("demo:   bogus: " + l));
        audit.drain();
        return new Demo.Result(
            converged, convergence, report, validation, null, null, counts, audit.lines());
      }
    }
  }

  /** Both Knots serve the same DNSKEY RRset, three keys: the owner's KSK and both ZSKs. */
  private static boolean oneRrset(DnsLab lab) {
    Set<String> first = dnskeys(lab.signers().get(0));
    return first.size() == 3 && lab.signers().stream().allMatch(s -> dnskeys(s).equals(first));
  }

  private static Set<String> dnskeys(LabSigner signer) {
    try {
      return new DnsKeyReader(SignerId.of(signer.id()), signer.dnsAddress(), Duration.ofSeconds(2))
          .query(ZoneName.of(signer.zone().toString()), Type.DNSKEY).stream()
              .filter(r -> r.getType() == Type.DNSKEY)
              .map(Record::rdataToString)
              .collect(Collectors.toCollection(TreeSet::new));
    } catch (ProviderException e) {
      return new TreeSet<>();
    }
  }

  /** The EnrollZone intent: the owner (KSK holder), knot-a (ns1) and knot-b (ns2), model 1. */
  static ZoneIntent enroll(String zone) {
    GroupPolicy policy =
        GroupPolicy.newBuilder(Demo.labPolicy())
            .setModel(SigningModel.MODEL_1)
            .setKskHolder(OWNER)
            .build();
    return new ZoneIntent(
        new Envelope(
            UUID.randomUUID().toString(), zone, Instant.now(), "multisigner-demo", null, null),
        new EnrollZone(
            List.of(
                // the owner serves no DNS; its spec names a serving member's nameserver
                new SignerSpec(OWNER, "owner-ksk", 13, List.of("ns1." + zone)),
                new SignerSpec("knot-a", "knot-offline-ksk", 13, List.of("ns1." + zone)),
                new SignerSpec("knot-b", "knot-offline-ksk", 13, List.of("ns2." + zone))),
            policy));
  }
}
