package dev.multisigner.providers.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.TestKeys;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/** The interface's import/withdraw/publish verbs: one plan each, and idempotent. */
class InMemoryAdapterTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final Name APEX = ZONE.toName();

  private final InMemoryClient client = new InMemoryClient(Secret.of("t0ken"));
  private final InMemoryAdapter adapter =
      new InMemoryAdapter(SignerId.of("memory-a"), client, Secret.of("t0ken"));

  InMemoryAdapterTest() {
    client.addZone(ZONE, List.of(TestKeys.ksk(APEX), TestKeys.zsk(APEX)), List.of());
  }

  @Test
  void importAndWithdrawAreOnePlanEachAndIdempotent() {
    DNSKEYRecord a = TestKeys.zsk(APEX);
    DNSKEYRecord b = TestKeys.zsk(APEX);

    ProviderPlan first = adapter.importDnskeys(ZONE, List.of(a, b));
    ProviderPlan again = adapter.importDnskeys(ZONE, List.of(a, b));

    assertThat(first.lines()).hasSize(2).allMatch(l -> l.startsWith("+ example.test. DNSKEY"));
    assertThat(again.isEmpty()).isTrue();
    assertThat(adapter.read(ZONE).foreignDnskeys()).containsExactlyInAnyOrder(a, b);

    assertThat(adapter.withdrawDnskeys(ZONE, List.of(a)).lines()).hasSize(1);
    assertThat(adapter.withdrawDnskeys(ZONE, List.of(a)).isEmpty()).isTrue();
    assertThat(adapter.read(ZONE).foreignDnskeys()).containsExactly(b);
  }

  @Test
  void publishAndWithdrawCdsAndCdnskey() {
    DNSKEYRecord ksk = TestKeys.ksk(APEX);

    ProviderPlan published =
        adapter.publishCdsCdnskey(ZONE, List.of(TestKeys.cds(ksk)), List.of(TestKeys.cdnskey(ksk)));

    assertThat(published.lines()).hasSize(2);
    assertThat(adapter.read(ZONE).cds()).contains(TestKeys.cds(ksk)).hasSize(2);
    adapter.withdrawCdsCdnskey(ZONE, List.of(TestKeys.cds(ksk)), List.of(TestKeys.cdnskey(ksk)));
    assertThat(adapter.read(ZONE).cds()).doesNotContain(TestKeys.cds(ksk)).hasSize(1);
    assertThat(client.added(ZONE)).isEmpty();
  }
}
