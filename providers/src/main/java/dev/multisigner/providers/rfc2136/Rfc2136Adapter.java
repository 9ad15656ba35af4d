package dev.multisigner.providers.rfc2136;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.Support;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ChangeSignal;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.PlanChange;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import dev.multisigner.providers.ProviderLimits;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.ProviderPlanner;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.ZoneKeySnapshot.OwnKeySource;
import dev.multisigner.providers.dns.DnsKeyReader;
import dev.multisigner.providers.dns.DnsKeyReader.OwnKeys;
import dev.multisigner.providers.dns.KeyManagerListing;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * A signer reached by DNS: reads over TCP with DO, writes one TSIG-signed UPDATE per plan, with
 * prerequisites on the RRsets the plan was made from (RFC 2136 §3.2).
 */
public final class Rfc2136Adapter implements DnsProvider {

  private static final Logger LOG = LoggerFactory.getLogger(Rfc2136Adapter.class);

  private final SignerId id;
  private final InetSocketAddress server;
  private final TsigKey key;
  private final DnsKeyReader reader;
  private final Rfc2136Client client;
  private final OwnKeys ownKeys;
  private final Capabilities capabilities;

  /**
   * @param ownKeys how to tell the signer's own keys; {@link OwnKeys#fromSignatures()} by default,
   *     a key-manager listing where one exists (Knot's keymgr)
   */
  public Rfc2136Adapter(
      SignerId id,
      InetSocketAddress server,
      TsigKey key,
      Duration timeout,
      OwnKeys ownKeys,
      Capabilities capabilities) {
    this.id = id;
    this.server = server;
    this.key = key;
    this.reader = new DnsKeyReader(id, server, timeout);
    this.client = new Rfc2136Client(id, server, key, timeout);
    this.ownKeys = ownKeys;
    this.capabilities = capabilities;
  }

  /** An adapter for a Knot 3.2 signer, with the default timeout and signature-inferred keys. */
  public static Rfc2136Adapter knot(SignerId id, InetSocketAddress server, TsigKey key) {
    return new Rfc2136Adapter(
        id,
        server,
        key,
        Rfc2136Capabilities.limits().suggestedTimeout(),
        OwnKeys.fromSignatures(),
        Rfc2136Capabilities.knot());
  }

  @Override
  public SignerId id() {
    return id;
  }

  @Override
  public String kind() {
    return "rfc2136";
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  /** Listed by the key manager where one is configured (Knot's keymgr). */
  @Override
  public Support ownKeyListing() {
    return ownKeys.source() == OwnKeySource.KEY_MANAGER
        ? Support.can()
        : Rfc2136Capabilities.ownKeyListing();
  }

  @Override
  public ProviderLimits limits() {
    return Rfc2136Capabilities.limits();
  }

  /**
   * The serial at the server: an UPDATE raises it (RFC 2136 §3.6), and Knot (like BIND with inline
   * signing or dnssec-policy) raises it whenever it re-signs the zone, so every key event, CDS
   * change and new RRSIG shows in it.
   */
  @Override
  public ChangeSignal changeSignal() {
    return ChangeSignal.soaSerial(
        server,
        "UPDATEs (RFC 2136 §3.6) and the server's own signing events raise the zone's SOA serial");
  }

  /**
   * With a key manager, its last listing of the zone is reused while the served DNSKEYs are all
   * ones that listing saw, and none is needed while every served key signs ({@link
   * KeyManagerListing}); {@link #readAfresh} lists again unless every served key signs.
   */
  @Override
  public ZoneKeySnapshot read(ZoneName zone) {
    return reader.read(zone, ownKeys);
  }

  @Override
  public ZoneKeySnapshot readAfresh(ZoneName zone) {
    return reader.read(zone, ownKeys.afresh());
  }

  /** A served key that signs nothing and another signer lists as its own is not asked about. */
  @Override
  public ZoneKeySnapshot read(ZoneName zone, Set<DNSKEYRecord> listedByOthers) {
    return reader.read(zone, ownKeys.knowing(listedByOthers));
  }

  @Override
  public ZoneKeySnapshot readAfresh(ZoneName zone, Set<DNSKEYRecord> listedByOthers) {
    return reader.read(zone, ownKeys.afresh().knowing(listedByOthers));
  }

  /** Key-manager listings run since start (0 without a key manager). */
  public long ownKeyListings() {
    return ownKeys instanceof KeyManagerListing l ? l.listings() : 0;
  }

  /** The served DNSKEY RRset: one DNS query at the signer, without the own-key listing. */
  @Override
  public List<DNSKEYRecord> servedDnskeys(ZoneName zone) {
    return reader.dnskeys(zone);
  }

  @Override
  public void apply(ProviderPlan plan) {
    ZoneName zone = plan.zone();
    ProviderPlanner.requireCapabilities(plan, capabilities);
    for (PlanChange c : plan.changes(PlanChange.Action.REMOVE, Type.DNSKEY)) {
      if (plan.basis().ownKeys().contains(c.record())) {
        throw ProviderException.of(
            Kind.REFUSED,
            zone,
            id,
            "the plan withdraws the signer's own key (tag "
                + ((DNSKEYRecord) c.record()).getFootprint()
                + "); own keys roll through the signer, not through Multisigner");
      }
    }
    Update update = Rfc2136Converter.toUpdate(plan);
    long started = System.nanoTime();
    client.send(zone, update);
    LOG.info(
        "zone={} provider={} event=update_applied server={} changes={} hash={} took_ms={}",
        zone,
        id,
        server,
        plan.changes().size(),
        plan.hash(),
        (System.nanoTime() - started) / 1_000_000);
  }

  @Override
  public String toString() {
    return "Rfc2136Adapter[" + id + " " + server + " " + key + "]";
  }
}
