package dev.multisigner.providers.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.multisigner.providers.ZoneKeySnapshot.OwnKeySource;
import dev.multisigner.providers.dns.DnsKeyReader;
import dev.multisigner.providers.dns.DnsKeyReader.OwnKeys;
import dev.multisigner.providers.http.JsonHttp;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;

/**
 * A Cloudflare zone as a multi-signer provider (RFC 8901 model 2, as Cloudflare documents it):
 * reads over DNS from one of the zone's Cloudflare nameservers; imports foreign DNSKEYs as DNS
 * records, which Cloudflare accepts only with {@code dnssec_multi_signer} on; own keys are the ZSKs
 * of {@code /dnssec/zsk} and the KSK of {@code /dnssec}.
 *
 * <p>Writes are one record per request and not atomic: before writing, the adapter compares the
 * DNSKEY records with the plan's basis; a failure midway says how many changes were applied, and a
 * re-plan completes the rest.
 */
public final class CloudflareAdapter implements DnsProvider {

  private static final Logger LOG = LoggerFactory.getLogger(CloudflareAdapter.class);

  private final SignerId id;
  private final CloudflareClient client;
  private final DnsKeyReader reader;

  /**
   * @param apiBase {@code https://api.cloudflare.com/client/v4}, or a contract server in tests
   * @param nameserver one of the zone's assigned Cloudflare nameservers
   */
  public CloudflareAdapter(
      SignerId id, URI apiBase, Secret token, InetSocketAddress nameserver, Duration timeout) {
    this.id = id;
    this.client = new CloudflareClient(id, apiBase, token, timeout);
    this.reader = new DnsKeyReader(id, nameserver, timeout);
  }

  /** An adapter for the public Cloudflare API. */
  public static CloudflareAdapter publicApi(
      SignerId id, Secret token, InetSocketAddress nameserver) {
    return new CloudflareAdapter(
        id,
        CloudflareClient.PUBLIC_API,
        token,
        nameserver,
        CloudflareCapabilities.limits().suggestedTimeout());
  }

  @Override
  public SignerId id() {
    return id;
  }

  @Override
  public String kind() {
    return "cloudflare";
  }

  @Override
  public Capabilities capabilities() {
    return CloudflareCapabilities.capabilities();
  }

  @Override
  public Support ownKeyListing() {
    return CloudflareCapabilities.ownKeyListing();
  }

  @Override
  public ProviderLimits limits() {
    return CloudflareCapabilities.limits();
  }

  /**
   * Turns on DNSSEC with multi-signer for the zone ({@code PATCH /zones/{id}/dnssec} with {@code
   * status: active, dnssec_multi_signer: true}), the documented first step of a multi-signer setup.
   */
  public void enableMultiSigner(ZoneName zone) {
    ObjectNode body = JsonHttp.JSON.createObjectNode();
    body.put("status", "active");
    body.put("dnssec_multi_signer", true);
    JsonNode result = client.editDnssec(zone, body);
    LOG.info(
        "zone={} provider={} event=multi_signer_enabled status={} dnssec_multi_signer={}",
        zone,
        id,
        result.path("status").asText(),
        result.path("dnssec_multi_signer").asBoolean());
  }

  @Override
  public ZoneKeySnapshot read(ZoneName zone) {
    Set<DNSKEYRecord> own = ownKeys(zone, client.dnssec(zone));
    return reader.read(
        zone,
        new OwnKeys() {
          @Override
          public Set<DNSKEYRecord> own(
              ZoneName z, List<DNSKEYRecord> served, Set<Integer> signers) {
            return own;
          }

          @Override
          public OwnKeySource source() {
            return OwnKeySource.API;
          }
        });
  }

  private Set<DNSKEYRecord> ownKeys(ZoneName zone, JsonNode dnssec) {
    Name apex = zone.toName();
    Set<DNSKEYRecord> own = new HashSet<>();
    CloudflareConverter.kskFromDnssec(dnssec, apex).ifPresent(own::add);
    for (JsonNode zsk : client.zsks(zone)) {
      CloudflareConverter.fromZsk(zsk, apex).ifPresent(own::add);
    }
    return own;
  }

  @Override
  public void apply(ProviderPlan plan) {
    ZoneName zone = plan.zone();
    Name apex = zone.toName();
    ProviderPlanner.requireCapabilities(plan, capabilities());
    long started = System.nanoTime();
    JsonNode dnssec = client.dnssec(zone);
    if (!dnssec.path("dnssec_multi_signer").asBoolean(false)) {
      throw ProviderException.of(
          Kind.REFUSED,
          zone,
          id,
          "multi-signer DNSSEC is off for the zone (dnssec_multi_signer=false), so Cloudflare"
              + " refuses foreign DNSKEY records; enable it first (enableMultiSigner)");
    }
    Set<DNSKEYRecord> own = ownKeys(zone, dnssec);
    Map<DNSKEYRecord, String> recordIds = new HashMap<>();
    for (JsonNode rec : client.records(zone, "DNSKEY")) {
      recordIds.put(CloudflareConverter.fromDnsRecord(rec, apex), rec.path("id").asText());
    }
    Set<DNSKEYRecord> expected = new HashSet<>(plan.basis().dnskeys());
    expected.removeAll(own);
    if (!expected.equals(recordIds.keySet())) {
      throw ProviderException.of(
          Kind.CONCURRENT_CHANGE,
          zone,
          id,
          "the zone's DNSKEY records changed since the plan was made ("
              + recordIds.size()
              + " records now, "
              + expected.size()
              + " in the plan's basis)");
    }
    long ttl = plan.basis().dnskeys().isEmpty() ? 3600 : plan.basis().dnskeys().get(0).getTTL();
    int done = 0;
    try {
      for (PlanChange c : plan.changes()) {
        DNSKEYRecord key = (DNSKEYRecord) c.record();
        if (c.action() == PlanChange.Action.ADD) {
          client.createRecord(zone, CloudflareConverter.toDnsRecord(key, zone, ttl));
        } else if (own.contains(key)) {
          throw ProviderException.of(
              Kind.REFUSED,
              zone,
              id,
              "the plan withdraws Cloudflare's own key (tag " + key.getFootprint() + ")");
        } else {
          client.deleteRecord(zone, recordIds.get(key));
        }
        done++;
      }
    } catch (ProviderException e) {
      if (done == 0) {
        throw e;
      }
      throw ProviderException.of(
          e.kind(),
          zone,
          id,
          "applied "
              + done
              + " of "
              + plan.changes().size()
              + " changes of plan "
              + plan.hash()
              + ", then: "
              + e.getMessage(),
          e);
    }
    LOG.info(
        "zone={} provider={} event=dns_records_changed changes={} hash={} took_ms={}",
        zone,
        id,
        plan.changes().size(),
        plan.hash(),
        (System.nanoTime() - started) / 1_000_000);
  }

  @Override
  public String toString() {
    return "CloudflareAdapter[" + id + " " + client + " ns=" + reader.server() + "]";
  }
}
