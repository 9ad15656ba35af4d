package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.DS_TTL;
import static dev.multisigner.e2e.E2eWorld.KNOT;
import static dev.multisigner.e2e.E2eWorld.PDNS;
import static dev.multisigner.e2e.E2eWorld.PROPAGATION;
import static dev.multisigner.e2e.E2eWorld.ZONE;
import static dev.multisigner.e2e.E2eWorld.await;
import static dev.multisigner.e2e.E2eWorld.secondsSince;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSK signer beside a KSK+ZSK signer in model 2 (RFC 8901 §2.1.2), all real: Knot signs
 * example.test. with one combined signing key, PowerDNS with a KSK and a ZSK. Multisigner imports
 * Knot's CSK into PowerDNS (it signs zone data, so it is a ZSK to every other signer) and the
 * parent's DS covers Knot's CSK and PowerDNS's KSK. Then Knot's operator rolls the CSK ({@code
 * knotc zone-key-rollover <zone> ksk}, RFC 7583 §3.3.3 double-KSK style as Knot does it) and
 * confirms the new DS to Knot ({@code zone-ksk-submitted}) once the parent has held it for the DS
 * TTL; Multisigner imports the new CSK at PowerDNS before it signs zone data, puts its DS at the
 * parent beside the old one, then drops the old DS and withdraws the old CSK from PowerDNS.
 * Unbound, asked across providers the whole time, must never see a bogus answer.
 */
class CskRollE2eTest {

  @TempDir Path dir;

  @Test
  void aKnotCskBesidePowerDnsKskAndZskRollsWithoutABogusAnswer() throws Exception {
    try (E2eWorld w = E2eWorld.start(dir, false, KeyScheme.CSK, List.of())) {
      KnotSigner knot = w.lab.knot(KNOT);
      PdnsSigner pdns = w.lab.pdns(PDNS);

      // 1. Enrollment: Knot's CSK is at PowerDNS, the DS set is Knot's CSK + PowerDNS's KSK.
      w.enroll();
      assertThat(await(Duration.ofMinutes(2), w::converged))
          .as("converged after enrollment:\n%s\n%s", w.check().render(), w.auditText())
          .isTrue();
      Set<Integer> oldCsk = w.ownKsks(knot);
      assertThat(oldCsk).hasSize(1);
      assertThat(w.soaSignerTags(knot)).as("Knot's CSK signs its zone data").isEqualTo(oldCsk);
      assertThat(w.dnskeys(pdns)).containsAll(oldCsk);
      Set<Integer> pdnsKsks = w.ownKsks(pdns);
      assertThat(w.parentDsTags()).isEqualTo(union(oldCsk, pdnsKsks));
      long t0 = System.nanoTime();

      // 2. Knot's operator starts a CSK roll: the new CSK is published first.
      Set<Integer> before = w.dnskeys(knot);
      knot.knotc("zone-key-rollover", ZONE, "ksk");
      assertThat(await(Duration.ofSeconds(30), () -> !before.containsAll(w.dnskeys(knot))))
          .as("Knot publishes a new CSK")
          .isTrue();
      Set<Integer> added = new TreeSet<>(w.dnskeys(knot));
      added.removeAll(before);
      assertThat(added).hasSize(1);
      int newCsk = added.iterator().next();

      // 3. Multisigner imports it at PowerDNS and puts its DS at the parent beside the old one.
      assertThat(
              await(
                  Duration.ofMinutes(2),
                  () ->
                      w.dnskeys(pdns).contains(newCsk)
                          && w.parentDsTags().containsAll(union(oldCsk, Set.of(newCsk)))))
          .as("new CSK at PowerDNS and its DS at the parent:\n%s", w.auditText())
          .isTrue();
      assertThat(w.soaSignerTags(knot))
          .as("the new CSK does not sign zone data before its DS is confirmed")
          .doesNotContain(newCsk);
      double dsPublished = secondsSince(t0);
      // The operator confirms the DS once resolvers can have it (DS TTL + propagation).
      Thread.sleep(DS_TTL.plus(PROPAGATION).plus(PROPAGATION).toMillis());
      knot.knotc("zone-ksk-submitted", ZONE);

      // 4. Knot signs with the new CSK (PowerDNS serves it already), retires the old one; the old
      // DS leaves the parent and the old CSK leaves PowerDNS.
      assertThat(await(Duration.ofSeconds(30), () -> w.soaSignerTags(knot).contains(newCsk)))
          .as("Knot signs with the new CSK")
          .isTrue();
      assertThat(w.dnskeys(pdns)).contains(newCsk);
      Set<Integer> finalDs = union(Set.of(newCsk), pdnsKsks);
      assertThat(
              await(
                  Duration.ofMinutes(3),
                  () ->
                      w.parentDsTags().equals(finalDs)
                          && w.dnskeys(pdns).stream().noneMatch(oldCsk::contains)
                          && w.dnskeys(knot).stream().noneMatch(oldCsk::contains)
                          && w.converged()))
          .as("the old CSK and its DS are gone:\n%s\n%s", w.check().render(), w.auditText())
          .isTrue();
      double done = secondsSince(t0);
      assertThat(w.ownKsks(knot)).containsExactly(newCsk);
      assertThat(E2eWorld.kinds(w.audit())).doesNotContain("ZoneHalted", "InputFailed");

      w.assertNoBogus(
          "CSK roll at Knot beside PowerDNS KSK+ZSK",
          String.format(
              "new DS at the parent %.0f s, old CSK gone %.0f s after the roll's start",
              dsPublished, done),
          20);
    }
  }

  private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
    Set<Integer> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }
}
