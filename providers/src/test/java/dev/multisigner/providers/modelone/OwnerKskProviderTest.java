package dev.multisigner.providers.modelone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderFactory;
import dev.multisigner.providers.ZoneKeySnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Type;

/**
 * The zone owner's KSK holder ({@code owner-ksk}): it keeps the RRset it signs across instances
 * (the collector and the writer each build one), signs exactly the RRset asked for in every
 * configured window and only one that holds its KSK, never withdraws its KSK, and without a key
 * file and generation off refuses naming zone and file, with no key material in any message.
 */
class OwnerKskProviderTest {

  private static final ZoneName ZONE = ZoneName.of("m1.test.");

  @TempDir Path dir;

  private DnsProvider owner(int generate) {
    return ProviderFactory.create(
        SignerId.of("owner"),
        Map.of(
            "kind", "owner-ksk",
            "key-directory", dir.toString(),
            "generate-algorithm", Integer.toString(generate),
            "signature-interval", "PT1H",
            "signature-sections", "3",
            "signature-lifetime", "PT3H",
            "signature-backdate", "PT10M"));
  }

  @Test
  void keepsSignsAndRefuses() throws Exception {
    assertThatThrownBy(() -> owner(0).read(ZONE))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("zone=m1.test.")
        .hasMessageContaining("m1.test.ksk.pem")
        .hasMessageContaining("generation is off");

    DnsProvider writer = owner(13);
    ZoneKeySnapshot first = writer.read(ZONE);
    assertThat(first.dnskeys())
        .singleElement()
        .satisfies(k -> assertThat(k.getFlags()).isEqualTo(257))
        // it serves no DNS and no member serves its key yet: no TTL to stretch the zone's waits
        .satisfies(k -> assertThat(k.getTTL()).isZero());
    DNSKEYRecord ksk = first.dnskeys().get(0);
    assertThat(Files.getPosixFilePermissions(dir.resolve("m1.test.ksk.pem")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

    DNSKEYRecord zsk = new DNSKEYRecord(ZONE.toName(), DClass.IN, 60, 256, 3, 13, new byte[64]);
    writer.importDnskeys(ZONE, List.of(zsk));
    // another instance (the collector's) reads the same key and RRset
    DnsProvider reader = owner(0);
    ZoneKeySnapshot both = reader.read(ZONE);
    assertThat(both.dnskeys()).hasSize(2).contains(ksk).allMatch(k -> k.getTTL() == 60);
    assertThat(both.dnskeySignerTags()).containsExactly(ksk.getFootprint());

    List<RRSIGRecord> sigs = writer.signDnskeyRrset(ZONE, both.dnskeys());
    assertThat(sigs).hasSize(3 * 3);
    assertThat(sigs).extracting(RRSIGRecord::getFootprint).containsOnly(ksk.getFootprint());
    // three windows ahead of time, the first one already valid
    List<Instant> inceptions =
        sigs.stream()
            .filter(s -> s.getTypeCovered() == Type.DNSKEY)
            .map(RRSIGRecord::getTimeSigned)
            .sorted()
            .toList();
    assertThat(inceptions).hasSize(3).doesNotHaveDuplicates();
    assertThat(inceptions.get(0)).isBefore(Instant.now());
    SignedKeyResponse skr = HolderSignatures.skr(ZONE.toName(), both.dnskeys(), sigs);
    assertThat(skr.sections()).hasSize(3);
    skr.check(ksk, Instant.now(), java.time.Duration.ofHours(1));

    assertThatThrownBy(() -> writer.signDnskeyRrset(ZONE, List.of(zsk)))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("lacks the owner's KSK " + ksk.getFootprint());
    assertThatThrownBy(() -> writer.withdrawDnskeys(ZONE, List.of(ksk)))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("withdraws the owner's own KSK");
    assertThat(writer.toString() + writer.read(ZONE))
        .doesNotContain("PRIVATE")
        .doesNotContain(
            Files.readString(dir.resolve("m1.test.ksk.pem"))
                .lines()
                .skip(1)
                .findFirst()
                .orElseThrow());
  }
}
