package dev.multisigner.providers.modelone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ZoneKeySnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Type;

/**
 * RFC 8901 model 1 on real Knot 3.2 signers in offline-KSK mode: the zone owner's KSK, held in a
 * key file by Multisigner, signs one DNSKEY RRset (that KSK and both members' ZSKs) into an SKR
 * that each member installs; both then serve the identical RRset with the owner's RRSIG, the parent
 * holds only the owner KSK's DS, and a real Unbound that cached one member's DNSKEY RRset validates
 * every RRset the other member serves (0 bogus). A wrong or expired SKR never reaches Knot.
 */
class ModelOneKnotLabTest {

  private static final Name ZONE = Name.fromConstantString("m1.test.");
  private static final SkrSigner.Schedule SCHEDULE =
      new SkrSigner.Schedule(
          10, Duration.ofDays(1), 8, Duration.ofDays(14), Duration.ofMinutes(90));

  @Test
  void ownerKskSignsEveryMembersDnskeyRrsetAndResolversValidateAcrossMembers(@TempDir Path keys)
      throws Exception {
    try (DnsLab lab =
        DnsLab.builder()
            .zone(ZONE.toString())
            .knotSigner("knot-a", KeyScheme.OFFLINE_KSK)
            .knotSigner("knot-b", KeyScheme.OFFLINE_KSK)
            .withParent()
            .withValidator()
            .start()) {
      OwnerKsk owner = FileOwnerKsk.generate(ZONE, 13, keys.resolve("m1.test.pem"));
      DNSKEYRecord ownerKey = owner.dnskey(SCHEDULE.dnskeyTtl());
      Instant now = Instant.now();
      Map<String, KnotKeymgr> members = new LinkedHashMap<>();
      List<DNSKEYRecord> zsks = new ArrayList<>();
      for (String id : List.of("knot-a", "knot-b")) {
        KnotKeymgr m = ModelOneProbes.keymgr(lab.knot(id));
        members.put(id, m);
        List<DNSKEYRecord> own = m.requestedZsks(ZONE, now, now.plus(Duration.ofDays(14)));
        assertThat(own).as(id + "'s key signing request").hasSize(1);
        zsks.addAll(own);
      }

      SignedKeyResponse skr = SkrSigner.sign(owner, zsks, SCHEDULE, now);
      members.values().forEach(m -> m.install(skr, ownerKey, now, Duration.ofHours(1)));

      Set<String> want = ModelOneProbes.keyTexts(skr.sections().get(0).dnskeys());
      assertThat(want).hasSize(3);
      Map<String, ZoneKeySnapshot> served = new TreeMap<>();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                for (String id : members.keySet()) {
                  ZoneKeySnapshot s =
                      ModelOneProbes.reader(lab.knot(id)).read(ZoneName.of(ZONE.toString()));
                  assertThat(ModelOneProbes.keyTexts(s.records(Type.DNSKEY)))
                      .as(id + " DNSKEY")
                      .isEqualTo(want);
                  served.put(id, s);
                }
              });
      for (ZoneKeySnapshot s : served.values()) {
        assertThat(s.dnskeySignerTags()).containsExactly(ownerKey.getFootprint());
        assertThat(s.signaturesOver(Type.CDS))
            .extracting(RRSIGRecord::getFootprint)
            .containsExactly(ownerKey.getFootprint());
        assertThat(s.records(Type.CDS)).hasSize(1);
        // each member signs the rest of the zone with its own ZSK
        assertThat(s.soaSignerTags()).doesNotContain(ownerKey.getFootprint()).hasSize(1);
      }
      assertThat(served.get("knot-a").soaSignerTags())
          .isNotEqualTo(served.get("knot-b").soaSignerTags());
      assertThat(served.get("knot-a").records(Type.CDS))
          .hasToString(served.get("knot-b").records(Type.CDS).toString());

      lab.parent().putDs(BindParent.dsFor(List.of(ownerKey)));
      assertThat(lab.parent().ds()).hasSize(1);

      Map<String, int[]> counts = ModelOneProbes.acrossMembers(lab);
      int probes = counts.values().stream().mapToInt(c -> c[0]).sum();
      int bogus = ModelOneProbes.report("model 1 cross-member", counts);
      assertThat(probes).isEqualTo(2 * 6);
      assertThat(bogus).as("bogus answers across members").isZero();
    }
  }

  @Test
  void aWrongOrExpiredSkrIsNeverInstalled(@TempDir Path keys) throws Exception {
    try (DnsLab lab =
        DnsLab.builder()
            .zone(ZONE.toString())
            .knotSigner("knot-a", KeyScheme.OFFLINE_KSK)
            .start()) {
      KnotSigner knot = lab.knot("knot-a");
      KnotKeymgr member = ModelOneProbes.keymgr(knot);
      OwnerKsk owner = FileOwnerKsk.generate(ZONE, 13, keys.resolve("owner.pem"));
      OwnerKsk intruder = FileOwnerKsk.generate(ZONE, 13, keys.resolve("intruder.pem"));
      Instant now = Instant.now();
      List<DNSKEYRecord> zsks = member.requestedZsks(ZONE, now, now.plus(Duration.ofDays(1)));
      DNSKEYRecord ownerKey = owner.dnskey(10);

      SignedKeyResponse good = SkrSigner.sign(owner, zsks, SCHEDULE, now);
      member.install(good, ownerKey, now, Duration.ofHours(1));
      DnsProvider reader = ModelOneProbes.reader(knot);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> reader.read(ZoneName.of(ZONE.toString())).records(Type.DNSKEY).size() == 2);
      Set<String> before =
          ModelOneProbes.keyTexts(reader.read(ZoneName.of(ZONE.toString())).records(Type.DNSKEY));

      SignedKeyResponse wrongKey = SkrSigner.sign(intruder, zsks, SCHEDULE, now);
      assertThatThrownBy(() -> member.install(wrongKey, ownerKey, now, Duration.ofHours(1)))
          .isInstanceOf(ProviderException.class)
          .hasMessageContaining("zone=m1.test.")
          .hasMessageContaining("provider=knot-a")
          .hasMessageContaining("lacks the owner KSK " + ownerKey.getFootprint());

      SignedKeyResponse expired =
          SkrSigner.sign(owner, zsks, SCHEDULE, now.minus(Duration.ofDays(30)));
      assertThatThrownBy(() -> member.install(expired, ownerKey, now, Duration.ofHours(1)))
          .isInstanceOf(ProviderException.class)
          .hasMessageContaining("zone=m1.test.")
          .hasMessageContaining("expire");

      // a forged section: the owner's RRSIG over another RRset (a ZSK added after signing)
      SignedKeyResponse.Section s0 = good.sections().get(0);
      List<DNSKEYRecord> grown = new ArrayList<>(s0.dnskeys());
      grown.add(intruder.dnskey(10));
      SignedKeyResponse tampered =
          new SignedKeyResponse(
              ZONE,
              List.of(
                  new SignedKeyResponse.Section(
                      s0.timestamp(), grown, s0.cdnskeys(), s0.cds(), s0.rrsigs())));
      assertThatThrownBy(() -> member.install(tampered, ownerKey, now, Duration.ofHours(1)))
          .isInstanceOf(ProviderException.class)
          .hasMessageContaining("does not verify");

      Thread.sleep(1000);
      assertThat(
              ModelOneProbes.keyTexts(
                  reader.read(ZoneName.of(ZONE.toString())).records(Type.DNSKEY)))
          .as("still the good SKR's keys")
          .isEqualTo(before);
    }
  }
}
