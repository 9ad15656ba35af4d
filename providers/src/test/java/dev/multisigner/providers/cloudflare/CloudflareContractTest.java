package dev.multisigner.providers.cloudflare;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.contract.DnsProviderContract;
import java.time.Duration;
import java.util.List;

/**
 * CONTRACT TEST: the provider contract against {@link CloudflareContractServer}, a local server
 * that implements Cloudflare's documented API and serves the zone signed over DNS. It proves the
 * adapter keeps to the documented contract; it does not prove Cloudflare behaves as documented.
 */
class CloudflareContractTest extends DnsProviderContract {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final String TOKEN = "Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY-contract";
  private static final String WRONG = "wrong-cloudflare-token-0123456789";

  private CloudflareContractServer server;

  @Override
  protected void start() throws Exception {
    server = new CloudflareContractServer(ZONE.toName(), TOKEN);
    ((CloudflareAdapter) provider()).enableMultiSigner(ZONE);
  }

  @Override
  protected void stop() throws Exception {
    server.close();
  }

  private CloudflareAdapter adapter(String token) {
    return new CloudflareAdapter(
        SignerId.of("cloudflare-c"),
        server.apiBase(),
        Secret.of(token),
        server.nameserver(),
        Duration.ofSeconds(3));
  }

  @Override
  protected DnsProvider provider() {
    return adapter(TOKEN);
  }

  @Override
  protected DnsProvider providerWithWrongCredentials() {
    return adapter(WRONG);
  }

  @Override
  protected ZoneName zone() {
    return ZONE;
  }

  @Override
  protected List<String> secrets() {
    return List.of(TOKEN, WRONG, "ENCRYPTED-PRIVATE-KEY-MUST-NEVER-BE-LOGGED");
  }
}
