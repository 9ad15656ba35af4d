package dev.multisigner.providers.inmemory;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.TestKeys;
import dev.multisigner.providers.contract.DnsProviderContract;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;

/** The contract against the in-memory provider (no signatures: the DNS cases are skipped). */
class InMemoryContractTest extends DnsProviderContract {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final String TOKEN = "in-memory-token-5ecr3t";
  private static final String WRONG = "wrong-token-0ther";

  private InMemoryClient client;

  @Override
  protected void start() {
    client = new InMemoryClient(Secret.of(TOKEN));
    Name apex = ZONE.toName();
    client.addZone(
        ZONE,
        List.of(TestKeys.ksk(apex), TestKeys.zsk(apex)),
        List.of(new NSRecord(apex, DClass.IN, 60, Name.fromConstantString("ns1.example.test."))));
  }

  @Override
  protected void stop() {}

  @Override
  protected DnsProvider provider() {
    return new InMemoryAdapter(SignerId.of("memory-a"), client, Secret.of(TOKEN));
  }

  @Override
  protected DnsProvider providerWithWrongCredentials() {
    return new InMemoryAdapter(SignerId.of("memory-a"), client, Secret.of(WRONG));
  }

  @Override
  protected ZoneName zone() {
    return ZONE;
  }

  @Override
  protected List<String> secrets() {
    return List.of(TOKEN, WRONG);
  }
}
