package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.KNOT;
import static dev.multisigner.e2e.E2eWorld.NS_TTL;
import static dev.multisigner.e2e.E2eWorld.ZONE;
import static dev.multisigner.e2e.E2eWorld.await;
import static dev.multisigner.e2e.E2eWorld.secondsSince;
import static dev.multisigner.e2e.SignerJoinAndLeaveE2eTest.host;
import static dev.multisigner.e2e.SignerJoinAndLeaveE2eTest.parentNs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.e2e.ModelOneWorld.Validity;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.schemas.avro.SignerSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third member joining a live RFC 8901 model 1 zone and then leaving it, all real and through all
 * services: example.test. runs on two offline-KSK Knots (knot-a, knot-c, each under its own host
 * name) with the owner's KSK held by Multisigner; knot-e, a third offline-KSK Knot, is added
 * through {@code POST /zones/{zone}/signers}: its ZSK comes from its key signing request into the
 * owner-signed RRset of every member, it gets its own SKR, and only then does the delegation name
 * it. Then it is removed through {@code DELETE /zones/{zone}/signers/knot-e}: the delegation drops
 * it first, its ZSK leaves the others' RRsets after that. Unbound probes knot-e while the
 * delegation may send resolvers there, across every pair of members; none may be bogus.
 */
class ModelOneJoinAndLeaveE2eTest {

  private static final String KNOT_C = "knot-c";
  private static final String KNOT_E = "knot-e";

  static final Validity LONG =
      new Validity(Duration.ofMinutes(20), 3, Duration.ofHours(1), Duration.ofMinutes(5));

  @TempDir Path dir;

  @Test
  void aThirdOfflineKskKnotJoinsALiveModelOneZoneAndLeavesIt() throws Exception {
    DnsLab lab = ModelOneWorld.offlineKnots(dir, KNOT, KNOT_C, KNOT_E);
    try (E2eWorld w = ModelOneWorld.start(dir, lab, ModelOneWorld.ownerWiring(dir, LONG))) {
      KnotSigner a = w.lab.knot(KNOT);
      KnotSigner b = w.lab.knot(KNOT_C);
      KnotSigner c = w.lab.knot(KNOT_E);
      BindParent parent = w.lab.parent();
      List<KnotSigner> two = List.of(a, b);
      List<KnotSigner> three = List.of(a, b, c);
      // the members' own host names, outside the zone: the delegation changes by DNS UPDATE
      String aNs = host(parent, KNOT);
      String bNs = host(parent, KNOT_C);
      ModelOneWorld.enrollAndAwaitServed(
          w,
          ModelOneWorld.policy(),
          List.of(
              new SignerSpec(ModelOneWorld.OWNER, "owner-ksk", 13, List.of(aNs)),
              new SignerSpec(KNOT, "knot-offline-ksk", 13, List.of(aNs)),
              new SignerSpec(KNOT_C, "knot-offline-ksk", 13, List.of(bNs))));
      int owner = ModelOneWorld.ownerKsk(dir, LONG).getFootprint();
      assertThat(
              await(
                  Duration.ofMinutes(4),
                  () ->
                      ModelOneWorld.converged(w, owner, two)
                          && parentNs(parent).equals(Set.of(aNs, bNs))))
          .as("model 1 on knot-a + knot-c:\n%s\n%s", w.check(two).render(), w.auditText())
          .isTrue();
      Set<String> nsBefore = parentNs(parent);
      String cNs = host(parent, KNOT_E);

      // 1. knot-e joins: its ZSK into every member's owner-signed RRset, its own SKR, then its NS
      long t0 = System.nanoTime();
      w.sendToApi(
          "POST",
          "/zones/" + ZONE + "/signers",
          "{\"id\":\""
              + KNOT_E
              + "\",\"type\":\"knot-offline-ksk\",\"nameservers\":[\""
              + cNs
              + "\"]}");
      assertThat(await(Duration.ofMinutes(3), () -> parentNs(parent).contains(cNs)))
          .as("the parent's delegation names knot-e:\n%s", w.auditText())
          .isTrue();
      double delegated = secondsSince(t0);
      int cZsk = w.allZsks(List.of(c)).iterator().next();
      assertThat(w.dnskeys(a)).as("knot-e's ZSK at knot-a before its NS").contains(cZsk);
      assertThat(w.dnskeys(b)).as("knot-e's ZSK at knot-c before its NS").contains(cZsk);
      w.watch.resume(KNOT_E);
      assertThat(
              await(
                  Duration.ofMinutes(2),
                  () ->
                      ModelOneWorld.converged(w, owner, three)
                          && E2eWorld.kinds(w.audit()).contains("SignerJoined")))
          .as("three members converged:\n%s\n%s", w.check(three).render(), w.auditText())
          .isTrue();
      double joined = secondsSince(t0);

      // 2. knot-e leaves: the delegation drops it, resolvers may still ask it for the NS TTL,
      // then its ZSK leaves the others' RRsets
      long t1 = System.nanoTime();
      w.sendToApi("DELETE", "/zones/" + ZONE + "/signers/" + KNOT_E, null);
      assertThat(await(Duration.ofMinutes(2), () -> parentNs(parent).equals(nsBefore)))
          .as("the parent's delegation without knot-e:\n%s", w.auditText())
          .isTrue();
      Thread.sleep(NS_TTL.toMillis());
      w.watch.pause(KNOT_E);
      assertThat(
              await(
                  Duration.ofMinutes(3),
                  () ->
                      E2eWorld.kinds(w.audit()).contains("SignerLeft")
                          && two.stream().noneMatch(s -> w.dnskeys(s).contains(cZsk))
                          && ModelOneWorld.converged(w, owner, two)))
          .as("knot-e left, its ZSK withdrawn:\n%s\n%s", w.check(two).render(), w.auditText())
          .isTrue();
      double left = secondsSince(t1);
      assertThat(w.parentDsTags()).containsExactly(owner);
      assertThat(E2eWorld.kinds(w.audit())).doesNotContain("ZoneHalted", "InputFailed");

      w.assertNoBogus(
          "model 1 join+leave (knot-e)",
          String.format(
              "knot-e delegated %.0f s and joined %.0f s after its request; gone %.0f s after"
                  + " its removal",
              delegated, joined, left),
          20);
    }
  }
}
