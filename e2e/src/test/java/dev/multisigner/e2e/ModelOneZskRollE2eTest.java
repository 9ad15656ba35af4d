package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.DNSKEY_TTL;
import static dev.multisigner.e2e.E2eWorld.KNOT;
import static dev.multisigner.e2e.E2eWorld.PROPAGATION;
import static dev.multisigner.e2e.E2eWorld.ZONE;
import static dev.multisigner.e2e.E2eWorld.await;
import static dev.multisigner.e2e.E2eWorld.secondsSince;
import static dev.multisigner.e2e.ModelOneWorld.KNOT_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.e2e.ModelOneWorld.Validity;
import dev.multisigner.lab.dns.KnotSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ZSK roll at one member of an RFC 8901 model 1 zone, all real and through all services: knot-b
 * (Knot in offline-KSK mode) publishes a new ZSK with {@code keymgr}; its key signing request names
 * it, the coordinator has the owner's KSK sign the grown RRset and installs it at both Knots;
 * knot-b then signs with the new ZSK and drops the old one from its request, and the old ZSK leaves
 * the RRset at both Knots only after the signature wait. Unbound probes across the two Knots
 * throughout, with the DNSKEY RRset cached from the other: none may be bogus.
 */
class ModelOneZskRollE2eTest {

  /** Long windows: nothing but the roll changes the RRset during the test. */
  static final Validity LONG =
      new Validity(Duration.ofMinutes(20), 3, Duration.ofHours(1), Duration.ofMinutes(5));

  @TempDir Path dir;

  @Test
  void aZskRollAtOneOfflineKskKnotIsSignedByTheOwnerAndInstalledAtBoth() throws Exception {
    try (E2eWorld w = ModelOneWorld.start(dir, LONG)) {
      ModelOneWorld.enrollAndAwaitServed(w);
      int owner = ModelOneWorld.ownerKsk(dir, LONG).getFootprint();
      assertThat(await(Duration.ofMinutes(2), () -> ModelOneWorld.converged(w, owner)))
          .as("model 1 converged:\n%s\n%s", w.check().render(), w.auditText())
          .isTrue();
      KnotSigner a = w.lab.knot(KNOT);
      KnotSigner b = w.lab.knot(KNOT_B);
      int aZsk = w.soaSignerTags(a).iterator().next();
      int oldZsk = w.soaSignerTags(b).iterator().next();
      long t0 = System.nanoTime();

      // 1. knot-b publishes a new ZSK that does not sign yet
      String created =
          b.keymgr("generate", "ksk=no", "zsk=yes", "publish=+0", "active=+10y").strip();
      int newZsk = zskTag(b, created);
      assertThat(
              await(
                  Duration.ofMinutes(2),
                  () ->
                      w.lab.signers().stream()
                          .allMatch(s -> w.dnskeys(s).equals(tags(owner, aZsk, oldZsk, newZsk)))))
          .as("the new ZSK %d in the owner-signed RRset at both:\n%s", newZsk, w.auditText())
          .isTrue();
      double published = secondsSince(t0);
      assertThat(w.check().allValid()).as(w.check().render()).isTrue();

      // 2. once every cache may hold it, knot-b signs with it and stops asking for the old one
      Thread.sleep(DNSKEY_TTL.plus(PROPAGATION).toMillis());
      long t1 = System.nanoTime();
      b.keymgr("set", created, "active=+0");
      b.keymgr("set", Integer.toString(oldZsk), "retire=+0", "remove=+0");
      b.knotc("zone-keys-load", ZONE);
      assertThat(await(Duration.ofSeconds(30), () -> w.soaSignerTags(b).equals(Set.of(newZsk))))
          .as("knot-b signs with its new ZSK")
          .isTrue();
      // the old ZSK stays while signatures by it may be cached (max zone TTL + propagation)
      Thread.sleep(30_000);
      assertThat(w.dnskeys(a)).as("the old ZSK is still published at knot-a").contains(oldZsk);
      assertThat(
              await(
                  Duration.ofMinutes(3),
                  () ->
                      ModelOneWorld.converged(w, owner)
                          && w.lab.signers().stream()
                              .allMatch(s -> w.dnskeys(s).equals(tags(owner, aZsk, newZsk)))))
          .as(
              "the old ZSK %d withdrawn at both:\n%s\n%s",
              oldZsk, w.check().render(), w.auditText())
          .isTrue();
      double withdrawn = secondsSince(t1);
      assertThat(w.parentDsTags()).containsExactly(owner);
      assertThat(E2eWorld.kinds(w.audit())).doesNotContain("ZoneHalted", "InputFailed");

      w.assertNoBogus(
          "model 1 ZSK roll at knot-b",
          String.format(
              "new ZSK %d published at both %.0f s after keymgr generate; old ZSK %d withdrawn"
                  + " %.0f s after knot-b switched",
              newZsk, published, oldZsk, withdrawn),
          20);
    }
  }

  private static Set<Integer> tags(int... tags) {
    Set<Integer> s = new TreeSet<>();
    for (int t : tags) {
      s.add(t);
    }
    return s;
  }

  /** The tag of the key keymgr created as {@code id} ({@code keymgr list}: "id tag ZSK ..."). */
  private static int zskTag(KnotSigner b, String id) {
    for (String line : b.keymgr("list").split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length > 2 && f[0].equals(id)) {
        return Integer.parseInt(f[1]);
      }
    }
    throw new AssertionError("keymgr list has no key " + id + ": " + b.keymgr("list"));
  }
}
