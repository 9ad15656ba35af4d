package dev.multisigner.support;

import dev.multisigner.providers.Secret;
import io.micronaut.configuration.kafka.config.KafkaDefaultConfiguration;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Kafka client settings every client of a service shares: each {@code kafka.*} setting
 * (bootstrap servers, {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, timeouts), as
 * Micronaut gives them to the clients it builds (without its {@code producers}, {@code consumers},
 * {@code streams} and {@code health} subtrees). The clients built by hand (the coordinator's Kafka
 * Streams, the signer writers' consumers, the zone directory) start from these, so a secured
 * cluster needs its settings once, for every client. A secret setting ({@link #SECRET_KEYS}) given
 * as {@code file:/path} or {@code env:NAME} is resolved here and in the settings Micronaut's own
 * clients read ({@link KafkaSecretResolver}).
 */
@Singleton
public final class KafkaClientSettings {

  /** Kafka client settings that carry a credential. */
  public static final Set<String> SECRET_KEYS =
      Set.of(
          "sasl.jaas.config",
          "ssl.key.password",
          "ssl.keystore.password",
          "ssl.keystore.key",
          "ssl.truststore.password",
          "ssl.truststore.certificates");

  private final Map<String, Object> common;

  @Inject
  public KafkaClientSettings(KafkaDefaultConfiguration defaults) {
    this(asMap(defaults));
  }

  private KafkaClientSettings(Map<String, Object> settings) {
    Map<String, Object> c = new TreeMap<>();
    settings.forEach(
        (k, v) -> {
          if (!k.startsWith("health.") && !k.equals("enabled")) {
            c.put(k, resolve(k, v));
          }
        });
    this.common = Map.copyOf(c);
  }

  /** Only bootstrap servers: an unsecured cluster (tests and tools). */
  public static KafkaClientSettings of(String bootstrapServers) {
    return new KafkaClientSettings(Map.of("bootstrap.servers", bootstrapServers));
  }

  /** Settings as a client config (a copy, to add the client's own settings to). */
  public Map<String, Object> common() {
    return new TreeMap<>(common);
  }

  /** A secret setting's value: a {@code file:}/{@code env:} reference read, anything else as is. */
  static Object resolve(String key, Object value) {
    return SECRET_KEYS.contains(key) && value instanceof String s && Secret.isReference(s)
        ? Secret.fromConfig(s).reveal()
        : value;
  }

  private static Map<String, Object> asMap(KafkaDefaultConfiguration defaults) {
    Map<String, Object> m = new TreeMap<>();
    defaults.getConfig().forEach((k, v) -> m.put(k.toString(), v));
    return m;
  }

  @Override
  public String toString() {
    Map<String, Object> shown = new TreeMap<>(common);
    SECRET_KEYS.forEach(k -> shown.computeIfPresent(k, (x, v) -> "****"));
    return "KafkaClientSettings" + shown;
  }
}
