package dev.multisigner.support.signers;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.cloudflare.CloudflareAdapter;
import dev.multisigner.providers.powerdns.PowerDnsAdapter;
import dev.multisigner.providers.rfc2136.Rfc2136Adapter;
import dev.multisigner.providers.rfc2136.TsigKey;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider adapter per configured signer. A signer whose configuration is incomplete is refused
 * at start with a message naming the signer and the missing setting (never a secret).
 */
@Singleton
public class SignerRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(SignerRegistry.class);

  private final Map<String, DnsProvider> providers;

  public SignerRegistry(List<SignerConfig> configs) {
    Map<String, DnsProvider> map = new TreeMap<>();
    for (SignerConfig c : configs) {
      map.put(c.getId(), create(c));
      LOG.info(
          "event=signer_configured signer={} type={} server={}",
          c.getId(),
          c.getType(),
          c.getServer());
    }
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

  static DnsProvider create(SignerConfig c) {
    SignerId id = SignerId.of(c.getId());
    String type = require(c, "type", c.getType());
    InetSocketAddress server = hostPort(c, require(c, "server", c.getServer()));
    return switch (type) {
      case "knot", "rfc2136" ->
          new Rfc2136Adapter(
              id,
              server,
              new TsigKey(
                  require(c, "tsig-key-name", c.getTsigKeyName()),
                  c.getTsigAlgorithm(),
                  secret(c, "tsig-secret", c.getTsigSecret(), c.getTsigSecretFile())),
              c.getTimeout(),
              dev.multisigner.providers.dns.DnsKeyReader.OwnKeys.fromSignatures(),
              dev.multisigner.providers.rfc2136.Rfc2136Capabilities.knot());
      case "powerdns" ->
          new PowerDnsAdapter(
              id,
              URI.create(require(c, "api-url", c.getApiUrl())),
              c.getServerId(),
              secret(c, "api-key", c.getApiKey(), c.getApiKeyFile()),
              server,
              c.getTimeout());
      case "cloudflare" ->
          new CloudflareAdapter(
              id,
              URI.create(require(c, "api-url", c.getApiUrl())),
              secret(c, "api-key", c.getApiKey(), c.getApiKeyFile()),
              server,
              c.getTimeout());
      default ->
          throw new IllegalArgumentException(
              "signer "
                  + c.getId()
                  + ": unknown type '"
                  + type
                  + "' (knot, rfc2136, powerdns,"
                  + " cloudflare)");
    };
  }

  private static Secret secret(SignerConfig c, String name, String value, String file) {
    if (file != null && !file.isBlank()) {
      return Secret.fromFile(Path.of(file));
    }
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "signer " + c.getId() + ": set " + name + "-file (or " + name + " from the environment)");
    }
    return Secret.fromConfig(value);
  }

  private static String require(SignerConfig c, String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("signer " + c.getId() + ": missing setting " + name);
    }
    return value;
  }

  private static InetSocketAddress hostPort(SignerConfig c, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "signer " + c.getId() + ": server must be host:port, got '" + hostPort + "'");
    }
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }
}
