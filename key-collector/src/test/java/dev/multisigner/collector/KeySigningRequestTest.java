package dev.multisigner.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.KeySigningRequested;
import dev.multisigner.schemas.avro.SignerObservation;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model 1: the collector publishes a Knot offline-KSK member's key signing request (its ZSKs, from
 * {@code keymgr generate-ksr}) on the observations topic, before the member has any SKR (its zone
 * cannot load yet), and again when a new ZSK is introduced at the member, before it signs with it.
 */
class KeySigningRequestTest {

  private static final String ZONE = "m1.test.";
  private static final String KNOT = "knot-a";

  @TempDir Path dir;

  @Test
  void publishesTheMembersZsksAndANewOneWhenItIsIntroduced() throws Exception {
    try (DnsLab lab = DnsLab.builder().zone(ZONE).knotSigner(KNOT, KeyScheme.OFFLINE_KSK).start();
        EmbeddedKafka kafka = CollectorFixtures.broker(dir.resolve("kafka"));
        TopicProbe probe = new TopicProbe(kafka.bootstrapServers())) {
      KnotSigner knot = lab.knot(KNOT);
      String conf = knot.configFile().toString();
      String prefix = "multisigner.signers." + KNOT + ".";
      Map<String, Object> p = new HashMap<>(CollectorFixtures.knot(KNOT, knot));
      p.put(prefix + "kind", "knot-offline-ksk");
      p.put(prefix + "keymgr", "keymgr -c " + conf);
      p.put(prefix + "knotc", "knotc -c " + conf);
      p.put("multisigner.collector.poll-interval", "1s");
      p.put("multisigner.collector.poll-initial-delay", "0s");
      try (ApplicationContext collector = CollectorFixtures.collector(kafka, p)) {
        CollectorFixtures.enroll(probe, ZONE, List.of(KNOT));
        CollectorFixtures.awaitManaged(collector, ZONE);

        List<KeySigningRequested> first =
            requests(CollectorFixtures.observationsUntil(probe, ZONE, o -> !requests(o).isEmpty()));
        assertThat(first.get(0).getZsks()).hasSize(1);
        assertThat(first.get(0).getZsks().get(0).getFlags()).isEqualTo(256);
        int zsk = first.get(0).getZsks().get(0).getKeyTag();

        knot.keymgr("generate", "ksk=no", "zsk=yes", "publish=+0", "active=+10y");
        List<KeySigningRequested> all =
            requests(CollectorFixtures.observationsUntil(probe, ZONE, o -> requests(o).size() > 1));
        KeySigningRequested latest = all.get(all.size() - 1);
        assertThat(latest.getZsks()).extracting(Dnskey::getKeyTag).hasSize(2).contains(zsk);
        assertThat(latest.getRequestedAt()).isAfter(first.get(0).getRequestedAt());
      }
    }
  }

  private static List<KeySigningRequested> requests(List<SignerObservation> observations) {
    return observations.stream()
        .filter(o -> o.getSignerId().equals(KNOT))
        .map(SignerObservation::getObservation)
        .filter(KeySigningRequested.class::isInstance)
        .map(KeySigningRequested.class::cast)
        .toList();
  }
}
