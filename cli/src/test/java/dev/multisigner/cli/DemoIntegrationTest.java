package dev.multisigner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job, for real: Knot and PowerDNS sign example.test., BIND is the parent, Unbound
 * validates; Multisigner enrolls the zone over Kafka and must bring it to a state where every
 * provider's answers validate with every provider's DNSKEY RRset, then follow a Knot ZSK roll.
 */
class DemoIntegrationTest {
  // Unbound is probed across providers (DNSKEY from one, answer from the other) the whole time.

  @TempDir Path dataDir;

  @Test
  void enrollsConvergesValidatesAcrossProvidersAndFollowsAZskRoll() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Demo.Result result =
        new Demo(
                new PrintStream(console, true, StandardCharsets.UTF_8), Duration.ofMinutes(2), true)
            .run(dataDir);
    String printed = console.toString(StandardCharsets.UTF_8);
    result.watch().render().forEach(l -> System.out.println("demo probes: " + l));

    assertThat(result.converged()).as(printed).isTrue();
    assertThat(result.report().allValid()).as(result.report().render()).isTrue();
    // Both ordered pairs, each with SOA, NS, DNSKEY, CDS, CDNSKEY, CSYNC and an absent name.
    assertThat(result.validation())
        .as(printed)
        .hasSize(2 * 7)
        .allSatisfy((pair, verdict) -> assertThat(verdict).as(pair).endsWith(" ad"));
    assertThat(result.validation())
        .containsEntry("DNSKEY from pdns-b, CDS from knot-a", "NOERROR ad")
        .containsEntry("DNSKEY from knot-a, CDS from pdns-b", "NOERROR ad")
        .containsEntry("DNSKEY from knot-a, NXDOMAIN from pdns-b", "NXDOMAIN ad");
    assertThat(result.zskImport()).as(printed).isNotNull();
    assertThat(result.zskSigning()).as(printed).isNotNull().isGreaterThan(result.zskImport());
    // The proof: Unbound never saw a bogus answer, whichever provider's DNSKEY RRset it had
    // cached, from enrollment through the ZSK roll until Knot signed with the new key.
    assertThat(result.watch().bogus()).as(printed).isZero();
    result
        .watch()
        .byType()
        .forEach((kind, c) -> assertThat(c.bogus()).as(kind + "\n" + printed).isZero());
    assertThat(result.watch().of("CDS").secure()).as(printed).isPositive();
    assertThat(result.watch().secure()).as(printed).isPositive();
    assertThat(result.auditTrail())
        .anyMatch(l -> l.startsWith("ZoneEnrolled"))
        .anyMatch(l -> l.startsWith("DsChangeRequested"))
        .anyMatch(l -> l.startsWith("CommandApplied"))
        .anyMatch(l -> l.startsWith("KeyImportRequested") && l.contains("signer=pdns-b"))
        .anyMatch(l -> l.startsWith("KeyImportRequested") && l.contains("signer=knot-a"));
  }
}
