package dev.multisigner.providers.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotKey;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.providers.DesiredKeys;
import dev.multisigner.providers.PlanChange;
import dev.multisigner.providers.ProviderException.Kind;
import dev.multisigner.providers.ProviderException.RetryableProviderException;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.ProviderPlanner;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.TestKeys;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.dns.DnsKeyReader.OwnKeys;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;

/**
 * A Knot ZSK roll under the adapter: the signer's own change to its DNSKEY RRset fails a plan made
 * before it (UPDATE prerequisite, RFC 2136 §3.2), and the pre-published ZSK is never planned for
 * removal, whether ownership comes from keymgr or is only inferred from signatures; keymgr is asked
 * only once a served key signs nothing.
 */
class KnotZskRollLabTest {

  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private final ProviderPlanner planner = new ProviderPlanner();

  @Test
  void aRollAtTheSignerIsAConcurrentChangeAndItsNewZskIsNeverWithdrawn() throws Exception {
    try (DnsLab lab = DnsLab.builder().zone(ZONE.value()).knotSigner("knot-a").start()) {
      KnotSigner k = lab.knot("knot-a");
      TsigKey key =
          new TsigKey(k.tsig().name(), k.tsig().algorithm(), Secret.of(k.tsig().secret()));
      AtomicInteger listings = new AtomicInteger();
      Rfc2136Adapter inferred = Rfc2136Adapter.knot(SignerId.of(k.id()), k.dnsAddress(), key);
      Rfc2136Adapter keymgr =
          new Rfc2136Adapter(
              SignerId.of(k.id()),
              k.dnsAddress(),
              key,
              Duration.ofSeconds(3),
              OwnKeys.fromKeyManager(
                  z -> {
                    listings.incrementAndGet();
                    return new KnotKeystore(k)
                        .keys().stream().map(KnotKey::keyTag).collect(Collectors.toSet());
                  }),
              Rfc2136Capabilities.knot());
      ZoneKeySnapshot stale = inferred.read(ZONE);
      // before the roll every served key signs: Knot's own by the answer, keymgr not asked
      assertThat(keymgr.readAfresh(ZONE).ownKeys())
          .hasSize(2)
          .isEqualTo(stale.dnskeys().stream().collect(Collectors.toSet()));
      assertThat(listings).hasValue(0);

      new KnotKeystore(k).rollZsk();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (inferred.read(ZONE).dnskeys().size() == stale.dnskeys().size()) {
        assertThat(System.nanoTime()).as("new ZSK published within 5 s").isLessThan(deadline);
        Thread.sleep(50);
      }

      ProviderPlan late =
          new ProviderPlan(
              stale, List.of(new PlanChange(PlanChange.Action.ADD, TestKeys.zsk(ZONE.toName()))));
      RetryableProviderException e =
          catchThrowableOfType(RetryableProviderException.class, () -> inferred.apply(late));
      assertThat(e.kind()).isEqualTo(Kind.CONCURRENT_CHANGE);

      ZoneKeySnapshot byInference = inferred.read(ZONE);
      DNSKEYRecord next =
          byInference.foreignDnskeys().stream().findFirst().orElseThrow(); // looks foreign
      assertThat(planner.plan(DesiredKeys.none(), byInference, inferred.capabilities()).lines())
          .as("a non-signing key of unknown owner is not withdrawn")
          .isEmpty();
      ZoneKeySnapshot byKeymgr = keymgr.read(ZONE);
      assertThat(byKeymgr.ownKeys()).contains(next).hasSize(3);
      assertThat(listings).as("the pre-published ZSK signs nothing: listed").hasValue(1);
      assertThat(planner.plan(DesiredKeys.none(), byKeymgr, keymgr.capabilities()).lines())
          .isEmpty();
    }
  }
}
