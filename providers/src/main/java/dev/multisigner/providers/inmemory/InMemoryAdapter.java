package dev.multisigner.providers.inmemory;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.Support;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.PlanChange;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import dev.multisigner.providers.ProviderLimits;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.ProviderPlanner;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.ZoneKeySnapshot;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The in-memory provider's adapter: atomic, conditional on the plan's basis (every RRset it can
 * change), unsigned.
 */
public final class InMemoryAdapter implements DnsProvider {

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryAdapter.class);
  private static final int[] TYPES = {Type.DNSKEY, Type.CDS, Type.CDNSKEY, Type.NS, Type.CSYNC};

  private final SignerId id;
  private final InMemoryClient client;
  private final Secret token;

  public InMemoryAdapter(SignerId id, InMemoryClient client, Secret token) {
    this.id = id;
    this.client = client;
    this.token = token;
  }

  @Override
  public SignerId id() {
    return id;
  }

  @Override
  public String kind() {
    return "in-memory";
  }

  @Override
  public Capabilities capabilities() {
    return InMemoryCapabilities.capabilities();
  }

  @Override
  public Support ownKeyListing() {
    return InMemoryCapabilities.ownKeyListing();
  }

  @Override
  public ProviderLimits limits() {
    return InMemoryCapabilities.limits();
  }

  @Override
  public ZoneKeySnapshot read(ZoneName zone) {
    synchronized (client) {
      return InMemoryConverter.snapshot(id, zone, state(zone));
    }
  }

  @Override
  public void apply(ProviderPlan plan) {
    ProviderPlanner.requireCapabilities(plan, capabilities());
    ZoneName zone = plan.zone();
    synchronized (client) {
      InMemoryClient.ZoneState state = state(zone);
      ZoneKeySnapshot now = InMemoryConverter.snapshot(id, zone, state);
      for (int type : TYPES) {
        if (!now.records(type).equals(plan.basis().records(type))) {
          throw ProviderException.of(
              Kind.CONCURRENT_CHANGE,
              zone,
              id,
              "served "
                  + Type.string(type)
                  + " RRset changed since the plan was made: now "
                  + now.summary());
        }
      }
      for (PlanChange change : plan.changes(PlanChange.Action.REMOVE, Type.DNSKEY)) {
        if (state.ownKeys.contains(change.record())) {
          throw ProviderException.of(
              Kind.REFUSED,
              zone,
              id,
              "the plan withdraws the signer's own key (tag "
                  + ((DNSKEYRecord) change.record()).getFootprint()
                  + ")");
        }
      }
      for (PlanChange change : plan.changes()) {
        Set<Record> target = change.type() == Type.NS ? state.ns : state.added;
        if (change.action() == PlanChange.Action.ADD) {
          target.add(change.record());
        } else {
          target.remove(change.record());
        }
      }
      state.serial++;
    }
    LOG.info(
        "zone={} provider={} event=plan_applied changes={} hash={}",
        zone,
        id,
        plan.changes().size(),
        plan.hash());
  }

  private InMemoryClient.ZoneState state(ZoneName zone) {
    if (!client.authorized(token)) {
      throw ProviderException.of(
          Kind.AUTH_FAILED, zone, id, "token rejected (" + token.origin() + ")");
    }
    return client
        .zone(zone)
        .orElseThrow(
            () -> ProviderException.of(Kind.UNKNOWN_ZONE, zone, id, "no such zone at provider"));
  }
}
