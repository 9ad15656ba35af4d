package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.KNOT;
import static dev.multisigner.e2e.E2eWorld.PDNS;
import static dev.multisigner.e2e.E2eWorld.ZONE;
import static dev.multisigner.e2e.E2eWorld.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multisigner.cli.BogusWatch;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.lab.parent.CsyncParentAgent;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.ParentChannel;
import dev.multisigner.schemas.avro.RemoveSigner;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.ZoneEvent;
import java.net.InetSocketAddress;
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
import org.xbill.DNS.Type;

/**
 * Issue 3's NS/CSYNC sync, end to end on real parts: a parent that takes NS changes only from CSYNC
 * (RFC 7477), played by the lab's CSYNC agent in front of BIND (it acts only when every delegated
 * nameserver serves the same validated CSYNC and NS set, RFC 9975 style). The zone's delegation
 * moves from the lab's ns1/ns2 to the signers' own names at enrollment
 * (draft-ietf-dnsop-dnssec-automation "Signer joins" steps 9-13), a second PowerDNS (pdns-d) joins
 * the live, secure zone through the operator API and its name reaches the delegation the same way,
 * then pdns-b leaves ("Signer leaves" steps 1-10). The ds-publisher never writes the NS set;
 * Unbound never sees a bogus answer, its cached DNSKEY RRset from one provider and the answer from
 * the other, and asks pdns-d only once the parent's delegation names it.
 */
class NsThroughCsyncE2eTest {

  private static final String PDNS_D = "pdns-d";

  @TempDir Path dir;

  @Test
  void theDelegationFollowsJoinAndLeaveThroughCsyncWithoutABogusAnswer() throws Exception {
    try (E2eWorld w = E2eWorld.start(dir, false, KeyScheme.KSK_ZSK, List.of(PDNS_D))) {
      KnotSigner knot = w.lab.knot(KNOT);
      PdnsSigner pdns = w.lab.pdns(PDNS);
      PdnsSigner pdnsD = w.lab.pdns(PDNS_D);
      BindParent parent = w.lab.parent();
      Name knotNs = parent.providerNsHost(KNOT);
      Name pdnsNs = parent.providerNsHost(PDNS);
      Name pdnsDNs = parent.providerNsHost(PDNS_D);
      Map<Name, InetSocketAddress> where =
          Map.of(
              Name.fromConstantString("ns1." + ZONE),
              knot.dnsAddress(),
              Name.fromConstantString("ns2." + ZONE),
              pdns.dnsAddress(),
              knotNs,
              knot.dnsAddress(),
              pdnsNs,
              pdns.dnsAddress(),
              pdnsDNs,
              pdnsD.dnsAddress());
      Set<String> both = names(knotNs, pdnsNs);
      Set<String> all = names(knotNs, pdnsNs, pdnsDNs);
      Set<String> remaining = names(knotNs, pdnsDNs);
      assertThat(parentNs(parent))
          .isEqualTo(names(new Name("ns1." + ZONE), new Name("ns2." + ZONE)));

      try (CsyncParentAgent agent = CsyncParentAgent.forLabChild(parent, where)) {
        agent.start(Duration.ofSeconds(1));
        GroupPolicy policy =
            GroupPolicy.newBuilder(E2eWorld.policy())
                .setNsChannels(List.of(ParentChannel.CSYNC_SCAN))
                .setNsTtlSeconds(10)
                .build();

        // 1. Enrollment: keys and DS first, then the signers' NS set at both, CSYNC at both, the
        // parent's scanner copies the set, CSYNC leaves both signers.
        w.enroll(
            policy,
            List.of(
                new SignerSpec(KNOT, "knot", 13, List.of(knotNs.toString())),
                new SignerSpec(PDNS, "powerdns", 13, List.of(pdnsNs.toString()))));
        assertThat(
                await(
                    Duration.ofMinutes(3),
                    () ->
                        w.converged(List.of(knot, pdns))
                            && parentNs(parent).equals(both)
                            && noCsync(w, knot)
                            && noCsync(w, pdns)))
            .as("delegation moved through CSYNC:\n%s\n%s", w.check().render(), audit(w))
            .isTrue();
        assertThat(apexNs(w, knot)).isEqualTo(both);
        assertThat(apexNs(w, pdns)).isEqualTo(both);
        List<ZoneEvent> events = w.audit();
        assertThat(kinds(events))
            .contains(
                "NsPublicationRequested",
                "CsyncPublicationRequested",
                "NsChangeRequested",
                "ParentNsChanged",
                "CsyncWithdrawalRequested")
            .doesNotContain("DsPublicationFailed", "ZoneHalted");
        // The decider's order: from the first CSYNC until the parent's scanner copied the set, no
        // signer was asked to change its NS (a scanner must never copy a set in flux).
        List<String> k = kinds(events);
        int firstCsync = k.indexOf("CsyncPublicationRequested");
        int copied = indexAfter(k, "ParentNsChanged", firstCsync);
        assertThat(firstCsync).isNotNegative();
        assertThat(copied).isGreaterThan(firstCsync);
        assertThat(k.subList(firstCsync, copied)).doesNotContain("NsPublicationRequested");

        // 2. pdns-d joins the live, secure zone (POST /zones/{zone}/signers): keys and DS first,
        // then its NS at all three, CSYNC at all three, the scanner copies the set. Unbound asks
        // pdns-d from the moment the parent's delegation names it.
        int joinFrom = w.audit().size();
        w.sendToApi(
            "POST",
            "/zones/" + ZONE + "/signers",
            "{\"id\":\"" + PDNS_D + "\",\"nameservers\":[\"" + pdnsDNs + "\"]}");
        assertThat(await(Duration.ofMinutes(3), () -> parentNs(parent).equals(all)))
            .as("the parent's scanner copied the NS set with pdns-d:\n%s", audit(w))
            .isTrue();
        w.watch.resume(PDNS_D);
        assertThat(w.parentDsTags())
            .as("pdns-d's DS reached the parent before its NS")
            .containsAll(w.ownKsks(pdnsD));
        assertThat(
                await(
                    Duration.ofMinutes(2),
                    () ->
                        w.converged() && noCsync(w, knot) && noCsync(w, pdns) && noCsync(w, pdnsD)))
            .as("three signers converged, CSYNC withdrawn:\n%s\n%s", w.check().render(), audit(w))
            .isTrue();
        List<String> join = kinds(w.audit());
        join = join.subList(joinFrom, join.size());
        int joinCsync = join.indexOf("CsyncPublicationRequested");
        assertThat(joinCsync).as("CSYNC for the join").isNotNegative();
        assertThat(join.subList(joinCsync, indexAfter(join, "ParentNsChanged", joinCsync)))
            .doesNotContain("NsPublicationRequested");

        // 3. pdns-b leaves: the NS set without it at every signer (the leaver too: the scanner
        // asks every delegated server), CSYNC, the parent's scanner, NS-Wait-Time, then DS, keys.
        w.send(new RemoveSigner(PDNS));
        assertThat(await(Duration.ofMinutes(2), () -> parentNs(parent).equals(remaining)))
            .as("parent NS without pdns-b:\n%s", audit(w))
            .isTrue();
        assertThat(apexNs(w, pdns)).as("the leaver serves the new set too").isEqualTo(remaining);
        // Resolvers stop asking pdns-b once NS-Wait-Time has passed (it is out of service then).
        assertThat(await(Duration.ofMinutes(2), () -> outOfService(w)))
            .as("pdns-b out of service:\n%s", audit(w))
            .isTrue();
        w.watch.pause(PDNS);
        Set<Integer> remainingKsks = w.ksks(List.of(knot, pdnsD));
        assertThat(
                await(
                    Duration.ofMinutes(3),
                    () ->
                        w.parentDsTags().equals(remainingKsks)
                            && kinds(w.audit()).contains("SignerLeft")
                            && noCsync(w, knot)
                            && noCsync(w, pdnsD)))
            .as("pdns-b left, its DS gone:\n%s", audit(w))
            .isTrue();
        assertThat(parentNs(parent)).isEqualTo(remaining);
      }

      w.watch.close();
      BogusWatch.Counts counts = w.watch.counts();
      E2eWorld.assertNoBogusOfAnyKind("csync", counts, audit(w));
      assertThat(counts.secure()).isGreaterThan(10);
    }
  }

  private static boolean outOfService(E2eWorld w) {
    try {
      JsonNode zone = w.zoneFromApi();
      for (JsonNode s : zone.path("signers")) {
        if (s.path("id").asText().equals(PDNS)) {
          return Set.of("LEAVING_DS", "LEAVING_KEYS").contains(s.path("phase").asText());
        }
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static Set<String> names(Name... names) {
    TreeSet<String> out = new TreeSet<>();
    for (Name n : names) {
      out.add(n.toString().toLowerCase());
    }
    return out;
  }

  private static Set<String> parentNs(BindParent parent) {
    return parent.ns().stream()
        .map(n -> n.toString().toLowerCase())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> apexNs(E2eWorld w, LabSigner s) {
    return w.rdata(s, Type.NS).stream()
        .map(String::toLowerCase)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static boolean noCsync(E2eWorld w, LabSigner s) {
    return w.rdata(s, Type.CSYNC).isEmpty();
  }

  private static List<String> kinds(List<ZoneEvent> events) {
    return events.stream().map(ZoneEvent::getType).toList();
  }

  /** The index of the first {@code type} after {@code from}, or -1. */
  private static int indexAfter(List<String> kinds, String type, int from) {
    for (int i = from + 1; i < kinds.size(); i++) {
      if (kinds.get(i).equals(type)) {
        return i;
      }
    }
    return -1;
  }

  private static String audit(E2eWorld w) {
    return E2eWorld.render(w.audit());
  }
}
