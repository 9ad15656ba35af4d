package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.DNSKEY_TTL;
import static dev.multisigner.e2e.E2eWorld.DS_TTL;
import static dev.multisigner.e2e.E2eWorld.PROPAGATION;
import static dev.multisigner.e2e.E2eWorld.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.cli.BogusWatch;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsKeystore;
import dev.multisigner.lab.dns.PdnsKeystore.CryptoKey;
import dev.multisigner.lab.dns.PdnsSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * Issue 5's main acceptance, all real: example.test. is enrolled on Knot + PowerDNS and kept valid
 * through a ZSK roll at Knot (knotc), a ZSK roll at PowerDNS through its API and a KSK roll at
 * PowerDNS through its API, while Unbound is asked, for every ordered pair of providers, for an
 * answer from one provider with the DNSKEY RRset cached from the other (RFC 8901 §5.2). It must
 * never see a bogus answer.
 *
 * <p>The test plays each provider's own operator the way RFC 7583 says a careful one rolls: a new
 * ZSK is published DNSKEY TTL + propagation (+ an import budget) before it signs; a new KSK signs
 * alongside the old one until the parent's DS covers it and the DS TTL has passed. What it proves
 * is that Multisigner's imports, CDS and DS changes land inside those windows at the other provider
 * and at the parent.
 */
class EnrollAndRollE2eTest {

  /** What a provider grants the multi-signer coordination before a pre-published ZSK signs. */
  private static final Duration IMPORT_BUDGET = Duration.ofSeconds(3);

  @TempDir Path dir;

  @Test
  void enrollsAndStaysValidThroughZskRollsAtBothProvidersAndAKskRoll() throws Exception {
    try (E2eWorld w = E2eWorld.start(dir, false)) {
      PdnsSigner pdns = w.lab.pdns(E2eWorld.PDNS);
      KnotSigner knot = w.lab.knot(E2eWorld.KNOT);

      // 1. Enrollment (draft-ietf-dnsop-dnssec-automation §3.1; RFC 8901 §2.1.2, model 2)
      w.enroll();
      assertThat(await(Duration.ofMinutes(2), w::converged))
          .as("converged after enrollment:\n%s\n%s", w.check().render(), audit(w))
          .isTrue();
      Set<Integer> knotKsks = w.ownKsks(knot);
      Set<Integer> pdnsKsks = w.ownKsks(pdns);
      Set<Integer> zsks = w.allZsks();
      assertThat(zsks).hasSize(2);
      assertThat(w.dnskeys(knot)).containsAll(zsks).containsAll(knotKsks);
      assertThat(w.dnskeys(pdns)).containsAll(zsks).containsAll(pdnsKsks);
      Set<Integer> allKsks = new HashSet<>(knotKsks);
      allKsks.addAll(pdnsKsks);
      assertThat(w.parentDsTags()).isEqualTo(allKsks);
      assertCdsIdenticalAndCovering(w, allKsks);
      assertThat(w.check().allValid()).as(w.check().render()).isTrue();

      // 2. ZSK roll at Knot, started by Knot (knotc): imported at PowerDNS before Knot signs
      Set<Integer> before = w.dnskeys(knot);
      new KnotKeystore(knot).rollZsk();
      assertThat(await(Duration.ofSeconds(30), () -> !before.containsAll(w.dnskeys(knot))))
          .isTrue();
      Set<Integer> knotNew = new HashSet<>(w.dnskeys(knot));
      knotNew.removeAll(before);
      assertThat(knotNew).hasSize(1);
      int knotNewZsk = knotNew.iterator().next();
      assertThat(await(Duration.ofSeconds(30), () -> w.soaSignerTags(knot).contains(knotNewZsk)))
          .isTrue();
      // when Knot starts signing with it, PowerDNS has served it for a while
      assertThat(w.dnskeys(pdns)).as(audit(w)).contains(knotNewZsk);

      // 3. ZSK roll at PowerDNS through its API: pre-publish, then sign with the new key
      PdnsKeystore keystore = new PdnsKeystore(pdns);
      CryptoKey oldZsk = active(keystore, "zsk");
      CryptoKey newZsk = keystore.add("zsk", false, true);
      Thread.sleep(DNSKEY_TTL.plus(PROPAGATION).plus(IMPORT_BUDGET).toMillis());
      assertThat(w.dnskeys(knot))
          .as("Knot serves PowerDNS's pre-published ZSK before it signs\n%s", audit(w))
          .contains(newZsk.keyTag());
      keystore.set(newZsk, true, true);
      keystore.set(oldZsk, false, true);
      assertThat(
              await(Duration.ofSeconds(10), () -> w.soaSignerTags(pdns).contains(newZsk.keyTag())))
          .isTrue();

      // 4. KSK roll at PowerDNS through its API (RFC 7583 §3.3.2, double-DS): the new KSK signs
      // alongside the old one until the parent's DS covers it and the DS TTL has passed
      CryptoKey oldKsk = active(keystore, "ksk");
      CryptoKey newKsk = keystore.add("ksk", true, true);
      assertThat(
              await(
                  Duration.ofSeconds(90),
                  () -> w.parentDsTags().containsAll(Set.of(newKsk.keyTag(), oldKsk.keyTag()))))
          .as("the parent holds DS for old and new KSK\n%s", audit(w))
          .isTrue();
      Thread.sleep(DS_TTL.plus(PROPAGATION).plus(PROPAGATION).toMillis());
      keystore.set(oldKsk, false, false);
      keystore.delete(oldKsk);
      Set<Integer> finalKsks = new HashSet<>(knotKsks);
      finalKsks.add(newKsk.keyTag());
      assertThat(await(Duration.ofSeconds(120), () -> w.parentDsTags().equals(finalKsks)))
          .as("the old KSK's DS leaves the parent\n%s", audit(w))
          .isTrue();
      // The two signers' CDS change one command apart (tens of ms): wait for both, then compare.
      assertThat(await(Duration.ofSeconds(30), () -> cdsCovers(w, finalKsks) && cdsIdentical(w)))
          .isTrue();
      assertCdsIdenticalAndCovering(w, finalKsks);
      assertThat(await(Duration.ofSeconds(30), () -> w.check().allValid()))
          .as(w.check().render())
          .isTrue();

      // The proof: Unbound never saw a bogus answer across providers, from the first intent on.
      w.watch.close();
      BogusWatch.Counts counts = w.watch.counts();
      E2eWorld.assertNoBogusOfAnyKind("enroll-and-roll", counts, audit(w));
      assertThat(counts.secure()).as("secure probes across the whole run").isGreaterThan(20);
    }
  }

  private static CryptoKey active(PdnsKeystore keystore, String type) {
    List<CryptoKey> keys =
        keystore.keys().stream().filter(k -> k.keyType().equals(type) && k.active()).toList();
    assertThat(keys).as("active %s keys at PowerDNS", type).hasSize(1);
    return keys.get(0);
  }

  /** RFC 8901 §8 / RFC 9975: identical CDS and CDNSKEY at every signer, one per KSK. */
  private static void assertCdsIdenticalAndCovering(E2eWorld w, Set<Integer> ksks) {
    var knot = w.lab.knot(E2eWorld.KNOT);
    var pdns = w.lab.pdns(E2eWorld.PDNS);
    assertThat(w.rdata(knot, Type.CDS)).isNotEmpty().isEqualTo(w.rdata(pdns, Type.CDS));
    assertThat(w.rdata(knot, Type.CDNSKEY)).isNotEmpty().isEqualTo(w.rdata(pdns, Type.CDNSKEY));
    assertThat(cdsCovers(w, ksks)).as("CDS at knot: %s", w.rdata(knot, Type.CDS)).isTrue();
  }

  private static boolean cdsIdentical(E2eWorld w) {
    var knot = w.lab.knot(E2eWorld.KNOT);
    var pdns = w.lab.pdns(E2eWorld.PDNS);
    return w.rdata(knot, Type.CDS).equals(w.rdata(pdns, Type.CDS))
        && w.rdata(knot, Type.CDNSKEY).equals(w.rdata(pdns, Type.CDNSKEY));
  }

  private static boolean cdsCovers(E2eWorld w, Set<Integer> ksks) {
    Set<Integer> tags = new HashSet<>();
    for (String cds : w.rdata(w.lab.knot(E2eWorld.KNOT), Type.CDS)) {
      tags.add(Integer.parseInt(cds.split(" ")[0]));
    }
    return tags.equals(ksks);
  }

  private static String audit(E2eWorld w) {
    return E2eWorld.render(w.audit());
  }
}
