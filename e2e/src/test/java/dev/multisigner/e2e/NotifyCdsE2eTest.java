package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.DS_TTL;
import static dev.multisigner.e2e.E2eWorld.KNOT;
import static dev.multisigner.e2e.E2eWorld.PDNS;
import static dev.multisigner.e2e.E2eWorld.PROPAGATION;
import static dev.multisigner.e2e.E2eWorld.ZONE;
import static dev.multisigner.e2e.E2eWorld.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.cli.BogusWatch;
import dev.multisigner.cli.LocalStack.Service;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsKeystore;
import dev.multisigner.lab.dns.PdnsKeystore.CryptoKey;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.lab.parent.CdsParentAgent;
import dev.multisigner.lab.parent.CdsScanResult;
import dev.multisigner.lab.parent.CdsScanResult.Trigger;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.ParentChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * Issue 15's NOTIFY(CDS) bullet, end to end on real parts: a parent that takes DS changes only from
 * the child's CDS, when notified (RFC 9859), played by the lab's CDS agent in front of BIND. The
 * parent publishes {@code _dsync.test. DSYNC CDS 1 <port> ns.test.}; the ds-publisher has no TSIG
 * key for it and {@code notify-cds} on, so for each DS change it discovers that target and sends
 * NOTIFY(CDS) once both signers serve the requested CDS set; the agent scans both signers, checks
 * them (RFC 7344/8078; an insecure child after a 5 s accept-after-delay, RFC 8078 §3.3) and writes
 * the DS. The zone goes from insecure to secure that way, then through a double-DS KSK roll at
 * PowerDNS (the DS set changes twice). Unbound never sees a bogus answer across providers.
 */
class NotifyCdsE2eTest {

  private static final Duration BOOTSTRAP_DELAY = Duration.ofSeconds(5);

  @TempDir Path dir;

  @Test
  void theDsReachesTheParentOnlyThroughNotifyCdsToItsAgentWithoutABogusAnswer() throws Exception {
    try (E2eWorld w =
        E2eWorld.start(dir, false, KeyScheme.KSK_ZSK, List.of(), NotifyCdsE2eTest::notifyOnly)) {
      KnotSigner knot = w.lab.knot(KNOT);
      PdnsSigner pdns = w.lab.pdns(PDNS);
      BindParent parent = w.lab.parent();
      assertThat(parent.ds()).as("the zone starts insecure").isEmpty();
      try (CdsParentAgent agent =
          CdsParentAgent.forLabChild(
              parent,
              Map.of(
                  Name.fromConstantString("ns1." + ZONE), knot.dnsAddress(),
                  Name.fromConstantString("ns2." + ZONE), pdns.dnsAddress()),
              BOOTSTRAP_DELAY,
              DS_TTL.toSeconds())) {
        agent.listen(Name.fromConstantString("ns." + parent.zone()));
        GroupPolicy policy =
            GroupPolicy.newBuilder(E2eWorld.policy())
                .setParentChannels(List.of(ParentChannel.CDS_SCAN))
                .build();

        // 1. Enrollment: the first DS (insecure -> secure) comes from the agent's bootstrap.
        long t0 = System.nanoTime();
        w.enroll(policy);
        assertThat(await(Duration.ofMinutes(3), w::converged))
            .as(
                "converged after enrollment:\n%s\n%s\n%s",
                w.check().render(), results(agent), audit(w))
            .isTrue();
        double secure = E2eWorld.secondsSince(t0);
        Set<Integer> knotKsks = w.ownKsks(knot);
        Set<Integer> allKsks = w.ksks(List.of(knot, pdns));
        assertThat(w.parentDsTags()).isEqualTo(allKsks);
        assertThat(agent.updates()).as(results(agent)).hasSize(1);

        // 2. KSK roll at PowerDNS (RFC 7583 §3.3.2, double-DS): the new KSK's DS is added ...
        PdnsKeystore keystore = new PdnsKeystore(pdns);
        CryptoKey oldKsk = activeKsk(keystore);
        CryptoKey newKsk = keystore.add("ksk", true, true);
        long t1 = System.nanoTime();
        assertThat(
                await(
                    Duration.ofSeconds(120),
                    () -> w.parentDsTags().containsAll(Set.of(newKsk.keyTag(), oldKsk.keyTag()))))
            .as("the parent holds DS for old and new KSK\n%s\n%s", results(agent), audit(w))
            .isTrue();
        double added = E2eWorld.secondsSince(t1);
        Thread.sleep(DS_TTL.plus(PROPAGATION).plus(PROPAGATION).toMillis());
        // ... and, once the old KSK is gone, the old one's DS leaves
        keystore.set(oldKsk, false, false);
        keystore.delete(oldKsk);
        long t2 = System.nanoTime();
        Set<Integer> finalKsks = new TreeSet<>(knotKsks);
        finalKsks.add(newKsk.keyTag());
        assertThat(await(Duration.ofSeconds(120), () -> w.parentDsTags().equals(finalKsks)))
            .as("the old KSK's DS leaves the parent\n%s\n%s", results(agent), audit(w))
            .isTrue();
        double removed = E2eWorld.secondsSince(t2);
        assertThat(await(Duration.ofSeconds(60), w::converged))
            .as("converged after the KSK roll:\n%s", w.check().render())
            .isTrue();

        // The agent wrote every DS change, each started by a NOTIFY(CDS) (or the bootstrap
        // re-check a NOTIFY started), never by a scan of its own; the parent's log shows no other
        // DS UPDATE, and the ds-publisher had no key to send one with.
        List<CdsScanResult> updates = agent.updates();
        // enrollment, the new KSK's DS, the old one's removal: at least three DS changes
        assertThat(updates).as(results(agent)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(updates).allMatch(r -> r.trigger().byNotify(), "started by a NOTIFY");
        assertThat(updates.get(0).trigger().kind()).isEqualTo(Trigger.Kind.BOOTSTRAP_RECHECK);
        assertThat(updates.subList(1, updates.size()))
            .allMatch(r -> r.trigger().kind() == Trigger.Kind.NOTIFY, "NOTIFY");
        assertThat(agent.results()).noneMatch(r -> r.trigger().kind() == Trigger.Kind.DIRECT);
        assertThat(agent.notifies()).allMatch(n -> n.accepted());
        assertThat(parent.dsUpdatesLogged())
            .as("DS UPDATEs in named's log: the agent's, no other")
            .isEqualTo(updates.size());
        assertThat(E2eWorld.kinds(w.audit())).doesNotContain("ZoneHalted");

        BogusWatch.Counts counts =
            w.assertNoBogus(
                "notify-cds",
                String.format(
                    "secure %.0f s after enrollment, new KSK's DS %.0f s after it was added, old"
                        + " DS gone %.0f s after its key; %d NOTIFY(CDS) received, %d scans, %d DS"
                        + " updates",
                    secure,
                    added,
                    removed,
                    agent.notifies().size(),
                    agent.results().size(),
                    updates.size()),
                20);
        assertThat(counts.secure()).isGreaterThan(20);
      }
    }
  }

  /**
   * The ds-publisher's parent "lab" without its TSIG key (it cannot send an UPDATE) and with
   * NOTIFY(CDS) on; a NOTIFY for the same set is repeated after 5 s at the earliest.
   */
  private static void notifyOnly(Service service, Map<String, Object> p) {
    if (service != Service.DS_PUBLISHER) {
      return;
    }
    String prefix = "multisigner.ds-publisher.parents.lab.";
    p.remove(prefix + "tsig-key-name");
    p.remove(prefix + "tsig-algorithm");
    p.remove(prefix + "tsig-secret");
    p.put(prefix + "notify-cds", true);
    p.put(prefix + "notify-backoff", "500ms");
    p.put("multisigner.ds-publisher.notify-repeat", "5s");
  }

  private static CryptoKey activeKsk(PdnsKeystore keystore) {
    List<CryptoKey> keys =
        keystore.keys().stream().filter(k -> k.keyType().equals("ksk") && k.active()).toList();
    assertThat(keys).as("active KSKs at PowerDNS").hasSize(1);
    return keys.get(0);
  }

  private static String results(CdsParentAgent agent) {
    return agent.results().stream()
        .map(r -> r.at() + " " + r.outcome() + " [" + r.trigger() + "]: " + r.reason())
        .collect(Collectors.joining("\n"));
  }

  private static String audit(E2eWorld w) {
    return E2eWorld.render(w.audit());
  }
}
