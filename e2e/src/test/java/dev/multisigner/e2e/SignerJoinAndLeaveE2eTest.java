package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.KNOT;
import static dev.multisigner.e2e.E2eWorld.NS_TTL;
import static dev.multisigner.e2e.E2eWorld.PDNS;
import static dev.multisigner.e2e.E2eWorld.ZONE;
import static dev.multisigner.e2e.E2eWorld.await;
import static dev.multisigner.e2e.E2eWorld.secondsSince;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.lab.metrics.PrometheusScrape;
import dev.multisigner.schemas.avro.SignerSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * A signer joining a live, secure zone and the first signer leaving it, all real, with the
 * delegation changed by DNS UPDATE at the BIND parent (draft-ietf-dnsop-dnssec-automation "Signer
 * joins" and "Signer leaves"; RFC 8901 §2.1.2, model 2): example.test. runs on Knot (knot-a) and
 * PowerDNS (pdns-b), delegated to their own nameserver names; a second PowerDNS (pdns-d) is added
 * through {@code POST /zones/{zone}/signers}, then knot-a is removed through {@code DELETE
 * /zones/{zone}/signers/knot-a}.
 *
 * <p>Unbound probes a signer only while the parent's delegation can send resolvers there: pdns-d
 * from the moment the parent's NS set names it, knot-a until the NS TTL has passed after the
 * parent's NS set dropped it. Every probe caches the DNSKEY RRset from one signer and asks another
 * (RFC 8901 §5.2); none may be bogus.
 */
class SignerJoinAndLeaveE2eTest {

  private static final String PDNS_D = "pdns-d";
  private static final String NS_CHANGES = "multisigner_parent_ns_change_seconds_count";
  private static final String NS_CHANGES_SUM = "multisigner_parent_ns_change_seconds_sum";
  private static final String NS_LAG = "multisigner_parent_ns_lag_seconds";

  @TempDir Path dir;

  @Test
  void aSignerJoinsALiveSecureZoneThenTheFirstLeavesWithTheDelegationByDnsUpdate()
      throws Exception {
    try (E2eWorld w =
        E2eWorld.start(
            dir,
            false,
            KeyScheme.KSK_ZSK,
            List.of(PDNS_D),
            (service, p) -> {
              if (service == Service.SIGNER_COORDINATOR) {
                // the parent's lag metrics are scanned often enough to see a lab change pending
                p.put("multisigner.metrics.scan-interval", "500ms");
              }
            })) {
      KnotSigner knot = w.lab.knot(KNOT);
      PdnsSigner pdnsB = w.lab.pdns(PDNS);
      PdnsSigner pdnsD = w.lab.pdns(PDNS_D);
      BindParent parent = w.lab.parent();
      String knotNs = host(parent, KNOT);
      String pdnsBNs = host(parent, PDNS);
      String pdnsDNs = host(parent, PDNS_D);

      // 1. A secure zone on knot-a + pdns-b, the delegation moved to their names by DNS UPDATE.
      w.enroll(
          E2eWorld.policy(),
          List.of(
              new SignerSpec(KNOT, "knot", 13, List.of(knotNs)),
              new SignerSpec(PDNS, "powerdns", 13, List.of(pdnsBNs))));
      assertThat(
              await(
                  Duration.ofMinutes(3),
                  () ->
                      w.converged(List.of(knot, pdnsB))
                          && parentNs(parent).equals(Set.of(knotNs, pdnsBNs))))
          .as("secure on knot-a + pdns-b:\n%s\n%s", w.check().render(), w.auditText())
          .isTrue();
      long t0 = System.nanoTime();
      PrometheusScrape metrics = w.coordinatorMetrics();
      // the enrollment's own delegation change is counted before the join's is asked
      assertThat(await(Duration.ofSeconds(30), () -> metrics.value(NS_LAG) == 0)).isTrue();
      Thread.sleep(1_000);
      double nsChanges = metrics.value(NS_CHANGES);
      double[] nsLagSeen = {0};

      // 2. pdns-d joins the live zone: its ZSK at the others and its KSK's DS at the parent before
      // the delegation names it; Unbound asks it from then on.
      w.sendToApi(
          "POST",
          "/zones/" + ZONE + "/signers",
          "{\"id\":\"" + PDNS_D + "\",\"nameservers\":[\"" + pdnsDNs + "\"]}");
      assertThat(
              await(
                  Duration.ofMinutes(3),
                  () -> {
                    nsLagSeen[0] = Math.max(nsLagSeen[0], metrics.value(NS_LAG));
                    return parentNs(parent).contains(pdnsDNs);
                  }))
          .as("the parent's delegation names pdns-d:\n%s", w.auditText())
          .isTrue();
      w.watch.resume(PDNS_D);
      double delegated = secondsSince(t0);
      Set<Integer> pdnsDKsks = w.ownKsks(pdnsD);
      Set<Integer> pdnsDZsks = w.allZsks(List.of(pdnsD));
      assertThat(w.parentDsTags())
          .as("pdns-d's DS reached the parent before its NS")
          .containsAll(pdnsDKsks);
      assertThat(w.dnskeys(knot)).containsAll(pdnsDZsks);
      assertThat(w.dnskeys(pdnsB)).containsAll(pdnsDZsks);
      assertThat(
              await(
                  Duration.ofMinutes(2),
                  () ->
                      w.converged(List.of(knot, pdnsB, pdnsD))
                          && E2eWorld.kinds(w.audit()).contains("SignerJoined")))
          .as("three signers converged:\n%s\n%s", w.check().render(), w.auditText())
          .isTrue();
      double joined = secondsSince(t0);
      assertThat(parentNs(parent)).isEqualTo(Set.of(knotNs, pdnsBNs, pdnsDNs));
      double nsChangesJoined = parentNsSettled(metrics, nsChanges, "the join");

      // 3. knot-a, the first signer, leaves: the delegation drops it first; its DS leaves the
      // parent only after the NS TTL (NS-Wait-Time), its keys after that.
      Set<Integer> knotKsks = w.ownKsks(knot);
      Set<Integer> knotZsks = w.allZsks(List.of(knot));
      long t1 = System.nanoTime();
      w.sendToApi("DELETE", "/zones/" + ZONE + "/signers/" + KNOT, null);
      assertThat(
              await(
                  Duration.ofMinutes(2),
                  () -> {
                    nsLagSeen[0] = Math.max(nsLagSeen[0], metrics.value(NS_LAG));
                    return parentNs(parent).equals(Set.of(pdnsBNs, pdnsDNs));
                  }))
          .as("the parent's delegation without knot-a:\n%s", w.auditText())
          .isTrue();
      long nsDropped = System.nanoTime();
      // Resolvers may use the old delegation for its TTL: keep asking knot-a that long, and its DS
      // must stay at the parent meanwhile (NS-Wait-Time before DS removal).
      while (System.nanoTime() - nsDropped < NS_TTL.toNanos()) {
        assertThat(w.parentDsTags())
            .as(
                "knot-a's DS stays while resolvers may still be sent to it (%.1f s after its NS"
                    + " left)\n%s",
                secondsSince(nsDropped), w.auditText())
            .containsAll(knotKsks);
        Thread.sleep(250);
      }
      w.watch.pause(KNOT);
      assertThat(
              await(
                  Duration.ofMinutes(2),
                  () -> w.parentDsTags().stream().noneMatch(knotKsks::contains)))
          .as("knot-a's DS leaves the parent:\n%s", w.auditText())
          .isTrue();
      double dsAfterNs = secondsSince(nsDropped);
      List<PdnsSigner> remaining = List.of(pdnsB, pdnsD);
      assertThat(
              await(
                  Duration.ofMinutes(2),
                  () ->
                      E2eWorld.kinds(w.audit()).contains("SignerLeft")
                          && remaining.stream()
                              .noneMatch(s -> w.dnskeys(s).stream().anyMatch(knotZsks::contains))
                          && w.converged(remaining)))
          .as(
              "knot-a left, its keys withdrawn:\n%s\n%s",
              w.check(remaining).render(), w.auditText())
          .isTrue();
      double left = secondsSince(t1);
      assertThat(w.parentDsTags()).isEqualTo(w.ksks(List.of(pdnsB, pdnsD)));
      assertThat(parentNs(parent)).isEqualTo(Set.of(pdnsBNs, pdnsDNs));
      assertThat(E2eWorld.kinds(w.audit())).doesNotContain("ZoneHalted", "InputFailed");
      parentNsSettled(metrics, nsChangesJoined, "the leave");
      System.out.printf(
          "parent NS changes timed: %.0f, %.1f s in all; largest NS lag scraped %.1f s%n",
          metrics.value(NS_CHANGES), metrics.value(NS_CHANGES_SUM), nsLagSeen[0]);

      w.assertNoBogus(
          "join+leave (DNS UPDATE)",
          String.format(
              "pdns-d delegated %.0f s and joined %.0f s after its request; knot-a's DS left %.1f s"
                  + " after its NS, knot-a gone %.0f s after its request",
              delegated, joined, dsAfterNs, left),
          20);
    }
  }

  /**
   * The coordinator's NS metrics after a delegation change: the change is timed (one more count
   * than before, even when the lab parent completed it within one of the coordinator's 500 ms
   * scans: it is timed at the decision that sees it, not at a scan) and the lag is back to 0.
   */
  private static double parentNsSettled(PrometheusScrape metrics, double before, String what)
      throws InterruptedException {
    assertThat(
            await(
                Duration.ofSeconds(30),
                () -> metrics.value(NS_CHANGES) > before && metrics.value(NS_LAG) == 0))
        .as(
            "%s: its parent NS change timed and the NS lag back to 0 (count was %.0f, now %.0f;"
                + " lag %.1f)",
            what, before, metrics.value(NS_CHANGES), metrics.value(NS_LAG))
        .isTrue();
    return metrics.value(NS_CHANGES);
  }

  static String host(BindParent parent, String signer) {
    return parent.providerNsHost(signer).toString().toLowerCase();
  }

  static Set<String> parentNs(BindParent parent) {
    return parent.ns().stream()
        .map(Name::toString)
        .map(String::toLowerCase)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
