package dev.multisigner.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotKey;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.providers.ZoneKeySnapshot.OwnKeySource;
import dev.multisigner.providers.powerdns.PowerDnsAdapter;
import dev.multisigner.providers.rfc2136.Rfc2136Adapter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;

/**
 * PowerDNS and Knot say which DNSKEYs they hold, on the real daemons: PowerDNS through its
 * cryptokeys endpoint, Knot through keymgr when the RFC 2136 adapter is given its keymgr command. A
 * DNSKEY written into a signer's records (PowerDNS's records table through its API, Knot's zone
 * through an UPDATE) is served but is not reported as the signer's own; without keymgr, the RFC
 * 2136 adapter declares that it cannot tell. Knot's keymgr runs only when a served key signs
 * nothing, and then again only when a key appears that its last listing did not see, or for a read
 * afresh, and not when every such key is one the zone's other signers list as theirs.
 */
class OwnKeyListingLabTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");

  /** A KSK whose private key no signer holds: it is thrown away here. */
  private static final DNSKEYRecord PLANTED = planted();

  private static DNSKEYRecord planted() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return new DNSKEYRecord(
          ZONE.toName(),
          DClass.IN,
          60,
          257,
          DNSKEYRecord.Protocol.DNSSEC,
          DNSSEC.Algorithm.ECDSAP256SHA256,
          g.generateKeyPair().getPublic());
    } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
      throw new IllegalStateException(e);
    }
  }

  @TempDir Path dir;

  @Test
  void powerDnsAndKnotReportTheKeysTheyHoldAndNotAKeyPlantedInTheirRecords() throws Exception {
    try (DnsLab lab =
        DnsLab.builder().zone(ZONE.value()).knotSigner("knot-a").pdnsSigner("pdns-b").start()) {
      PdnsSigner p = lab.pdns("pdns-b");
      KnotSigner k = lab.knot("knot-a");
      Path apiKey = dir.resolve("api-key");
      Files.writeString(apiKey, p.apiKey());
      DnsProvider pdns =
          ProviderFactory.create(
              SignerId.of(p.id()),
              Map.of(
                  "kind",
                  "powerdns",
                  "api-url",
                  p.apiUrl().toString(),
                  "server-id",
                  p.serverId(),
                  "api-key",
                  "file:" + apiKey,
                  "dns",
                  "127.0.0.1:" + p.dnsAddress().getPort()));
      Map<String, String> knotConfig = knotConfig(k);
      DnsProvider knotInferred = ProviderFactory.create(SignerId.of(k.id()), knotConfig);
      Map<String, String> withKeymgr = new java.util.HashMap<>(knotConfig);
      withKeymgr.put("keymgr", "keymgr -c " + k.configFile());
      DnsProvider knot = ProviderFactory.create(SignerId.of(k.id()), withKeymgr);

      ZoneKeySnapshot pdnsBefore = pdns.read(ZONE);
      assertThat(pdns.ownKeyListing().available()).isTrue();
      assertThat(pdnsBefore.ownKeySource()).isEqualTo(OwnKeySource.API);
      assertThat(pdnsBefore.ownKeys()).isNotEmpty().isEqualTo(Set.copyOf(pdnsBefore.dnskeys()));

      pdns.importDnskeys(ZONE, List.of(PLANTED));
      ZoneKeySnapshot pdnsAfter = pdns.read(ZONE);
      assertThat(pdnsAfter.serves(PLANTED)).as("PowerDNS serves the planted key").isTrue();
      assertThat(pdnsAfter.ownKeys()).isEqualTo(pdnsBefore.ownKeys()).doesNotContain(PLANTED);
      assertThat(pdnsAfter.foreignDnskeys()).containsExactly(PLANTED);

      Set<Integer> keymgrTags =
          new KnotKeystore(k).keys().stream().map(KnotKey::keyTag).collect(Collectors.toSet());
      knot.importDnskeys(ZONE, List.of(PLANTED));
      ZoneKeySnapshot knotAfter = knot.read(ZONE);
      assertThat(knot.ownKeyListing().available()).isTrue();
      assertThat(knotAfter.ownKeySource()).isEqualTo(OwnKeySource.KEY_MANAGER);
      assertThat(knotAfter.serves(PLANTED)).as("Knot serves the planted key").isTrue();
      assertThat(tags(knotAfter.ownKeys())).isNotEmpty().isEqualTo(keymgrTags);
      assertThat(knotAfter.foreignDnskeys()).containsExactly(PLANTED);

      assertThat(knotInferred.ownKeyListing().available()).isFalse();
      assertThat(knotInferred.read(ZONE).ownKeySource()).isEqualTo(OwnKeySource.SIGNATURES);
    }
  }

  @Test
  void powerDnsIsAskedOnlyForAKeyThatSignsNothingAndNoOtherSignerLists() throws Exception {
    try (DnsLab lab = DnsLab.builder().zone(ZONE.value()).pdnsSigner("pdns-b").start()) {
      PdnsSigner p = lab.pdns("pdns-b");
      PowerDnsAdapter pdns = LabAdapters.pdns(p);

      ZoneKeySnapshot first = pdns.read(ZONE, Set.of());
      assertThat(pdns.ownKeyListings()).as("its KSK and ZSK both sign: no API call").isZero();
      assertThat(first.ownKeySource()).isEqualTo(OwnKeySource.API);
      assertThat(first.ownKeys()).hasSize(2).isEqualTo(Set.copyOf(first.dnskeys()));

      DNSKEYRecord imported = TestKeys.zsk(ZONE.toName());
      pdns.importDnskeys(ZONE, List.of(imported));
      long listings = pdns.ownKeyListings();
      ZoneKeySnapshot unknown = pdns.read(ZONE, Set.of());
      assertThat(pdns.ownKeyListings())
          .as("a key that signs nothing and no other signer lists is asked about")
          .isGreaterThan(listings);
      assertThat(unknown.ownKeys()).isEqualTo(first.ownKeys()).doesNotContain(imported);

      listings = pdns.ownKeyListings();
      ZoneKeySnapshot known = pdns.read(ZONE, Set.of(imported));
      ZoneKeySnapshot afresh = pdns.readAfresh(ZONE, Set.of(imported));
      assertThat(pdns.ownKeyListings())
          .as("another signer lists it: no API call")
          .isEqualTo(listings);
      assertThat(known.ownKeys()).isEqualTo(first.ownKeys());
      assertThat(known.foreignDnskeys()).containsExactly(imported);
      assertThat(afresh.ownKeys()).isEqualTo(first.ownKeys());

      // a pre-published own key signs nothing yet and no other signer lists it: asked, and own
      p.pdnsutil("add-zone-key", ZONE.value(), "zsk", "inactive", "published", "ecdsa256");
      ZoneKeySnapshot prePublished = pdns.read(ZONE, Set.of(imported));
      assertThat(pdns.ownKeyListings()).isGreaterThan(listings);
      assertThat(prePublished.dnskeys()).hasSize(4);
      assertThat(prePublished.ownKeys()).hasSize(3).containsAll(first.ownKeys());
      assertThat(prePublished.foreignDnskeys()).containsExactly(imported);
    }
  }

  @Test
  void knotsKeymgrRunsOnlyForAKeyThatSignsNothingAndStillTellsAPlantedKey() throws Exception {
    // the CDS below is of the planted key: any CDS will do, only the serial has to move
    try (DnsLab lab = DnsLab.builder().zone(ZONE.value()).knotSigner("knot-a").start()) {
      KnotSigner k = lab.knot("knot-a");
      Map<String, String> withKeymgr = new java.util.HashMap<>(knotConfig(k));
      withKeymgr.put("keymgr", "keymgr -c " + k.configFile());
      Rfc2136Adapter knot =
          (Rfc2136Adapter) ProviderFactory.create(SignerId.of(k.id()), withKeymgr);

      // every served key signs: Knot's own by the answer alone, keymgr not asked, afresh or not
      ZoneKeySnapshot first = knot.readAfresh(ZONE);
      ZoneKeySnapshot again = knot.read(ZONE);
      assertThat(knot.ownKeyListings()).isZero();
      assertThat(first.ownKeys()).hasSize(2).isEqualTo(Set.copyOf(first.dnskeys()));
      assertThat(tags(first.ownKeys()))
          .as("what keymgr would have said")
          .isEqualTo(
              new KnotKeystore(k).keys().stream().map(KnotKey::keyTag).collect(Collectors.toSet()));
      assertThat(again.ownKeys()).isEqualTo(first.ownKeys());

      // the serial moves, the DNSKEY RRset does not: still no listing
      ZoneKeySnapshot withCds =
          readAfter(knot, () -> knot.publishCdsCdnskey(ZONE, List.of(cds()), List.of()));
      assertThat(withCds.soa().orElseThrow().getSerial())
          .isNotEqualTo(first.soa().orElseThrow().getSerial());
      assertThat(withCds.ownKeys()).isEqualTo(first.ownKeys());
      assertThat(knot.ownKeyListings()).isZero();

      // a key planted through an UPDATE signs nothing: keymgr is asked, and it is not Knot's
      ZoneKeySnapshot planted = readAfter(knot, () -> knot.importDnskeys(ZONE, List.of(PLANTED)));
      assertThat(knot.ownKeyListings()).isEqualTo(1);
      assertThat(planted.foreignDnskeys()).containsExactly(PLANTED);
      assertThat(planted.ownKeys()).isEqualTo(first.ownKeys());
      knot.read(ZONE);
      assertThat(knot.ownKeyListings()).as("the same keys again: the listing stands").isEqualTo(1);

      // the full resync's read asks keymgr while a served key signs nothing
      assertThat(knot.readAfresh(ZONE).foreignDnskeys()).containsExactly(PLANTED);
      assertThat(knot.ownKeyListings()).isEqualTo(2);

      // told that another signer lists the key as its own: not asked, afresh or not
      assertThat(knot.readAfresh(ZONE, Set.of(PLANTED)).foreignDnskeys()).containsExactly(PLANTED);
      assertThat(knot.read(ZONE, Set.of(PLANTED)).ownKeys()).isEqualTo(first.ownKeys());
      assertThat(knot.ownKeyListings()).isEqualTo(2);

      // a key withdrawn leaves only signing keys: no new listing, afresh or not
      ZoneKeySnapshot withdrawn =
          readAfter(knot, () -> knot.withdrawDnskeys(ZONE, List.of(PLANTED)));
      assertThat(withdrawn.serves(PLANTED)).isFalse();
      assertThat(knot.readAfresh(ZONE).ownKeys()).isEqualTo(first.ownKeys());
      assertThat(knot.ownKeyListings()).isEqualTo(2);
    }
  }

  /** The rfc2136 adapter's settings for the lab Knot {@code k}, its TSIG secret in a file. */
  private Map<String, String> knotConfig(KnotSigner k) throws java.io.IOException {
    Path tsig = dir.resolve("tsig");
    Files.writeString(tsig, k.tsig().secret());
    return Map.of(
        "kind",
        "rfc2136",
        "server",
        "127.0.0.1:" + k.dnsAddress().getPort(),
        "tsig-name",
        k.tsig().name(),
        "tsig-algorithm",
        k.tsig().algorithm(),
        "tsig-secret",
        "file:" + tsig);
  }

  private static ZoneKeySnapshot readAfter(DnsProvider knot, Runnable write) {
    write.run();
    return knot.read(ZONE);
  }

  private static CDSRecord cds() {
    return new CDSRecord(ZONE.toName(), DClass.IN, 60, DNSSEC.Digest.SHA256, PLANTED);
  }

  private static Set<Integer> tags(Set<DNSKEYRecord> keys) {
    Set<Integer> tags = new HashSet<>();
    keys.forEach(r -> tags.add(r.getFootprint()));
    return tags;
  }
}
