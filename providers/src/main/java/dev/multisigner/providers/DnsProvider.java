package dev.multisigner.providers;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Record;

/**
 * A DNS provider (one signer account) as Multisigner sees it: it reads what the provider serves for
 * a zone's keys, and applies plans that add or remove foreign DNSKEYs and CDS/CDNSKEY records.
 * Every failure is a {@link ProviderException} naming zone and provider, retryable or not by type.
 *
 * <p>Implementations are thread-safe and hold no per-zone state beyond caches.
 */
public interface DnsProvider {

  /** The signer this adapter talks to, e.g. {@code knot-a}. */
  SignerId id();

  /** The adapter kind: {@code rfc2136}, {@code powerdns}, {@code cloudflare}, {@code in-memory}. */
  String kind();

  /** What this provider can do, as data (the enrollment checks read it). */
  Capabilities capabilities();

  /** Rate limit, write granularity, conditional writes. */
  ProviderLimits limits();

  /** Reads the zone's DNSKEY, CDS, CDNSKEY and NS RRsets, with RRSIGs where the adapter can. */
  ZoneKeySnapshot read(ZoneName zone);

  /**
   * Applies a plan made from a snapshot of this provider. Adds come before removes. Fails with
   * {@link ProviderException.Kind#CONCURRENT_CHANGE} (retryable: re-read and re-plan) when the
   * provider no longer serves what the plan's basis saw, and with {@link
   * ProviderException.Kind#UNSUPPORTED} when the plan needs a capability this provider lacks.
   */
  void apply(ProviderPlan plan);

  /** Adds foreign DNSKEYs that are not served yet (reads first; one plan). */
  default ProviderPlan importDnskeys(ZoneName zone, Collection<DNSKEYRecord> keys) {
    return applyChanges(zone, PlanChange.Action.ADD, keys.stream());
  }

  /** Removes foreign DNSKEYs that are served (reads first; one plan). */
  default ProviderPlan withdrawDnskeys(ZoneName zone, Collection<DNSKEYRecord> keys) {
    return applyChanges(zone, PlanChange.Action.REMOVE, keys.stream());
  }

  /** Publishes CDS and CDNSKEY records that are not served yet. */
  default ProviderPlan publishCdsCdnskey(
      ZoneName zone, Collection<CDSRecord> cds, Collection<CDNSKEYRecord> cdnskeys) {
    return applyChanges(
        zone, PlanChange.Action.ADD, Stream.concat(cds.stream(), cdnskeys.stream()));
  }

  /** Withdraws CDS and CDNSKEY records that are served. */
  default ProviderPlan withdrawCdsCdnskey(
      ZoneName zone, Collection<CDSRecord> cds, Collection<CDNSKEYRecord> cdnskeys) {
    return applyChanges(
        zone, PlanChange.Action.REMOVE, Stream.concat(cds.stream(), cdnskeys.stream()));
  }

  private ProviderPlan applyChanges(
      ZoneName zone, PlanChange.Action action, Stream<? extends Record> records) {
    ZoneKeySnapshot basis = read(zone);
    List<PlanChange> changes =
        records
            .map(r -> r.getName().equals(zone.toName()) ? r : r.withName(zone.toName()))
            .filter(r -> served(basis, r) != (action == PlanChange.Action.ADD))
            .map(r -> new PlanChange(action, (Record) r))
            .toList();
    ProviderPlan plan = new ProviderPlan(basis, changes);
    if (!plan.isEmpty()) {
      apply(plan);
    }
    return plan;
  }

  private static boolean served(ZoneKeySnapshot snapshot, Record r) {
    return snapshot.dnskeys().contains(r)
        || snapshot.cds().contains(r)
        || snapshot.cdnskeys().contains(r);
  }
}
