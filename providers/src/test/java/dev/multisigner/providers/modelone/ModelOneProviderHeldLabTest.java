package dev.multisigner.providers.modelone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.providers.DesiredKeys;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.LabAdapters;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.ProviderPlanner;
import dev.multisigner.providers.ZoneKeySnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Type;

/**
 * Model 1 with a provider holding the KSK (RFC 8901 §2.1.1): PowerDNS 4.7 imports the Knot member's
 * ZSK and signs its own DNSKEY RRset with its KSK; that served, signed RRset (and its CDS/CDNSKEY)
 * becomes the SKR the offline-KSK Knot member installs. Both serve the identical DNSKEY RRset, the
 * parent holds PowerDNS's KSK's DS only, and Unbound validates across them.
 */
class ModelOneProviderHeldLabTest {

  private static final ZoneName ZONE = ZoneName.of("m1h.test.");

  @Test
  void theHoldersServedSignedRrsetIsWhatTheMemberServesAndResolversValidateAcrossBoth() {
    try (DnsLab lab =
        DnsLab.builder()
            .zone(ZONE.value())
            .pdnsSigner("pdns-h")
            .knotSigner("knot-m", KeyScheme.OFFLINE_KSK)
            .withParent()
            .withValidator()
            .start()) {
      PdnsSigner p = lab.pdns("pdns-h");
      KnotSigner k = lab.knot("knot-m");
      DnsProvider holder = LabAdapters.pdns(p);
      KnotKeymgr member = ModelOneProbes.keymgr(k);
      Instant now = Instant.now();
      List<DNSKEYRecord> memberZsks =
          member.requestedZsks(lab.zone(), now, now.plus(Duration.ofDays(1)));

      // the holder imports the member's ZSK (its CDS/CDNSKEY stay its own)
      ZoneKeySnapshot before = holder.read(ZONE);
      DesiredKeys desired =
          new DesiredKeys(
              new HashSet<>(memberZsks),
              new HashSet<>(before.cds()),
              new HashSet<>(before.cdnskeys()));
      ProviderPlanner planner = new ProviderPlanner();
      ProviderPlan plan = planner.plan(desired, before, holder.capabilities());
      planner.apply(holder, plan, plan.hash());
      ZoneKeySnapshot signed = holder.read(ZONE);
      assertThat(signed.dnskeys()).hasSize(3);

      DNSKEYRecord holderKsk =
          signed.ownKeys().stream()
              .filter(key -> (key.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0)
              .findFirst()
              .orElseThrow();
      SignedKeyResponse skr =
          SignedKeyResponse.ofServed(
              lab.zone(),
              signed.dnskeys(),
              signed.cdnskeys(),
              signed.cds(),
              signed.signatures(),
              Instant.now());
      member.install(skr, holderKsk, Instant.now(), Duration.ofHours(1));

      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                ZoneKeySnapshot served = ModelOneProbes.reader(k).read(ZONE);
                assertThat(served.dnskeys()).isEqualTo(signed.dnskeys());
                assertThat(served.signaturesOver(Type.DNSKEY))
                    .isEqualTo(signed.signaturesOver(Type.DNSKEY));
                assertThat(served.cds()).isEqualTo(signed.cds());
              });

      lab.parent().putDs(BindParent.dsFor(List.of(holderKsk)));
      Map<String, int[]> counts = ModelOneProbes.acrossMembers(lab);
      assertThat(ModelOneProbes.report("model 1 provider-held", counts))
          .as("bogus answers across holder and member")
          .isZero();
      Set<String> types = counts.keySet();
      assertThat(types).contains("CDS", "DNSKEY", "SOA");
    }
  }
}
