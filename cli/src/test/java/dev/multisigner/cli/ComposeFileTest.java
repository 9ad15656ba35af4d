package dev.multisigner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot run on the development machines (no Docker engine), so this test keeps
 * it honest: each service's main class, environment, port and Kafka settings must match what the
 * code reads.
 */
class ComposeFileTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void kafkaIsTheApacheImageOfTheVersionTheBuildUses() throws Exception {
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    Matcher m = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(pom);
    assertThat(m.find()).isTrue();
    Map<String, Object> kafka = service("kafka");
    assertThat(kafka.get("image")).isEqualTo("apache/kafka:" + m.group(1));
    assertThat(env(kafka).get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://kafka:9092");
  }

  @ParameterizedTest
  @CsvSource({
    "key-collector, dev.multisigner.collector.KeyCollectorApplication",
    "signer-coordinator, dev.multisigner.coordinator.CoordinatorApplication",
    "ds-publisher, dev.multisigner.dspublisher.DsPublisherApplication"
  })
  void eachServiceRunsItsMainClassOnItsConfiguredPortAgainstTheComposeKafka(
      String name, String mainClass) throws Exception {
    Map<String, Object> service = service(name);
    Map<String, Object> env = env(service);
    Class<?> main = Class.forName(mainClass);
    assertThat(env.get("MULTISIGNER_MAIN")).isEqualTo(mainClass);
    assertThat(main.getField("ENVIRONMENT").get(null)).isEqualTo(name);
    assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka:9092");

    Map<String, Object> config = applicationYml(name);
    int port =
        (Integer) ((Map<?, ?>) ((Map<?, ?>) config.get("micronaut")).get("server")).get("port");
    assertThat(env.get("MICRONAUT_SERVER_PORT")).isEqualTo(port);
    assertThat(service.get("ports").toString()).contains(port + ":" + port);
    assertThat(service.get("build")).isEqualTo(".");
  }

  @Test
  void theCoordinatorsStateDirectoryIsASettingTheCodeReads() throws Exception {
    Map<String, Object> env = env(service("signer-coordinator"));
    assertThat(env).containsKey("MULTISIGNER_COORDINATOR_STATE_DIR");
    Map<?, ?> multisigner = (Map<?, ?>) applicationYml("signer-coordinator").get("multisigner");
    assertThat(((Map<?, ?>) multisigner.get("coordinator")).containsKey("state-dir")).isTrue();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theOperatorApiIsPublishedOnlyWithATokenFromASecretFile() throws Exception {
    Map<String, Object> coordinator = service("signer-coordinator");
    Map<String, Object> env = env(coordinator);
    assertThat(env.get("MULTISIGNER_API_TOKEN"))
        .isEqualTo("file:/run/secrets/multisigner_api_token");
    assertThat((List<String>) coordinator.get("secrets")).containsExactly("multisigner_api_token");
    try (InputStream in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
      Map<String, Object> compose = new Yaml().load(in);
      Map<String, Object> secrets = (Map<String, Object>) compose.get("secrets");
      assertThat(secrets.get("multisigner_api_token").toString()).contains("file=");
    }
    assertThat(env).doesNotContainKey("MULTISIGNER_API_ALLOW_UNAUTHENTICATED_LOOPBACK");
    Map<?, ?> api =
        (Map<?, ?>)
            ((Map<?, ?>) applicationYml("signer-coordinator").get("multisigner")).get("api");
    assertThat(api.get("token")).isEqualTo("${MULTISIGNER_API_TOKEN:}");
    assertThat(api.get("allow-unauthenticated-loopback")).isEqualTo(false);
  }

  @Test
  void theImageEntryPointRunsTheClassNamedByTheEnvironment() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    assertThat(dockerfile).contains("$MULTISIGNER_MAIN").contains("cli/target/multisigner.jar");
    Map<String, Object> topics = service("topics");
    assertThat(topics.get("command").toString()).contains("topics").contains("kafka:9092");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> service(String name) throws Exception {
    try (InputStream in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
      Map<String, Object> compose = new Yaml().load(in);
      Map<String, Object> services = (Map<String, Object>) compose.get("services");
      assertThat(services).containsKey(name);
      return (Map<String, Object>) services.get(name);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> env(Map<String, Object> service) {
    return (Map<String, Object>) service.get("environment");
  }

  private static Map<String, Object> applicationYml(String env) throws Exception {
    try (InputStream in =
        ComposeFileTest.class.getResourceAsStream("/application-" + env + ".yml")) {
      assertThat(in).as("application-" + env + ".yml on the classpath").isNotNull();
      return new Yaml().load(in);
    }
  }
}
