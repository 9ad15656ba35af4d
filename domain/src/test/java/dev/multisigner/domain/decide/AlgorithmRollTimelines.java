package dev.multisigner.domain.decide;

import static dev.multisigner.domain.ZoneFixtures.*;

import dev.multisigner.domain.decide.ZoneInput.SignerKeysObserved;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerId;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Keys of the new algorithm (Ed25519, 15) and observations with explicit signing keys. */
final class AlgorithmRollTimelines {

  static final int ED25519 = 15;
  static final KeyData A_KSK15 = key("a.ksk15", 257, ED25519);
  static final KeyData A_ZSK15 = key("a.zsk15", 256, ED25519);
  static final KeyData B_KSK15 = key("b.ksk15", 257, ED25519);
  static final KeyData B_ZSK15 = key("b.zsk15", 256, ED25519);

  private AlgorithmRollTimelines() {}

  /**
   * {@code signer} serves {@code dnskeys}, signs its DNSKEY RRset with {@code ksks} and its zone
   * data with {@code zsks}, and serves the CDS/CDNSKEY for {@code cdsFor}.
   */
  static ZoneInput observed(
      SignerId signer,
      long s,
      List<KeyData> dnskeys,
      List<KeyData> ksks,
      List<KeyData> zsks,
      List<KeyData> cdsFor) {
    return new SignerKeysObserved(
        ZONE,
        signer,
        new SignerObservation(
            at(s),
            dnskeys,
            tags(ksks),
            tags(zsks),
            dsSet(cdsFor.toArray(KeyData[]::new)),
            cdsFor,
            List.of()));
  }

  private static Set<Integer> tags(List<KeyData> keys) {
    return keys.stream().map(KeyData::keyTag).collect(Collectors.toSet());
  }
}
