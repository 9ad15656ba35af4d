package dev.multisigner.providers.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.CSYNCRecord;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.LastKnownBasis;
import dev.multisigner.providers.PlanChange;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderLimits;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.TestKeys;
import dev.multisigner.providers.ZoneKeySnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

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

  @Test
  void publishNsMakesTheApexNsSetExactlyTheOneGivenAndRefusesAnEmptyOne() {
    Name a = Name.fromConstantString("ns1.knot-a.test.");
    Name b = Name.fromConstantString("ns2.pdns-b.test.");

    ProviderPlan first = adapter.publishNs(ZONE, List.of(a, b));
    ProviderPlan narrower = adapter.publishNs(ZONE, List.of(b));

    assertThat(first.lines())
        .containsExactly(
            "+ example.test. NS ns1.knot-a.test.", "+ example.test. NS ns2.pdns-b.test.");
    assertThat(narrower.lines()).containsExactly("- example.test. NS ns1.knot-a.test.");
    assertThat(adapter.read(ZONE).ns()).extracting(NSRecord::getTarget).containsExactly(b);
    assertThat(adapter.publishNs(ZONE, List.of(b, b)).isEmpty()).isTrue();
    assertThatThrownBy(() -> adapter.publishNs(ZONE, List.of()))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("zone=example.test. provider=memory-a error=MALFORMED");
    assertThatThrownBy(() -> adapter.publishNs(ZONE, List.of(Name.fromConstantString("ns1"))))
        .hasMessageContaining("relative");
  }

  @Test
  void publishCsyncReplacesAndWithdrawCsyncRemovesEveryCsync() {
    CSYNCRecord first = CSYNCRecord.of(APEX, 60, 0, CSYNCRecord.Flags.IMMEDIATE, Type.NS);
    CSYNCRecord second = CSYNCRecord.of(APEX, 60, 5, CSYNCRecord.Flags.SOA_MINIMUM, Type.NS);

    adapter.publishCsync(ZONE, first);
    ProviderPlan replace = adapter.publishCsync(ZONE, second);

    assertThat(replace.lines())
        .containsExactly("+ example.test. CSYNC 5 2 NS", "- example.test. CSYNC 0 1 NS");
    assertThat(adapter.read(ZONE).csync()).containsExactly(second);
    assertThat(adapter.withdrawCsync(ZONE).lines()).hasSize(1);
    assertThat(adapter.withdrawCsync(ZONE).isEmpty()).isTrue();
    assertThat(client.added(ZONE)).isEmpty();
  }

  @Test
  void aChangedNsSetIsAConcurrentChange() {
    ZoneKeySnapshot stale = adapter.read(ZONE);
    adapter.publishNs(ZONE, List.of(Name.fromConstantString("ns1.knot-a.test.")));
    ProviderPlan late =
        new ProviderPlan(
            stale,
            List.of(
                new PlanChange(
                    PlanChange.Action.ADD,
                    new NSRecord(APEX, DClass.IN, 60, Name.fromConstantString("ns.x.test.")))));

    assertThatThrownBy(() -> adapter.apply(late))
        .isInstanceOf(ProviderException.RetryableProviderException.class)
        .hasMessageContaining("NS RRset changed");
  }

  @Test
  void replaceCdsCdnskeyAddsAndRemovesInOnePlan() {
    DNSKEYRecord old = TestKeys.ksk(APEX);
    DNSKEYRecord next = TestKeys.ksk(APEX);
    adapter.publishCdsCdnskey(ZONE, List.of(TestKeys.cds(old)), List.of(TestKeys.cdnskey(old)));

    ProviderPlan replace =
        adapter.replaceCdsCdnskey(
            ZONE, List.of(TestKeys.cds(next)), List.of(TestKeys.cdnskey(next)));

    assertThat(replace.changes(PlanChange.Action.ADD, Type.CDS)).hasSize(1);
    assertThat(replace.changes(PlanChange.Action.REMOVE, Type.CDS)).hasSizeGreaterThanOrEqualTo(1);
    assertThat(adapter.read(ZONE).cds())
        .contains(TestKeys.cds(next))
        .doesNotContain(TestKeys.cds(old));
    assertThat(adapter.read(ZONE).cdnskeys())
        .contains(TestKeys.cdnskey(next))
        .doesNotContain(TestKeys.cdnskey(old));
    // the same set again adds nothing (the CDS/CDNSKEY of the provider's own KSK, which it serves
    // by itself, stays planned for removal: as with publish then withdraw before)
    ProviderPlan again =
        adapter.replaceCdsCdnskey(
            ZONE, List.of(TestKeys.cds(next)), List.of(TestKeys.cdnskey(next)));
    assertThat(again.changes(PlanChange.Action.ADD, Type.CDS)).isEmpty();
    assertThat(again.changes(PlanChange.Action.ADD, Type.CDNSKEY)).isEmpty();
    adapter.replaceCdsCdnskey(ZONE, List.of(), List.of());
    assertThat(adapter.read(ZONE).cds()).doesNotContain(TestKeys.cds(next));
    assertThat(adapter.read(ZONE).cdnskeys()).doesNotContain(TestKeys.cdnskey(next));
    assertThat(client.added(ZONE)).isEmpty();
  }

  @Test
  void planningFromTheLastKnownStateWritesNsAndCsyncWithoutReadingAndEndsWhereAReadDoes() {
    LastKnownBasis writer = LastKnownBasis.around(adapter, true, 10);
    Name a = Name.fromConstantString("ns1.knot-a.test.");
    Name b = Name.fromConstantString("ns2.pdns-b.test.");
    CSYNCRecord csync = CSYNCRecord.of(APEX, 60, 0, CSYNCRecord.Flags.IMMEDIATE, Type.NS);

    writer.publishNs(ZONE, List.of(a, b));
    writer.publishCsync(ZONE, csync);
    writer.publishNs(ZONE, List.of(b));
    writer.withdrawCsync(ZONE);

    assertThat(writer.reads(LastKnownBasis.ReadReason.UNKNOWN)).isEqualTo(1);
    assertThat(writer.reads(LastKnownBasis.ReadReason.CONFLICT)).isZero();
    ZoneKeySnapshot served = adapter.read(ZONE);
    assertThat(served.ns()).extracting(NSRecord::getTarget).containsExactly(b);
    assertThat(served.csync()).isEmpty();
  }

  @Test
  void anAdapterWithWritesOfItsOwnKeepsThem() {
    DnsProvider own =
        new DnsProvider() {
          @Override
          public ProviderPlan importDnskeys(
              ZoneName zone, java.util.Collection<DNSKEYRecord> keys) {
            throw new IllegalStateException("its own import");
          }

          @Override
          public SignerId id() {
            return adapter.id();
          }

          @Override
          public String kind() {
            return adapter.kind();
          }

          @Override
          public dev.multisigner.domain.model.Capabilities capabilities() {
            return adapter.capabilities();
          }

          @Override
          public ProviderLimits limits() {
            return adapter.limits();
          }

          @Override
          public ZoneKeySnapshot read(ZoneName zone) {
            return adapter.read(zone);
          }

          @Override
          public void apply(ProviderPlan plan) {
            adapter.apply(plan);
          }
        };
    LastKnownBasis writer = LastKnownBasis.around(own, true, 10);

    assertThat(writer.remembers()).isFalse();
    assertThatThrownBy(() -> writer.importDnskeys(ZONE, List.of(TestKeys.zsk(APEX))))
        .hasMessage("its own import");
  }
}
