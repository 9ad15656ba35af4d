package dev.multisigner.support;

import dev.multisigner.providers.Secret;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import io.micronaut.context.env.EnvironmentPropertySource;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.SystemPropertiesPropertySource;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Refuses, at start, a service whose secrets (the operator API token, the observe token, TSIG
 * secrets, provider API keys and tokens, Kafka's SASL JAAS line and TLS store passwords) are given
 * literally as {@code -D} system properties or environment variables: a {@code -D} value shows in
 * the process list, an environment variable in the process's environment to anyone who may read it.
 * There they must name where the secret is, {@code file:/path} or {@code env:NAME}. The refusal
 * names the property and its source, never the value. Configuration files (which can be owner-only)
 * may still hold literals.
 */
@Context
public class LiteralSecretGuard {

  /** The secret-bearing properties, with '.', '-' and '_' all written as '.'. */
  private static final List<Pattern> SECRETS =
      List.of(
          Pattern.compile("multisigner\\.api\\.token"),
          Pattern.compile("multisigner\\.collector\\.observe\\.token"),
          Pattern.compile("multisigner\\.signers\\..+\\.(tsig\\.secret|api\\.key|api\\.token)"),
          Pattern.compile("multisigner\\.ds\\.publisher\\.parents\\..+\\.tsig\\.secret"),
          // Kafka client credentials, at kafka.* or a client's subtree (kafka.producers.x.*, ...)
          Pattern.compile(
              "kafka\\.(.+\\.)?("
                  + KafkaClientSettings.SECRET_KEYS.stream()
                      .map(Pattern::quote)
                      .collect(java.util.stream.Collectors.joining("|"))
                  + ")"));

  public LiteralSecretGuard(Environment environment) {
    check(environment.getPropertySources());
  }

  /**
   * Throws naming the first secret given literally in a system property or environment variable.
   */
  static void check(Collection<PropertySource> sources) {
    for (PropertySource source : sources) {
      String origin = origin(source.getName());
      if (origin == null) {
        continue;
      }
      for (String key : source) {
        if (!isSecret(key)) {
          continue;
        }
        Object value = source.get(key);
        if (value != null && !Secret.isReference(value.toString().trim())) {
          throw new IllegalStateException(
              key
                  + " (a "
                  + origin
                  + "): a literal secret is refused there (it would show in the process list or"
                  + " environment): give file:/path or env:NAME instead");
        }
      }
    }
  }

  private static String origin(String sourceName) {
    if (SystemPropertiesPropertySource.NAME.equals(sourceName)) {
      return "-D system property";
    }
    if (EnvironmentPropertySource.NAME.equals(sourceName)) {
      return "environment variable";
    }
    return null;
  }

  static boolean isSecret(String key) {
    String normalized = key.toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
    return SECRETS.stream().anyMatch(p -> p.matcher(normalized).matches());
  }
}
