package dev.multisigner.domain.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/** Our key tag and DS rdata agree with dnsjava's (RFC 4034 Appendix B and §5.1.4). */
class KeyDataTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");

  @Test
  void keyTagMatchesDnsjavasFootprintForRandomKeys() {
    Random rnd = new Random(4034);
    for (int i = 0; i < 2_000; i++) {
      byte[] pub = new byte[1 + rnd.nextInt(300)];
      rnd.nextBytes(pub);
      int flags = rnd.nextBoolean() ? 257 : 256;
      int alg = new int[] {8, 13, 14, 15}[rnd.nextInt(4)];
      KeyData k = new KeyData(flags, 3, alg, pub);

      int footprint = new DNSKEYRecord(Name.root, DClass.IN, 0, flags, 3, alg, pub).getFootprint();

      assertThat(k.keyTag()).as("key %d", i).isEqualTo(footprint);
    }
  }

  @Test
  void dsOfAKeyReferencesItAndNoOtherKey() {
    KeyData a = new KeyData(257, 3, 13, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    KeyData b = new KeyData(257, 3, 13, new byte[] {3, 4, 1, 2, 5, 6, 7, 8});
    DsData ds = DsData.of(ZONE, a, GroupPolicy.SHA256);

    assertThat(a.keyTag()).isEqualTo(b.keyTag());
    assertThat(ds.references(ZONE, a)).isTrue();
    assertThat(ds.references(ZONE, b)).isFalse();
    assertThat(ds)
        .isEqualTo(
            DsData.of(
                new DSRecord(
                    ZONE.toName(), DClass.IN, 0, DSRecord.Digest.SHA256, a.toRecord(ZONE, 0))));
  }
}
