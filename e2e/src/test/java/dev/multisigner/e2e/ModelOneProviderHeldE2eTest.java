package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.KNOT;
import static dev.multisigner.e2e.E2eWorld.PDNS;
import static dev.multisigner.e2e.E2eWorld.ZONE;
import static dev.multisigner.e2e.E2eWorld.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.schemas.avro.SignerSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * RFC 8901 model 1 with the KSK held by a provider, all real and through all services: PowerDNS
 * (pdns-b) holds the group's KSK, imports the ZSK of Knot in offline-KSK mode (knot-a) and signs
 * its own DNSKEY RRset with it; that served, signed RRset is what knot-a installs. Both serve the
 * identical RRset with PowerDNS's RRSIG, the parent holds exactly PowerDNS's KSK's DS, the checker
 * is all green, and Unbound probing across the two with the DNSKEY RRset cached from the other sees
 * no bogus answer.
 */
class ModelOneProviderHeldE2eTest {

  @TempDir Path dir;

  @Test
  void powerDnsHoldsTheKskAndAnOfflineKskKnotServesItsSignedRrset() throws Exception {
    DnsLab lab =
        DnsLab.builder()
            .zone(ZONE)
            .knotSigner(KNOT, KeyScheme.OFFLINE_KSK)
            .pdnsSigner(PDNS)
            .withParent()
            .withValidator()
            .workDir(dir.resolve("lab"))
            .start();
    try (E2eWorld w = ModelOneWorld.start(dir, lab, Map.of())) {
      double served =
          ModelOneWorld.enrollAndAwaitServed(
              w,
              ModelOneWorld.policy(PDNS),
              List.of(
                  new SignerSpec(PDNS, "powerdns", 13, List.of("ns2." + ZONE)),
                  new SignerSpec(KNOT, "knot-offline-ksk", 13, List.of("ns1." + ZONE))));
      PdnsSigner pdns = w.lab.pdns(PDNS);
      KnotSigner knot = w.lab.knot(KNOT);
      int holder = w.ownKsks(pdns).iterator().next();
      long t0 = System.nanoTime();
      assertThat(await(Duration.ofMinutes(2), () -> ModelOneWorld.converged(w, holder)))
          .as(
              "model 1 held by PowerDNS (KSK %d):\n%s\n%s",
              holder, w.check().render(), w.auditText())
          .isTrue();
      double secured = E2eWorld.secondsSince(t0);
      assertThat(w.dnskeys(knot)).hasSize(3).isEqualTo(w.dnskeys(pdns));
      assertThat(w.ownKsks(knot)).containsOnly(holder);
      assertThat(w.rdata(knot, Type.CDS)).isNotEmpty().isEqualTo(w.rdata(pdns, Type.CDS));
      assertThat(w.parentDsTags()).containsExactly(holder);
      assertThat(E2eWorld.kinds(w.audit())).doesNotContain("ZoneHalted", "InputFailed");
      // the secure zone probed across the two for a while (a round takes seconds under load)
      assertThat(await(Duration.ofMinutes(2), () -> w.watch.counts().of("CDS").secure() >= 4))
          .as("secure CDS answers across the two: %s", w.watch.counts().render())
          .isTrue();

      w.assertNoBogus(
          "model 1 held by PowerDNS",
          String.format(
              "both served %.0f s after enrollment, converged (DS of PowerDNS's KSK %d only)"
                  + " %.0f s later",
              served, holder, secured),
          20);
    }
  }
}
