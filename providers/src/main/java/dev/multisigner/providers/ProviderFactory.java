package dev.multisigner.providers;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.providers.cloudflare.CloudflareAdapter;
import dev.multisigner.providers.cloudflare.CloudflareCapabilities;
import dev.multisigner.providers.dns.DnsKeyReader.OwnKeys;
import dev.multisigner.providers.modelone.KnotKeymgr;
import dev.multisigner.providers.modelone.KnotOfflineKskAdapter;
import dev.multisigner.providers.modelone.OwnerKskProvider;
import dev.multisigner.providers.modelone.OwnerKskState;
import dev.multisigner.providers.powerdns.PowerDnsAdapter;
import dev.multisigner.providers.powerdns.PowerDnsCapabilities;
import dev.multisigner.providers.rfc2136.Rfc2136Adapter;
import dev.multisigner.providers.rfc2136.Rfc2136Capabilities;
import dev.multisigner.providers.rfc2136.TsigKey;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds an adapter from flat configuration, as a service reads it ({@code
 * multisigner.providers.<signer>.<key>}). Credential keys ({@code tsig-secret}, {@code api-key},
 * {@code api-token}) go through {@link Secret#fromConfig}: a literal, {@code file:/path} or {@code
 * env:NAME}. Errors name the signer and the key, never a value.
 *
 * <pre>
 * kind=rfc2136     server=127.0.0.1:5320  tsig-name=knot-a-ddns  tsig-algorithm=hmac-sha256
 *                  tsig-secret=file:/run/secrets/knot-a  [timeout=PT3S]
 *                  [keymgr=keymgr -D /var/lib/knot/keys]  [keymgr-timeout=PT10S]
 *                  (keymgr lists the zone's keys; -D, the key database, spares each run the
 *                  parsing of the whole configuration, -c /etc/knot/knot.conf works too)
 * kind=powerdns    api-url=http://127.0.0.1:8081/api/v1  [server-id=localhost]
 *                  api-key=env:PDNS_API_KEY  dns=127.0.0.1:5330  [timeout=PT3S]
 * kind=cloudflare  api-token=file:/run/secrets/cf  nameserver=172.64.33.1:53
 *                  [api-base=https://api.cloudflare.com/client/v4]  [timeout=PT10S]
 * kind=knot-offline-ksk  (the rfc2136 keys)  keymgr=keymgr -c /etc/knot/knot.conf
 *                  knotc=knotc -c /etc/knot/knot.conf  [ksr-horizon=PT1H]  [skr-margin=PT1M]
 *                  [keymgr-timeout=PT20S]
 * kind=owner-ksk   key-directory=/var/lib/multisigner/ksk  [state-directory=(key-directory)]
 *                  [generate-algorithm=0 (refuse a missing key file) or 13/14/15]
 *                  [signature-interval=PT12H]  [signature-sections=4]
 *                  [signature-lifetime=P2D]  [signature-backdate=PT1H]
 * </pre>
 *
 * <p>{@code keymgr} is the command prefix that runs Knot's key manager for the signer (the same
 * behind {@code ssh knot-host} where Knot runs elsewhere); with it, the signer's own keys are the
 * ones keymgr lists, and a served key it does not list halts the zone. Without it, an RFC 2136
 * signer's own keys are inferred from signatures.
 */
public final class ProviderFactory {

  private ProviderFactory() {}

  /** The adapter for {@code signer} described by {@code config}. */
  public static DnsProvider create(SignerId signer, Map<String, String> config) {
    Config c = new Config(signer, config);
    String kind = c.required("kind");
    return switch (kind) {
      case "rfc2136" -> rfc2136(signer, c, Rfc2136Capabilities.knot(), true);
      case "powerdns" ->
          new PowerDnsAdapter(
              signer,
              c.uri("api-url"),
              c.optional("server-id", "localhost"),
              c.secret("api-key"),
              c.address("dns"),
              c.duration("timeout", PowerDnsCapabilities.limits().suggestedTimeout()));
      case "cloudflare" ->
          new CloudflareAdapter(
              signer,
              c.uri("api-base", "https://api.cloudflare.com/client/v4"),
              c.secret("api-token"),
              c.address("nameserver"),
              c.duration("timeout", CloudflareCapabilities.limits().suggestedTimeout()));
      case "knot-offline-ksk" ->
          new KnotOfflineKskAdapter(
              rfc2136(signer, c, KnotOfflineKskAdapter.offlineKskCapabilities(), false),
              new KnotKeymgr(
                  signer,
                  c.command("keymgr"),
                  c.command("knotc"),
                  c.duration("keymgr-timeout", Duration.ofSeconds(20))),
              c.duration("ksr-horizon", Duration.ofHours(1)),
              c.duration("skr-margin", Duration.ofMinutes(1)),
              Clock.systemUTC());
      case "owner-ksk" -> {
        Path keys = Path.of(c.required("key-directory"));
        yield new OwnerKskProvider(
            signer,
            new OwnerKskProvider.KeyFiles(keys, c.integer("generate-algorithm", 0)),
            new OwnerKskState(signer, Path.of(c.optional("state-directory", keys.toString()))),
            new OwnerKskProvider.Schedule(
                c.duration("signature-interval", Duration.ofHours(12)),
                c.integer("signature-sections", 4),
                c.duration("signature-lifetime", Duration.ofDays(2)),
                c.duration("signature-backdate", Duration.ofHours(1))),
            Clock.systemUTC());
      }
      default ->
          throw c.invalid(
              "kind",
              "unknown adapter kind (rfc2136, powerdns, cloudflare, knot-offline-ksk, owner-ksk)");
    };
  }

  /**
   * @param signsOnlyWithOwnKeys false where the DNSKEY RRset carries another party's signatures (an
   *     offline KSK): then a signing key is not taken as the signer's own without its key manager
   */
  private static Rfc2136Adapter rfc2136(
      SignerId signer, Config c, Capabilities capabilities, boolean signsOnlyWithOwnKeys) {
    return new Rfc2136Adapter(
        signer,
        c.address("server"),
        new TsigKey(
            c.required("tsig-name"),
            c.optional("tsig-algorithm", "hmac-sha256"),
            c.secret("tsig-secret")),
        c.duration("timeout", Duration.ofSeconds(3)),
        c.values().containsKey("keymgr")
            ? OwnKeys.fromKeyManager(
                KnotKeymgr.listing(
                        signer,
                        List.of(c.required("keymgr").split("\\s+")),
                        c.duration("keymgr-timeout", Duration.ofSeconds(10)))
                    ::ownKeyTags,
                signsOnlyWithOwnKeys)
            : OwnKeys.fromSignatures(),
        capabilities);
  }

  private record Config(SignerId signer, Map<String, String> values) {

    private static final Set<String> SECRET_KEYS = Set.of("tsig-secret", "api-key", "api-token");

    String required(String key) {
      String v = values.get(key);
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException(
            "provider " + signer + ": missing config key '" + key + "' (have " + keys() + ")");
      }
      return v.trim();
    }

    String optional(String key, String fallback) {
      String v = values.get(key);
      return v == null || v.isBlank() ? fallback : v.trim();
    }

    Secret secret(String key) {
      try {
        return Secret.fromConfig(required(key));
      } catch (RuntimeException e) {
        // The config value may be the secret itself: say which key, not what it held.
        throw invalid(key, e.getClass().getSimpleName() + " while loading the secret");
      }
    }

    InetSocketAddress address(String key) {
      String v = required(key);
      int colon = v.lastIndexOf(':');
      try {
        return new InetSocketAddress(
            v.substring(0, colon).replace("[", "").replace("]", ""),
            Integer.parseInt(v.substring(colon + 1)));
      } catch (RuntimeException e) {
        throw invalid(key, "expected host:port, got '" + v + "'");
      }
    }

    URI uri(String key) {
      return apiUri(key, required(key));
    }

    URI uri(String key, String fallback) {
      return apiUri(key, optional(key, fallback));
    }

    /**
     * An API's URL: https, or plain http only to a loopback address (a lab, a local agent), because
     * the API key travels in a header and the answers decide which keys are imported.
     */
    private URI apiUri(String key, String v) {
      URI uri;
      try {
        uri = URI.create(v);
      } catch (IllegalArgumentException e) {
        throw invalid(key, "not a URI: '" + v + "'");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (scheme.equals("https")) {
        return uri;
      }
      if (scheme.equals("http") && Hosts.loopback(uri.getHost())) {
        return uri;
      }
      throw invalid(
          key,
          "'"
              + v
              + "' is refused: an API is reached over https (plain http only on loopback, where"
              + " the API key cannot be read on the way)");
    }

    /** A command prefix, split on spaces (no quoting: paths with spaces are not supported). */
    List<String> command(String key) {
      return List.of(required(key).split("\\s+"));
    }

    int integer(String key, int fallback) {
      String v = values.get(key);
      if (v == null || v.isBlank()) {
        return fallback;
      }
      try {
        return Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        throw invalid(key, "expected a number, got '" + v + "'");
      }
    }

    Duration duration(String key, Duration fallback) {
      String v = values.get(key);
      if (v == null || v.isBlank()) {
        return fallback;
      }
      try {
        return Duration.parse(v.trim());
      } catch (RuntimeException e) {
        throw invalid(key, "expected an ISO-8601 duration such as PT3S, got '" + v + "'");
      }
    }

    IllegalArgumentException invalid(String key, String why) {
      return new IllegalArgumentException(
          "provider " + signer + ": config key '" + key + "': " + why);
    }

    /** The keys present (values are not shown: some are secrets). */
    Set<String> keys() {
      return new TreeSet<>(values.keySet());
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("Config[" + signer);
      new TreeSet<>(values.keySet())
          .forEach(
              k ->
                  b.append(' ')
                      .append(k)
                      .append('=')
                      .append(SECRET_KEYS.contains(k) ? "****" : values.get(k)));
      return b.append(']').toString();
    }
  }
}
