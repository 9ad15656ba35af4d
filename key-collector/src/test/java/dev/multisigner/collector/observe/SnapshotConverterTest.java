package dev.multisigner.collector.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.ZoneKeySnapshot.OwnKeySource;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.ObservationSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;

/** The signer's own-key list reaches the log only where the provider listed it. */
class SnapshotConverterTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final DNSKEYRecord OWN = key(257, 1);
  private static final DNSKEYRecord PLANTED = key(257, 2);

  private static DNSKEYRecord key(int flags, int seed) {
    byte[] k = new byte[64];
    k[0] = (byte) seed;
    return new DNSKEYRecord(
        ZONE.toName(), DClass.IN, 60, flags, 3, DNSSEC.Algorithm.ECDSAP256SHA256, k);
  }

  private static ZoneKeySnapshot snapshot(OwnKeySource source) {
    return new ZoneKeySnapshot(
        ZONE,
        SignerId.of("pdns-b"),
        List.of(OWN, PLANTED),
        List.of(),
        List.of(),
        List.of(),
        Optional.empty(),
        List.of(),
        Set.of(OWN),
        source);
  }

  @Test
  void carriesTheListedOwnKeysAndNotAServedKeyTheListLacks() {
    List<Dnskey> own =
        SnapshotConverter.toObservation(snapshot(OwnKeySource.API), ObservationSource.DNS_QUERY)
            .getOwnKeys();

    assertThat(own).extracting(Dnskey::getKeyTag).containsExactly(OWN.getFootprint());
  }

  @Test
  void carriesNoListWhereOwnKeysWereOnlyInferredFromSignatures() {
    assertThat(
            SnapshotConverter.toObservation(
                    snapshot(OwnKeySource.SIGNATURES), ObservationSource.DNS_QUERY)
                .getOwnKeys())
        .isNull();
  }
}
