package dev.multisigner.providers.modelone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderFactory;
import dev.multisigner.providers.ZoneKeySnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Type;

/**
 * Model 1 through the adapters the services use, built from configuration as a service builds them
 * ({@link ProviderFactory}): the zone owner's KSK held by Multisigner ({@code owner-ksk}) and two
 * Knot 3.2 members in offline-KSK mode ({@code knot-offline-ksk}). The members' ZSKs come from
 * their key signing requests, the owner imports them and signs the RRset, each member installs the
 * signatures as an SKR; both then serve the identical RRset and CDS with the owner's RRSIG, and
 * Unbound validates across members with the parent holding only the owner KSK's DS. Signatures by
 * another key, or too close to expiry, never reach Knot.
 */
class ModelOneAdaptersLabTest {

  private static final ZoneName ZONE = ZoneName.of("m1.test.");

  @Test
  void ownerAndOfflineKskMembersThroughTheirAdapters(@TempDir Path keys, @TempDir Path other)
      throws Exception {
    try (DnsLab lab =
        DnsLab.builder()
            .zone(ZONE.value())
            .knotSigner("knot-a", KeyScheme.OFFLINE_KSK)
            .knotSigner("knot-b", KeyScheme.OFFLINE_KSK)
            .withParent()
            .withValidator()
            .start()) {
      DnsProvider owner = ProviderFactory.create(SignerId.of("owner"), ownerConfig(keys));
      Map<String, DnsProvider> members = new LinkedHashMap<>();
      for (String id : List.of("knot-a", "knot-b")) {
        DnsProvider m = ProviderFactory.create(SignerId.of(id), memberConfig(lab.knot(id)));
        assertThat(m.capabilities().can(Capability.ACCEPT_SIGNED_DNSKEY_RRSET)).isTrue();
        assertThat(m.capabilities().can(Capability.IMPORT_FOREIGN_DNSKEY)).isFalse();
        members.put(id, m);
      }

      List<DNSKEYRecord> zsks = new ArrayList<>();
      for (DnsProvider m : members.values()) {
        List<DNSKEYRecord> requested = m.keySigningRequest(ZONE).orElseThrow();
        assertThat(requested).as(m.id() + "'s key signing request").hasSize(1);
        zsks.addAll(requested);
      }
      owner.importDnskeys(ZONE, zsks);
      ZoneKeySnapshot held = owner.read(ZONE);
      assertThat(held.dnskeys()).hasSize(3);
      DNSKEYRecord ksk =
          held.dnskeys().stream().filter(k -> k.getFlags() == 257).findFirst().orElseThrow();
      assertThat(held.dnskeySignerTags()).containsExactly(ksk.getFootprint());

      List<RRSIGRecord> sigs = owner.signDnskeyRrset(ZONE, held.dnskeys());
      assertThat(sigs).extracting(RRSIGRecord::getTypeCovered).contains(Type.CDS, Type.CDNSKEY);
      for (DnsProvider m : members.values()) {
        assertThat(m.installSignedDnskeyRrset(ZONE, held.dnskeys(), sigs))
            .contains("signed by " + ksk.getFootprint());
      }

      Set<String> want = ModelOneProbes.keyTexts(held.dnskeys());
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                for (DnsProvider m : members.values()) {
                  ZoneKeySnapshot s = m.read(ZONE);
                  assertThat(ModelOneProbes.keyTexts(s.dnskeys())).as(m.id() + "").isEqualTo(want);
                  assertThat(s.dnskeySignerTags()).containsExactly(ksk.getFootprint());
                }
              });
      // the CDS/CDNSKEY come with the SKR: the group's CDS command finds them served
      for (DnsProvider m : members.values()) {
        assertThat(
                m.publishCdsCdnskey(
                        ZONE,
                        HolderSignatures.cds(ZONE.toName(), List.of(ksk)),
                        HolderSignatures.cdnskeys(ZONE.toName(), List.of(ksk)))
                    .isEmpty())
            .isTrue();
      }

      lab.parent().putDs(BindParent.dsFor(List.of(ksk)));
      Map<String, int[]> counts = ModelOneProbes.acrossMembers(lab);
      int probes = counts.values().stream().mapToInt(c -> c[0]).sum();
      int bogus = ModelOneProbes.report("model 1 adapters cross-member", counts);
      assertThat(probes).isEqualTo(2 * 6);
      assertThat(bogus).as("bogus answers across members").isZero();

      // another key's signatures over the same RRset: refused, nothing reaches Knot
      DnsProvider intruder = ProviderFactory.create(SignerId.of("owner"), ownerConfig(other));
      List<DNSKEYRecord> forged = new ArrayList<>(zsks);
      DNSKEYRecord intruderKsk = intruder.read(ZONE).dnskeys().get(0);
      forged.add(intruderKsk);
      List<RRSIGRecord> wrong = intruder.signDnskeyRrset(ZONE, forged);
      DnsProvider a = members.get("knot-a");
      assertThatThrownBy(() -> a.installSignedDnskeyRrset(ZONE, held.dnskeys(), wrong))
          .isInstanceOf(ProviderException.class)
          .hasMessageContaining("zone=m1.test.")
          .hasMessageContaining("provider=knot-a")
          .hasMessageContaining("SKR not installed");
      // signatures that expire within the margin: refused (retryable: the holder re-signs)
      Map<String, String> shortLived = new java.util.HashMap<>(ownerConfig(keys));
      shortLived.put("signature-interval", "PT1S");
      shortLived.put("signature-sections", "1");
      shortLived.put("signature-lifetime", "PT10S");
      List<RRSIGRecord> expiring =
          ProviderFactory.create(SignerId.of("owner"), shortLived)
              .signDnskeyRrset(ZONE, held.dnskeys());
      assertThatThrownBy(() -> a.installSignedDnskeyRrset(ZONE, held.dnskeys(), expiring))
          .isInstanceOf(ProviderException.class)
          .hasMessageContaining("SKR not installed")
          .hasMessageContaining("within the margin")
          .satisfies(e -> assertThat(((ProviderException) e).retryable()).isTrue());
      Thread.sleep(1000);
      assertThat(ModelOneProbes.keyTexts(a.read(ZONE).dnskeys()))
          .as("still the owner's SKR")
          .isEqualTo(want);
    }
  }

  private static Map<String, String> ownerConfig(Path dir) {
    return Map.of(
        "kind", "owner-ksk",
        "key-directory", dir.toString(),
        "generate-algorithm", "13",
        "signature-interval", "PT10M",
        "signature-sections", "3",
        "signature-lifetime", "PT30M",
        "signature-backdate", "PT5M");
  }

  static Map<String, String> memberConfig(KnotSigner k) {
    String conf = k.configFile().toString();
    return Map.of(
        "kind",
        "knot-offline-ksk",
        "server",
        k.dnsAddress().getHostString() + ":" + k.dnsAddress().getPort(),
        "tsig-name",
        k.tsig().name(),
        "tsig-algorithm",
        k.tsig().algorithm(),
        "tsig-secret",
        k.tsig().secret(),
        "keymgr",
        "keymgr -c " + conf,
        "knotc",
        "knotc -c " + conf,
        "skr-margin",
        "PT1M");
  }
}
