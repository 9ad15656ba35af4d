package dev.multisigner.providers.modelone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;

class FileOwnerKskTest {

  private static final Name ZONE = Name.fromConstantString("owner.test.");
  private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

  @Test
  void generatesAnOwnerOnlyKeyFileThatLoadsToTheSameKeyAndSigns(@TempDir Path dir)
      throws Exception {
    for (int alg : new int[] {13, 14, 15}) {
      Path pem = dir.resolve("k" + alg + ".pem");
      FileOwnerKsk made = FileOwnerKsk.generate(ZONE, alg, pem);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pem)))
          .isEqualTo("rw-------");
      FileOwnerKsk loaded = FileOwnerKsk.load(ZONE, pem);
      DNSKEYRecord key = loaded.dnskey(3600);
      assertThat(key.getAlgorithm()).isEqualTo(alg);
      assertThat(key.getFlags()).isEqualTo(257);
      assertThat(key.getKey()).isEqualTo(made.dnskey(3600).getKey());

      RRset dnskeys = new RRset(key);
      RRSIGRecord sig = loaded.sign(dnskeys, T0, T0.plus(Duration.ofDays(1)));
      DNSSEC.verify(dnskeys, sig, key, T0.plus(Duration.ofHours(1)));
      assertThat(loaded.toString()).contains("tag=" + key.getFootprint()).doesNotContain("BEGIN");
    }
  }

  @Test
  void generatesIntoAKeyDirectoryNotMadeYetOnlyItsOwnerCanEnter(@TempDir Path dir)
      throws Exception {
    Path pem = dir.resolve("keys/owner/k.pem");
    FileOwnerKsk made = FileOwnerKsk.generate(ZONE, 13, pem);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pem.getParent())))
        .isEqualTo("rwx------");
    assertThat(FileOwnerKsk.load(ZONE, pem).dnskey(10).getKey())
        .isEqualTo(made.dnskey(10).getKey());
  }

  @Test
  void refusesAKeyFileOthersCanRead(@TempDir Path dir) throws Exception {
    Path pem = dir.resolve("k.pem");
    FileOwnerKsk.generate(ZONE, 13, pem);
    Files.setPosixFilePermissions(pem, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> FileOwnerKsk.load(ZONE, pem))
        .isInstanceOf(OwnerKskException.class)
        .hasMessageContaining("zone=owner.test.")
        .hasMessageContaining("rw-r--r--")
        .hasMessageContaining("chmod 600");
  }

  @Test
  void neverOverwritesAnExistingKeyFile(@TempDir Path dir) throws Exception {
    Path pem = dir.resolve("k.pem");
    FileOwnerKsk first = FileOwnerKsk.generate(ZONE, 13, pem);
    String before = Files.readString(pem);
    assertThatThrownBy(() -> FileOwnerKsk.generate(ZONE, 13, pem))
        .isInstanceOf(OwnerKskException.class)
        .hasMessageContaining("exists");
    assertThat(Files.readString(pem)).isEqualTo(before);
    assertThat(FileOwnerKsk.load(ZONE, pem).dnskey(0).getKey()).isEqualTo(first.dnskey(0).getKey());
  }

  @Test
  void refusesAPublicBlockOfAnotherKeyWithoutShowingKeyMaterial(@TempDir Path dir)
      throws Exception {
    Path a = dir.resolve("a.pem");
    Path b = dir.resolve("b.pem");
    FileOwnerKsk.generate(ZONE, 13, a);
    FileOwnerKsk.generate(ZONE, 13, b);
    String privateOfA = Files.readString(a).split("-----BEGIN PUBLIC KEY-----")[0];
    String publicOfB =
        "-----BEGIN PUBLIC KEY-----" + Files.readString(b).split("-----BEGIN PUBLIC KEY-----")[1];
    Path mixed = dir.resolve("mixed.pem");
    Files.writeString(mixed, privateOfA + publicOfB);
    Files.setPosixFilePermissions(mixed, PosixFilePermissions.fromString("rw-------"));
    String secretLine = privateOfA.lines().skip(1).findFirst().orElseThrow();
    assertThatThrownBy(() -> FileOwnerKsk.load(ZONE, mixed))
        .isInstanceOf(OwnerKskException.class)
        .hasMessageContaining("not the private key's public half")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secretLine));
  }

  @Test
  void signsOnlyItsOwnApex(@TempDir Path dir) throws Exception {
    FileOwnerKsk k = FileOwnerKsk.generate(ZONE, 13, dir.resolve("k.pem"));
    RRset other =
        new RRset(
            new ARecord(
                Name.fromConstantString("www.owner.test."),
                DClass.IN,
                60,
                java.net.InetAddress.getByName("192.0.2.1")));
    assertThatThrownBy(() -> k.sign(other, T0, T0.plus(Duration.ofDays(1))))
        .isInstanceOf(OwnerKskException.class)
        .hasMessageContaining("only its zone's apex");
  }

  @Test
  void skrSignerRefusesAMemberKeyOfAnotherAlgorithm(@TempDir Path dir) throws Exception {
    FileOwnerKsk owner = FileOwnerKsk.generate(ZONE, 13, dir.resolve("owner.pem"));
    DNSKEYRecord ed25519Zsk =
        new DNSKEYRecord(
            ZONE,
            DClass.IN,
            10,
            256,
            3,
            15,
            FileOwnerKsk.generate(ZONE, 15, dir.resolve("zsk.pem")).dnskey(10).getKey());
    SkrSigner.Schedule schedule =
        new SkrSigner.Schedule(10, Duration.ofDays(1), 2, Duration.ofDays(3), Duration.ZERO);
    assertThatThrownBy(() -> SkrSigner.sign(owner, List.of(ed25519Zsk), schedule, T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zone=owner.test.")
        .hasMessageContaining("algorithm 15")
        .hasMessageContaining("RFC 8901 §4");
  }

  @Test
  void anSkrRendersAndParsesBackAndPassesItsOwnCheck(@TempDir Path dir) throws Exception {
    FileOwnerKsk owner = FileOwnerKsk.generate(ZONE, 13, dir.resolve("owner.pem"));
    DNSKEYRecord zsk =
        new DNSKEYRecord(
            ZONE,
            DClass.IN,
            10,
            256,
            3,
            13,
            FileOwnerKsk.generate(ZONE, 13, dir.resolve("zsk.pem")).dnskey(10).getKey());
    SkrSigner.Schedule schedule =
        new SkrSigner.Schedule(10, Duration.ofDays(1), 3, Duration.ofDays(3), Duration.ofHours(1));
    SignedKeyResponse skr = SkrSigner.sign(owner, List.of(zsk), schedule, T0);
    SignedKeyResponse back = SignedKeyResponse.parse(ZONE, skr.render(T0));
    assertThat(back.sections()).hasSize(3);
    assertThat(back.validUntil()).isEqualTo(T0.plus(Duration.ofDays(5)));
    back.check(owner.dnskey(10), T0, Duration.ofDays(4));
    assertThatThrownBy(() -> back.check(owner.dnskey(10), T0, Duration.ofDays(6)))
        .hasMessageContaining("expire");
  }
}
