package dev.multisigner.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.EnvironmentPropertySource;
import io.micronaut.context.env.MapPropertySource;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.SystemPropertiesPropertySource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 ("literal secrets refused"): a service started with a secret given literally as a -D
 * system property or an environment variable refuses to start, naming the property and not the
 * value; {@code file:} and {@code env:} references start.
 */
class LiteralSecretGuardTest {

  private static final String LITERAL = "s3cr3t-literal-value";

  @Test
  void aLiteralApiTokenAsSystemPropertyRefusesTheStartNamingThePropertyNotTheValue() {
    String key = "multisigner.signers.knot-a.tsig-secret";
    System.setProperty(key, LITERAL);
    try {
      assertThatThrownBy(() -> ApplicationContext.run(Map.of(), "test").close())
          .hasStackTraceContaining(key)
          .hasStackTraceContaining("-D system property")
          .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(LITERAL));
    } finally {
      System.clearProperty(key);
    }
  }

  @Test
  void aReferenceAsSystemPropertyStarts() {
    String key = "multisigner.api.token";
    System.setProperty(key, "file:/run/secrets/api-token");
    try {
      assertThatCode(() -> LiteralSecretGuard.check(List.of(new SystemPropertiesPropertySource())))
          .doesNotThrowAnyException();
    } finally {
      System.clearProperty(key);
    }
  }

  @Test
  void literalEnvironmentVariablesForEverySecretAreRefused() {
    for (String name :
        List.of(
            "MULTISIGNER_API_TOKEN",
            "MULTISIGNER_COLLECTOR_OBSERVE_TOKEN",
            "MULTISIGNER_SIGNERS_PDNS_B_API_KEY",
            "MULTISIGNER_SIGNERS_CF_API_TOKEN",
            "MULTISIGNER_DS_PUBLISHER_PARENTS_LAB_TSIG_SECRET",
            "KAFKA_SASL_JAAS_CONFIG",
            "KAFKA_SSL_KEYSTORE_PASSWORD",
            "KAFKA_SSL_TRUSTSTORE_PASSWORD",
            "KAFKA_SSL_KEY_PASSWORD",
            "KAFKA_STREAMS_DEFAULT_SASL_JAAS_CONFIG")) {
      PropertySource env =
          MapPropertySource.of(EnvironmentPropertySource.NAME, Map.of(name, LITERAL));
      assertThatThrownBy(() -> LiteralSecretGuard.check(List.of(env)))
          .as(name)
          .hasMessageContaining(name)
          .hasMessageContaining("environment variable")
          .hasMessageNotContaining(LITERAL);
      PropertySource ref =
          MapPropertySource.of(EnvironmentPropertySource.NAME, Map.of(name, "env:OTHER_VAR"));
      assertThatCode(() -> LiteralSecretGuard.check(List.of(ref))).doesNotThrowAnyException();
    }
    // Kafka settings that carry no credential stay free
    PropertySource plain =
        MapPropertySource.of(
            EnvironmentPropertySource.NAME,
            Map.of(
                "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/multisigner/truststore.p12"));
    assertThatCode(() -> LiteralSecretGuard.check(List.of(plain))).doesNotThrowAnyException();
    // the same literal in a configuration file's source is not this guard's business
    PropertySource file =
        MapPropertySource.of("application", Map.of("multisigner.api.token", LITERAL));
    assertThatCode(() -> LiteralSecretGuard.check(List.of(file))).doesNotThrowAnyException();
  }

  private static String stackTrace(Throwable e) {
    java.io.StringWriter w = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }
}
