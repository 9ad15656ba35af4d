package dev.multisigner.support;

import io.micronaut.configuration.kafka.config.KafkaDefaultConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.util.Properties;

/**
 * Reads a Kafka credential given as {@code file:/path} or {@code env:NAME} (for example {@code
 * KAFKA_SASL_JAAS_CONFIG=file:/run/secrets/kafka-jaas}) into the settings every Micronaut-built
 * Kafka client starts from, so no service needs the credential itself in its configuration.
 */
@Singleton
public class KafkaSecretResolver implements BeanCreatedEventListener<KafkaDefaultConfiguration> {

  @Override
  public KafkaDefaultConfiguration onCreated(BeanCreatedEvent<KafkaDefaultConfiguration> event) {
    Properties config = event.getBean().getConfig();
    for (String key : KafkaClientSettings.SECRET_KEYS) {
      Object value = config.get(key);
      if (value != null) {
        config.put(key, KafkaClientSettings.resolve(key, value));
      }
    }
    return event.getBean();
  }
}
