package dev.multisigner.providers;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.Support;
import dev.multisigner.domain.model.ZoneName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;

/**
 * A DNS provider (one signer account) as Multisigner sees it: it reads what the provider serves for
 * a zone's keys, and applies plans that add or remove foreign DNSKEYs, CDS/CDNSKEY records, apex NS
 * records and the CSYNC record. Every failure is a {@link ProviderException} naming zone and
 * provider, retryable or not by type.
 *
 * <p>Implementations are thread-safe and hold no per-zone state beyond caches.
 */
public interface DnsProvider {

  /** The TTL of new apex NS records when the zone serves none (it always should). */
  long DEFAULT_NS_TTL = 3600;

  /** The signer this adapter talks to, e.g. {@code knot-a}. */
  SignerId id();

  /** The adapter kind: {@code rfc2136}, {@code powerdns}, {@code cloudflare}, {@code in-memory}. */
  String kind();

  /** What this provider can do, as data (the enrollment checks read it). */
  Capabilities capabilities();

  /** Rate limit, write granularity, conditional writes. */
  ProviderLimits limits();

  /**
   * Whether the provider's API or key manager lists the keys it holds, so that a DNSKEY it serves
   * but does not hold (planted in its records, say) is told from its own: where it cannot, the
   * snapshot infers own keys from signatures and the decider takes a key new to the group for the
   * serving signer's own, since nothing can tell otherwise.
   */
  default Support ownKeyListing() {
    return Support.cannot("own keys are inferred from signatures");
  }

  /**
   * Whether a cheap SOA serial check tells that {@link #read} would return something new. The
   * default is none: an adapter declares a serial only where every change to what it reads is known
   * to raise it.
   */
  default ChangeSignal changeSignal() {
    return ChangeSignal.none("the adapter declares no change signal");
  }

  /**
   * Reads the zone's DNSKEY, CDS, CDNSKEY, NS and CSYNC RRsets and SOA, with RRSIGs where the
   * adapter can.
   */
  ZoneKeySnapshot read(ZoneName zone);

  /**
   * {@link #read}, reusing nothing the adapter remembers between reads (a key manager's last
   * listing of own keys): the collector's full resync, which bounds how long a remembered answer
   * can stand for a changed one. The same as {@link #read} where the adapter remembers nothing.
   */
  default ZoneKeySnapshot readAfresh(ZoneName zone) {
    return read(zone);
  }

  /**
   * {@link #read}, told the keys that the zone's other signers list as their own (their API or key
   * manager, at the caller's last reads of them). In model 2 a key's private half is held by one
   * signer, so an adapter that would ask its key manager about a served key that signs nothing may
   * take such a key as not its own without asking (Knot's keymgr, {@link
   * dev.multisigner.providers.dns.KeyManagerListing}). By default the hint is not used.
   */
  default ZoneKeySnapshot read(ZoneName zone, Set<DNSKEYRecord> listedByOthers) {
    return read(zone);
  }

  /**
   * {@link #readAfresh}, told the keys the zone's other signers list as their own ({@link
   * #read(ZoneName, Set)}).
   */
  default ZoneKeySnapshot readAfresh(ZoneName zone, Set<DNSKEYRecord> listedByOthers) {
    return readAfresh(zone);
  }

  /**
   * The DNSKEY RRset the signer serves for the zone now, as a resolver gets it: the {@code dnskeys}
   * of a {@link #read}, which is what this default does. An adapter that asks its signer over DNS
   * answers with that one query (no own-key listing, no other RRset), for a caller that needs only
   * the served keys (the ds-publisher's check that a DS covers a served KSK).
   */
  default List<DNSKEYRecord> servedDnskeys(ZoneName zone) {
    return read(zone).dnskeys();
  }

  /**
   * What the write methods below plan against: a fresh {@link #read} here; the last known state
   * where a writer keeps one ({@link LastKnownBasis}), which is safe only because {@link #apply}
   * checks the plan's basis at the provider.
   */
  default ZoneKeySnapshot basis(ZoneName zone) {
    return read(zone);
  }

  /**
   * Whether {@link #apply} fails with {@link ProviderException.Kind#CONCURRENT_CHANGE} whenever the
   * provider no longer serves, for every RRset the plan touches, exactly what the plan's basis saw:
   * then a plan may be made from the last known state instead of a read. By default where the write
   * itself is conditional ({@link ProviderLimits#atomicConditionalWrite()}, RFC 2136
   * prerequisites).
   */
  default boolean checksBasisOnWrite() {
    return limits().atomicConditionalWrite();
  }

  /**
   * Applies a plan made from a snapshot of this provider. Adds come before removes. Fails with
   * {@link ProviderException.Kind#CONCURRENT_CHANGE} (retryable: re-read and re-plan) when the
   * provider no longer serves what the plan's basis saw, and with {@link
   * ProviderException.Kind#UNSUPPORTED} when the plan needs a capability this provider lacks.
   */
  void apply(ProviderPlan plan);

  /**
   * Model 1 (RFC 8901 §2.1.1), the KSK holder: signs exactly this DNSKEY RRset (the group's KSK and
   * every member's ZSK) and its KSK's CDS (SHA-256) and CDNSKEY RRsets; returns the RRSIGs, which
   * may span several validity windows. Needs {@link Capability#IMPORT_FOREIGN_DNSKEY} and a KSK.
   *
   * @throws ProviderException {@link ProviderException.Kind#UNSUPPORTED} by default
   */
  default List<RRSIGRecord> signDnskeyRrset(ZoneName zone, List<DNSKEYRecord> keys) {
    throw ProviderException.of(
        ProviderException.Kind.UNSUPPORTED,
        zone,
        id(),
        "this " + kind() + " provider does not hold a model 1 KSK that signs for other members");
  }

  /**
   * Model 1, a member other than the KSK holder: serves exactly this DNSKEY RRset with the holder's
   * RRSIGs (over it, and over its KSK's CDS/CDNSKEY); returns one line saying what changed. Needs
   * {@link Capability#ACCEPT_SIGNED_DNSKEY_RRSET}.
   *
   * @throws ProviderException {@link ProviderException.Kind#UNSUPPORTED} by default
   */
  default String installSignedDnskeyRrset(
      ZoneName zone, List<DNSKEYRecord> keys, List<RRSIGRecord> rrsigs) {
    requireCapability(zone, Capability.ACCEPT_SIGNED_DNSKEY_RRSET);
    throw ProviderException.of(
        ProviderException.Kind.UNSUPPORTED,
        zone,
        id(),
        "this " + kind() + " adapter declares but does not install a signed DNSKEY RRset");
  }

  /**
   * Model 1, a member other than the KSK holder: the ZSKs it asks to have in its signed DNSKEY
   * RRset (its key signing request), or empty when the adapter has none to tell.
   */
  default Optional<List<DNSKEYRecord>> keySigningRequest(ZoneName zone) {
    return Optional.empty();
  }

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

  /**
   * Makes the served CDS and CDNSKEY RRsets exactly {@code cds} and {@code cdnskeys} in one plan
   * (one write): adds what is missing, removes every other CDS and CDNSKEY served, empty lists
   * withdraw them all.
   */
  default ProviderPlan replaceCdsCdnskey(
      ZoneName zone, Collection<CDSRecord> cds, Collection<CDNSKEYRecord> cdnskeys) {
    ZoneKeySnapshot basis = basis(zone);
    List<PlanChange> changes = new ArrayList<>();
    changes.addAll(replacing(atApex(zone, cds.stream()), basis.cds()));
    changes.addAll(replacing(atApex(zone, cdnskeys.stream()), basis.cdnskeys()));
    return applyIfNotEmpty(new ProviderPlan(basis, changes));
  }

  /** Withdraws CDS and CDNSKEY records that are served. */
  default ProviderPlan withdrawCdsCdnskey(
      ZoneName zone, Collection<CDSRecord> cds, Collection<CDNSKEYRecord> cdnskeys) {
    return applyChanges(
        zone, PlanChange.Action.REMOVE, Stream.concat(cds.stream(), cdnskeys.stream()));
  }

  /**
   * Makes the apex NS RRset exactly {@code nameservers} (reads first; one plan): adds the missing
   * ones before it removes the others, so the apex never has no NS. Needs {@link
   * Capability#MANAGE_NS}. The new records take the TTL of the served NS RRset. Glue is not
   * managed: name nameservers outside the zone, or ones whose addresses the zone already serves.
   *
   * @throws ProviderException {@link ProviderException.Kind#MALFORMED} for an empty list or a
   *     relative name, {@link ProviderException.Kind#UNSUPPORTED} without the capability
   */
  default ProviderPlan publishNs(ZoneName zone, List<Name> nameservers) {
    requireCapability(zone, Capability.MANAGE_NS);
    if (nameservers.isEmpty()) {
      throw ProviderException.of(
          ProviderException.Kind.MALFORMED,
          zone,
          id(),
          "refusing to publish an empty apex NS RRset: a zone needs at least one nameserver");
    }
    nameservers.stream()
        .filter(n -> !n.isAbsolute())
        .findFirst()
        .ifPresent(
            n -> {
              throw ProviderException.of(
                  ProviderException.Kind.MALFORMED,
                  zone,
                  id(),
                  "nameserver name '" + n + "' is relative; NS targets must be absolute");
            });
    ZoneKeySnapshot basis = basis(zone);
    long ttl = basis.ns().isEmpty() ? DEFAULT_NS_TTL : basis.ns().get(0).getTTL();
    List<NSRecord> wanted =
        nameservers.stream()
            .distinct()
            .map(n -> new NSRecord(zone.toName(), DClass.IN, ttl, n))
            .toList();
    return replaceRrset(basis, wanted, basis.ns());
  }

  /**
   * Makes the apex CSYNC RRset exactly {@code csync} (reads first; one plan): adds it, then removes
   * any other CSYNC served. Needs {@link Capability#PUBLISH_CSYNC}.
   */
  default ProviderPlan publishCsync(ZoneName zone, CSYNCRecord csync) {
    requireCapability(zone, Capability.PUBLISH_CSYNC);
    ZoneKeySnapshot basis = basis(zone);
    Record atApex = csync.getName().equals(zone.toName()) ? csync : csync.withName(zone.toName());
    return replaceRrset(basis, List.of(atApex), basis.csync());
  }

  /**
   * Removes every apex CSYNC record (reads first; one plan; nothing to do when none is served).
   * Needs {@link Capability#PUBLISH_CSYNC}.
   */
  default ProviderPlan withdrawCsync(ZoneName zone) {
    requireCapability(zone, Capability.PUBLISH_CSYNC);
    ZoneKeySnapshot basis = basis(zone);
    return replaceRrset(basis, List.of(), basis.csync());
  }

  private void requireCapability(ZoneName zone, Capability capability) {
    Capabilities caps = capabilities();
    if (!caps.can(capability)) {
      throw ProviderException.of(
          ProviderException.Kind.UNSUPPORTED,
          zone,
          id(),
          "this "
              + kind()
              + " provider does not support "
              + capability
              + ": "
              + caps.support(capability).reason());
    }
  }

  /** One plan that makes the served RRset {@code served} exactly {@code wanted}. */
  private ProviderPlan replaceRrset(
      ZoneKeySnapshot basis, List<? extends Record> wanted, List<? extends Record> served) {
    return applyIfNotEmpty(new ProviderPlan(basis, replacing(wanted, served)));
  }

  /** The changes that make the served RRset {@code served} exactly {@code wanted}. */
  private static List<PlanChange> replacing(
      List<? extends Record> wanted, List<? extends Record> served) {
    List<PlanChange> changes = new ArrayList<>();
    wanted.stream()
        .filter(r -> !served.contains(r))
        .forEach(r -> changes.add(new PlanChange(PlanChange.Action.ADD, r)));
    served.stream()
        .filter(r -> !wanted.contains(r))
        .forEach(r -> changes.add(new PlanChange(PlanChange.Action.REMOVE, r)));
    return changes;
  }

  private static List<Record> atApex(ZoneName zone, Stream<? extends Record> records) {
    return records
        .map(r -> r.getName().equals(zone.toName()) ? (Record) r : r.withName(zone.toName()))
        .toList();
  }

  private ProviderPlan applyChanges(
      ZoneName zone, PlanChange.Action action, Stream<? extends Record> records) {
    ZoneKeySnapshot basis = basis(zone);
    List<PlanChange> changes =
        atApex(zone, records).stream()
            .filter(r -> served(basis, r) != (action == PlanChange.Action.ADD))
            .map(r -> new PlanChange(action, r))
            .toList();
    return applyIfNotEmpty(new ProviderPlan(basis, changes));
  }

  private ProviderPlan applyIfNotEmpty(ProviderPlan plan) {
    if (!plan.isEmpty()) {
      apply(plan);
    }
    return plan;
  }

  /** By type code: dnsjava's CDNSKEYRecord extends DNSKEYRecord, CDSRecord extends DSRecord. */
  private static boolean served(ZoneKeySnapshot snapshot, Record r) {
    return snapshot.records(r.getType()).contains(r);
  }
}
