package dev.multisigner.providers.modelone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.BindParent;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.UnboundValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Model 1's processes on two real offline-KSK Knot members with the owner's KSK, Unbound probing
 * across members: signatures renewed before they expire, and a ZSK roll at one member (RFC 7583
 * §3.2 pre-publish, the new ZSK in every member's signed RRset before it signs anything).
 */
class ModelOneKnotProcessLabTest {

  private static final Name ZONE = Name.fromConstantString("m1p.test.");
  private static final long TTL = 10;

  @Test
  void reSigningBeforeExpiryKeepsAnswersSecureAcrossTheOldExpiryAndAnUnrenewedSkrGoesBogus(
      @TempDir Path keys) throws Exception {
    // short signatures: each SKR's last section expires 45 s after its start
    SkrSigner.Schedule schedule =
        new SkrSigner.Schedule(
            TTL, Duration.ofSeconds(15), 2, Duration.ofSeconds(30), Duration.ofMinutes(5));
    try (DnsLab lab = modelOneLab()) {
      OwnerKsk owner = FileOwnerKsk.generate(ZONE, 13, keys.resolve("owner.pem"));
      List<DNSKEYRecord> zsks = requestedZsks(lab);
      Instant t0 = Instant.now();
      SignedKeyResponse first = installEverywhere(lab, owner, zsks, schedule, t0);
      securedAtParent(lab, owner);

      Map<String, int[]> counts = new TreeMap<>();
      SignedKeyResponse second = null;
      // probe until well past the first SKR's expiry; renew a third of the way through
      while (Instant.now().isBefore(first.validUntil().plusSeconds(5))) {
        if (second == null && Instant.now().isAfter(t0.plusSeconds(15))) {
          second = installEverywhere(lab, owner, zsks, schedule, Instant.now());
        }
        merge(counts, ModelOneProbes.acrossMembers(lab));
      }
      assertThat(second).isNotNull();
      assertThat(ModelOneProbes.report("model 1 re-sign", counts))
          .as("bogus answers while renewing")
          .isZero();

      // the negative control: nobody renews the second SKR, Knot keeps serving its expired RRSIGs
      Instant expiry = second.validUntil();
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Instant.now().isAfter(expiry.plusSeconds(2)));
      UnboundValidator v = lab.validator();
      v.flushZone();
      v.useOnly(lab.signer("knot-a"));
      Message m = v.query(ZONE, Type.DNSKEY);
      assertThat(m.getRcode())
          .as("an expired DNSKEY RRSIG is bogus, so renewing in time is what kept the zone up")
          .isEqualTo(Rcode.SERVFAIL);
    }
  }

  @Test
  void aZskRollAtOneMemberStaysSecureForResolversThatCachedTheOtherMembersKeys(@TempDir Path keys)
      throws Exception {
    SkrSigner.Schedule schedule =
        new SkrSigner.Schedule(
            TTL, Duration.ofDays(1), 3, Duration.ofDays(7), Duration.ofMinutes(90));
    try (DnsLab lab = modelOneLab()) {
      OwnerKsk owner = FileOwnerKsk.generate(ZONE, 13, keys.resolve("owner.pem"));
      installEverywhere(lab, owner, requestedZsks(lab), schedule, Instant.now());
      securedAtParent(lab, owner);
      KnotSigner b = lab.knot("knot-b");
      int oldZsk =
          ModelOneProbes.keymgr(b)
              .requestedZsks(ZONE, Instant.now(), Instant.now().plusSeconds(60))
              .get(0)
              .getFootprint();

      // 1. knot-b publishes a new ZSK (not yet signing); its key signing request now names both
      String created =
          b.keymgr("generate", "ksk=no", "zsk=yes", "publish=+0", "active=+10y").strip();
      List<DNSKEYRecord> zsks = requestedZsks(lab);
      assertThat(zsks).hasSize(3);
      // 2. the owner signs the grown RRset for every member, and every member serves it
      installEverywhere(lab, owner, zsks, schedule, Instant.now());
      // 3. a resolver caches knot-a's DNSKEY RRset (with knot-b's new ZSK in it) ...
      UnboundValidator v = lab.validator();
      assertThat(v.cacheDnskeyFrom(lab.signer("knot-a")).getHeader().getFlag(Flags.AD)).isTrue();
      // 4. ... knot-b switches to the new ZSK ...
      b.keymgr("set", created, "active=+0");
      b.keymgr("set", Integer.toString(oldZsk), "retire=+0");
      b.knotc("zone-keys-load", ZONE.toString());
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () ->
                  !ModelOneProbes.reader(b)
                      .read(ZoneName.of(ZONE.toString()))
                      .soaSignerTags()
                      .contains(oldZsk));
      // 5. ... and the resolver, without refetching the DNSKEY RRset, validates knot-b's answers
      v.useOnly(b);
      Map<String, int[]> counts = new TreeMap<>();
      ModelOneProbes.probeTypes(v, counts, ZONE);
      merge(counts, ModelOneProbes.acrossMembers(lab));
      assertThat(ModelOneProbes.report("model 1 ZSK roll", counts))
          .as("bogus answers during the roll")
          .isZero();
    }
  }

  private static DnsLab modelOneLab() {
    return DnsLab.builder()
        .zone(ZONE.toString())
        .knotSigner("knot-a", KeyScheme.OFFLINE_KSK)
        .knotSigner("knot-b", KeyScheme.OFFLINE_KSK)
        .withParent()
        .withValidator()
        .start();
  }

  private static List<DNSKEYRecord> requestedZsks(DnsLab lab) {
    List<DNSKEYRecord> zsks = new ArrayList<>();
    Instant now = Instant.now();
    for (String id : List.of("knot-a", "knot-b")) {
      zsks.addAll(
          ModelOneProbes.keymgr(lab.knot(id)).requestedZsks(ZONE, now, now.plusSeconds(60)));
    }
    return zsks;
  }

  /** Signs, installs at both members and waits until both serve the new RRset's signature. */
  private static SignedKeyResponse installEverywhere(
      DnsLab lab, OwnerKsk owner, List<DNSKEYRecord> zsks, SkrSigner.Schedule s, Instant start) {
    SignedKeyResponse skr = SkrSigner.sign(owner, zsks, s, start);
    DNSKEYRecord ownerKey = owner.dnskey(TTL);
    for (String id : List.of("knot-a", "knot-b")) {
      ModelOneProbes.keymgr(lab.knot(id))
          .install(skr, ownerKey, Instant.now(), Duration.ofSeconds(20));
    }
    Set<String> want = ModelOneProbes.keyTexts(skr.sections().get(0).dnskeys());
    Instant expire = skr.sections().get(0).rrsigs().get(0).getExpire();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              for (String id : List.of("knot-a", "knot-b")) {
                var snap = ModelOneProbes.reader(lab.knot(id)).read(ZoneName.of(ZONE.toString()));
                assertThat(ModelOneProbes.keyTexts(snap.records(Type.DNSKEY))).isEqualTo(want);
                assertThat(snap.signaturesOver(Type.DNSKEY).get(0).getExpire())
                    .isAfterOrEqualTo(expire);
              }
            });
    return skr;
  }

  private static void securedAtParent(DnsLab lab, OwnerKsk owner) {
    lab.parent().putDs(BindParent.dsFor(List.of(owner.dnskey(TTL))));
  }

  private static Map<String, int[]> merge(Map<String, int[]> into, Map<String, int[]> more) {
    more.forEach(
        (k, c) -> {
          int[] t = into.computeIfAbsent(k, x -> new int[2]);
          t[0] += c[0];
          t[1] += c[1];
        });
    return into;
  }
}
