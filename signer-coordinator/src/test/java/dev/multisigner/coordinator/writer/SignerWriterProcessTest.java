package dev.multisigner.coordinator.writer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.coordinator.CoordinatorApplication;
import dev.multisigner.coordinator.topology.CoordinatorStreams;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.lab.kafka.TopicProbe;
import dev.multisigner.lab.metrics.PrometheusScrape;
import dev.multisigner.providers.ProviderFactory;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.topics.TopicCatalog;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signer's writer as its own process (environment {@code signer-writer}, what {@code multisigner
 * writer --signer <id>} starts): on the real broker with a lab Knot, it applies that signer's
 * commands and reports their results, with no coordinator Streams and no other signer's writer.
 */
class SignerWriterProcessTest {

  private static final String ZONE = "writers.test.";
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void appliesOnlyItsSignersCommandsWithoutTheCoordinator() {
    try (DnsLab lab =
            DnsLab.builder().zone(ZONE).knotSigner("knot-a").knotSigner("knot-c").start();
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        TopicProbe probe = new TopicProbe(kafka.bootstrapServers())) {
      kafka.createTopics(TopicCatalog.all(), 3);
      Map<String, Object> p = new HashMap<>();
      for (String id : List.of("knot-a", "knot-c")) {
        KnotSigner k = lab.knot(id);
        String prefix = "multisigner.signers." + id + ".";
        p.put(prefix + "kind", "rfc2136");
        p.put(prefix + "server", SignerWritersTest.hostPort(k.dnsAddress()));
        p.put(prefix + "tsig-name", k.tsig().name());
        p.put(prefix + "tsig-algorithm", k.tsig().algorithm());
        p.put(prefix + "tsig-secret", k.tsig().secret());
      }
      p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
      p.put("micronaut.server.port", -1);
      p.put("multisigner.writers.signers", "knot-a");
      try (ApplicationContext writer =
          ApplicationContext.builder()
              .mainClass(CoordinatorApplication.class)
              .environments(CoordinatorApplication.WRITER_ENVIRONMENT)
              .properties(p)
              .banner(false)
              .start()) {
        assertThat(writer.findBean(CoordinatorStreams.class)).isEmpty();
        assertThat(writer.getBean(SignerWriters.class).signers()).containsExactly("knot-a");

        Dnskey foreign = SignerWritersTest.zsk();
        SignerCommand toA = SignerWritersTest.importCommand("knot-a", foreign);
        SignerCommand toC = SignerWritersTest.importCommand("knot-c", foreign);
        probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, toC);
        probe.send(TopicCatalog.SIGNER_COMMANDS, ZONE, toA);

        List<SignerCommandResult> results =
            probe.readUntil(
                TopicCatalog.SIGNER_RESULTS,
                ZONE,
                l -> l.stream().anyMatch(r -> r.getCommandId().equals(toA.getCommandId())),
                PATIENCE);
        assertThat(results)
            .singleElement()
            .satisfies(
                r -> {
                  assertThat(r.getCommandId()).isEqualTo(toA.getCommandId());
                  assertThat(r.getResult()).isInstanceOf(SignerCommandApplied.class);
                });
        assertThat(
                ProviderFactory.create(SignerId.of("knot-a"), knotConfig(p, "knot-a"))
                    .read(ZoneName.of(ZONE))
                    .dnskeys())
            .contains(SignerWritersTest.record(foreign));

        // the process exports its writers' meters on /prometheus
        EmbeddedServer server = writer.getBean(EmbeddedServer.class).start();
        PrometheusScrape metrics = new PrometheusScrape(server.getURI());
        assertThat(
                metrics.value(
                    "multisigner_writer_commands_total",
                    "signer=\"knot-a\"",
                    "outcome=\"applied\""))
            .isEqualTo(1);
        assertThat(metrics.value("multisigner_writer_commands_total", "signer=\"knot-c\""))
            .as("no meters for a signer this process does not write")
            .isEqualTo(-1);
        assertThat(metrics.value("multisigner_writer_queue_depth", "signer=\"knot-a\""))
            .isEqualTo(0);
      }
    }
  }

  private static Map<String, String> knotConfig(Map<String, Object> p, String id) {
    Map<String, String> c = new HashMap<>();
    String prefix = "multisigner.signers." + id + ".";
    p.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            c.put(k.substring(prefix.length()), v.toString());
          }
        });
    return c;
  }
}
