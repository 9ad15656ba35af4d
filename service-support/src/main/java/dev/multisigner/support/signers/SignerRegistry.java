package dev.multisigner.support.signers;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.Support;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderFactory;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import jakarta.inject.Singleton;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider adapter per configured signer, from {@code multisigner.signers.<id>.<key>} (keys as
 * {@link ProviderFactory} documents them: {@code kind}, {@code server}, {@code
 * tsig-secret=file:…}). A signer whose configuration is incomplete is refused at start with a
 * message naming the signer and the key, never a secret.
 */
@Singleton
public class SignerRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(SignerRegistry.class);
  private static final String PREFIX = "multisigner.signers";

  private final Map<String, DnsProvider> providers;

  public SignerRegistry(Environment environment) {
    this(flatConfig(environment.getProperties(PREFIX, StringConvention.RAW)));
  }

  /** Builds the registry from signer id to that signer's flat configuration. */
  public SignerRegistry(Map<String, Map<String, String>> config) {
    Map<String, DnsProvider> map = new TreeMap<>();
    config.forEach(
        (id, values) -> {
          DnsProvider provider = ProviderFactory.create(SignerId.of(id), values);
          map.put(id, provider);
          Support listing = provider.ownKeyListing();
          LOG.info(
              "event=signer_configured signer={} kind={} own_keys=\"{}\"",
              id,
              provider.kind(),
              listing.available()
                  ? "listed by the provider"
                  : "not listed (" + listing.reason() + ")");
        });
    this.providers = Collections.unmodifiableMap(map);
  }

  /** The adapter of a signer, or empty when this deployment does not know it. */
  public Optional<DnsProvider> provider(String signerId) {
    return Optional.ofNullable(providers.get(signerId));
  }

  /** Every configured signer id, sorted. */
  public List<String> signerIds() {
    return List.copyOf(providers.keySet());
  }

  /** {@code {"knot-a.kind": "rfc2136", ...}} to {@code {"knot-a": {"kind": "rfc2136"}, ...}}. */
  static Map<String, Map<String, String>> flatConfig(Map<String, Object> properties) {
    Map<String, Map<String, String>> bySigner = new TreeMap<>();
    properties.forEach(
        (key, value) -> {
          int dot = key.indexOf('.');
          if (dot > 0 && value != null) {
            bySigner
                .computeIfAbsent(key.substring(0, dot), k -> new TreeMap<>())
                .put(key.substring(dot + 1), value.toString());
          }
        });
    return bySigner;
  }
}
