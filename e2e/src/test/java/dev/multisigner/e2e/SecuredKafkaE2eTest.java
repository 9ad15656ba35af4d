package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.lab.kafka.EmbeddedKafka.SaslUser;
import dev.multisigner.schemas.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three services on a broker that takes only SASL_PLAINTEXT/PLAIN clients: the zone directory,
 * the pollers' event log, the coordinator's Kafka Streams, its signer writers and the ds-publisher
 * each reach the broker with the {@code kafka.*} credentials, and the zone converges (both signers
 * serve both ZSKs, the parent holds both DS). A client without credentials reads nothing.
 */
class SecuredKafkaE2eTest {

  private static final SaslUser USER = new SaslUser("multisigner", "sasl-secret-5d2f");

  @TempDir Path dir;

  @Test
  void everyServiceConvergesAZoneThroughASaslListener() throws Exception {
    try (E2eWorld w = E2eWorld.startSecured(dir, USER)) {
      w.enroll();
      assertThat(await(Duration.ofMinutes(2), w::converged))
          .as("converged over SASL:\n%s\n%s", w.check().render(), E2eWorld.render(w.audit()))
          .isTrue();
      Set<Integer> ksks = new HashSet<>(w.ownKsks(w.lab.knot(E2eWorld.KNOT)));
      ksks.addAll(w.ownKsks(w.lab.pdns(E2eWorld.PDNS)));
      assertThat(w.parentDsTags()).isEqualTo(ksks);
      assertThat(w.watch.counts().bogus()).as("%s", w.watch.counts()).isZero();

      // the same broker refuses a client that brings no credentials, or wrong ones
      String bootstrap = w.stack.bootstrapServers();
      assertThatThrownBy(() -> partitions(Map.of("bootstrap.servers", bootstrap)))
          .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
      Map<String, Object> wrong = new HashMap<>(new SaslUser(USER.name(), "nope").clientSecurity());
      wrong.put("bootstrap.servers", bootstrap);
      assertThatThrownBy(() -> partitions(wrong))
          .isInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
    }
  }

  private static void partitions(Map<String, Object> settings) {
    Map<String, Object> c = new HashMap<>(settings);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "intruder");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.partitionsFor(TopicCatalog.Names.ZONE_EVENTS, Duration.ofSeconds(5));
    }
  }
}
