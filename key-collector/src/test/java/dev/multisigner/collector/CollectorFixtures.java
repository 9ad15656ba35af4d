package dev.multisigner.collector;

import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.Envelope;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.ObservationFailed;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import dev.multisigner.schemas.avro.SignerObservation;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.serde.SchemaRegistry;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.zones.ZoneDirectory;
import io.micronaut.context.ApplicationContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** The real broker, a key-collector context on it, signer configurations and intents. */
final class CollectorFixtures {

  private CollectorFixtures() {}

  /** The embedded KRaft broker with the catalog topics. */
  static EmbeddedKafka broker(Path dir) {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
    kafka.createTopics(TopicCatalog.all(), 2);
    return kafka;
  }

  /** A key-collector (its beans, no HTTP server) on {@code kafka} with {@code properties}. */
  static ApplicationContext collector(EmbeddedKafka kafka, Map<String, Object> properties) {
    Map<String, Object> p = new HashMap<>();
    p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    p.put("micronaut.server.port", -1);
    p.putAll(properties);
    return ApplicationContext.builder()
        .mainClass(KeyCollectorApplication.class)
        .environments(KeyCollectorApplication.ENVIRONMENT)
        .properties(p)
        .banner(false)
        .start();
  }

  /** The configuration of a lab Knot signer, read through the rfc2136 adapter. */
  static Map<String, Object> knot(String id, KnotSigner knot) {
    return rfc2136(
        id,
        knot.dnsAddress(),
        knot.tsig().name(),
        knot.tsig().algorithm(),
        knot.tsig().secret(),
        "PT3S");
  }

  /** The configuration of a lab PowerDNS signer, read through the powerdns adapter. */
  static Map<String, Object> pdns(String id, PdnsSigner pdns) {
    String prefix = "multisigner.signers." + id + ".";
    return Map.of(
        prefix + "kind", "powerdns",
        prefix + "dns",
            pdns.dnsAddress().getAddress().getHostAddress() + ":" + pdns.dnsAddress().getPort(),
        prefix + "api-url", pdns.apiUrl().toString(),
        prefix + "api-key", pdns.apiKey(),
        prefix + "server-id", pdns.serverId());
  }

  /** An rfc2136 signer at {@code server} whose queries wait up to {@code timeout} (ISO-8601). */
  static Map<String, Object> rfc2136(
      String id,
      InetSocketAddress server,
      String tsigName,
      String tsigAlgorithm,
      String tsigSecret,
      String timeout) {
    String prefix = "multisigner.signers." + id + ".";
    return Map.of(
        prefix + "kind", "rfc2136",
        prefix + "server", server.getAddress().getHostAddress() + ":" + server.getPort(),
        prefix + "tsig-name", tsigName,
        prefix + "tsig-algorithm", tsigAlgorithm,
        prefix + "tsig-secret", tsigSecret,
        prefix + "timeout", timeout);
  }

  /** Enrolls {@code zone} with {@code signers} on the intents topic, as an operator would. */
  static void enroll(TopicProbe probe, String zone, List<String> signers) {
    SchemaRegistry.trustOurClasses(); // the policy builder copies enum defaults reflectively
    probe.send(
        TopicCatalog.ZONE_INTENTS,
        zone,
        new ZoneIntent(
            new Envelope(
                UUID.randomUUID().toString(), zone, Instant.now(), "collector-test", null, null),
            new EnrollZone(
                signers.stream().map(s -> new SignerSpec(s, "test", 13, List.of())).toList(),
                GroupPolicy.newBuilder().build())));
  }

  /** Reads the zone's observations from the start until {@code done} holds (or a minute passed). */
  static List<SignerObservation> observationsUntil(
      TopicProbe probe, String zone, Predicate<List<SignerObservation>> done) {
    return probe.readUntil(TopicCatalog.SIGNER_OBSERVATIONS, zone, done, Duration.ofSeconds(60));
  }

  /** The snapshots of {@code signer} among {@code observations}. */
  static List<SignerKeysObserved> observed(List<SignerObservation> observations, String signer) {
    return of(observations, signer, SignerKeysObserved.class);
  }

  /** The failures of {@code signer} among {@code observations}. */
  static List<ObservationFailed> failed(List<SignerObservation> observations, String signer) {
    return of(observations, signer, ObservationFailed.class);
  }

  private static <T> List<T> of(List<SignerObservation> all, String signer, Class<T> type) {
    return all.stream()
        .filter(o -> o.getSignerId().equals(signer))
        .map(SignerObservation::getObservation)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }

  /** Waits until the collector's zone directory lists {@code zone}. */
  static void awaitManaged(ApplicationContext collector, String zone) {
    ZoneDirectory directory = collector.getBean(ZoneDirectory.class);
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> directory.zones().containsKey(zone));
  }
}
