package dev.multisigner.providers;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.Support;
import dev.multisigner.domain.model.ZoneName;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;

/**
 * A signer writer's adapter that plans each write against the zone's last known state instead of
 * reading the zone first: the state after its own last write there (or its last read), kept for the
 * most recently written zones. It is used only around an adapter whose write checks the plan's
 * basis at the provider ({@link DnsProvider#checksBasisOnWrite()}: RFC 2136 prerequisites, the
 * PowerDNS records-table comparison), so a stale state cannot write anything wrong:
 *
 * <ul>
 *   <li>the provider refuses the write ({@link ProviderException.Kind#CONCURRENT_CHANGE}, NXRRSET
 *       or YXRRSET at an RFC 2136 server): the zone is read and planned again, and written once
 *       more; a second refusal goes to the writer's retry. An import, which only adds keys, asks
 *       only for the served DNSKEY RRset (one query, no own-key listing such as Knot's {@code
 *       keymgr}) and is checked at the provider against it; the zone is then forgotten, so the next
 *       write plans from a full read;
 *   <li>the last known state says there is nothing to do: that is confirmed against a fresh read (a
 *       replayed command, or one for a change the provider lost meanwhile, is written then), so an
 *       empty plan is never taken from memory alone;
 *   <li>any failure, and a signed DNSKEY RRset installed, forgets the zone.
 * </ul>
 *
 * <p>With {@code remember=false} every write plans against a fresh read, as the plain adapter does,
 * and only the reads are counted (to measure one against the other).
 */
public final class LastKnownBasis implements DnsProvider {

  private static final Logger LOG = LoggerFactory.getLogger(LastKnownBasis.class);

  /** Why a writer read the zone: no known state, the provider refused the basis, or a no-op. */
  public enum ReadReason {
    UNKNOWN,
    CONFLICT,
    CONFIRM
  }

  private final DnsProvider provider;
  private final boolean defaultWrites;
  private final boolean remember;
  private final Map<ZoneName, ZoneKeySnapshot> known;
  private final Map<ReadReason, LongAdder> reads = new java.util.EnumMap<>(ReadReason.class);

  private LastKnownBasis(
      DnsProvider provider, boolean defaultWrites, boolean remember, int maxZones) {
    this.provider = provider;
    this.defaultWrites = defaultWrites;
    this.remember = defaultWrites && remember;
    this.known =
        java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<ZoneName, ZoneKeySnapshot> eldest) {
                return size() > maxZones;
              }
            });
    for (ReadReason r : ReadReason.values()) {
      reads.put(r, new LongAdder());
    }
  }

  /**
   * {@code provider} planning from its last known state for up to {@code maxZones} zones when it
   * checks the basis on write and {@code remember} is set; otherwise planning from a read before
   * each write, as it does on its own, with the reads counted.
   */
  public static LastKnownBasis around(DnsProvider provider, boolean remember, int maxZones) {
    return new LastKnownBasis(
        provider,
        keepsDefaultWrites(provider),
        remember && maxZones > 0 && provider.checksBasisOnWrite(),
        Math.max(1, maxZones));
  }

  /**
   * True when {@code provider} plans its writes with {@link DnsProvider}'s own methods, which this
   * class runs on its behalf: an adapter with writes of its own (the model 1 offline-KSK member's
   * CDS checks) keeps them, planned from a read.
   */
  private static boolean keepsDefaultWrites(DnsProvider provider) {
    for (java.lang.reflect.Method m : DnsProvider.class.getMethods()) {
      if (m.isDefault() && m.getReturnType() == ProviderPlan.class) {
        try {
          if (provider.getClass().getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass()
              != DnsProvider.class) {
            return false;
          }
        } catch (NoSuchMethodException e) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether writes plan against the last known state (else against a read). */
  public boolean remembers() {
    return remember;
  }

  /** How often a write read the zone for {@code reason}. */
  public long reads(ReadReason reason) {
    return reads.get(reason).sum();
  }

  /** The adapter this one wraps. */
  public DnsProvider provider() {
    return provider;
  }

  @Override
  public ZoneKeySnapshot basis(ZoneName zone) {
    ZoneKeySnapshot last = remember ? known.get(zone) : null;
    if (last != null) {
      return last;
    }
    return fresh(zone, ReadReason.UNKNOWN);
  }

  private ZoneKeySnapshot fresh(ZoneName zone, ReadReason reason) {
    reads.get(reason).increment();
    ZoneKeySnapshot read = provider.read(zone);
    if (remember) {
      known.put(zone, withoutSignatures(read));
    }
    return read;
  }

  @Override
  public void apply(ProviderPlan plan) {
    try {
      provider.apply(plan);
    } catch (RuntimeException e) {
      known.remove(plan.zone());
      throw e;
    }
    if (remember) {
      known.put(plan.zone(), plan.result());
    }
  }

  /** The adapter's own write where it has one ({@code theirs}), else {@link #conditional}. */
  private ProviderPlan write(
      ZoneName zone, Supplier<ProviderPlan> theirs, Supplier<ProviderPlan> ours) {
    return defaultWrites ? conditional(zone, ours, false) : theirs.get();
  }

  /**
   * Runs one write: planned from the last known state, then, if the provider refused that basis or
   * the plan was empty, planned again from a fresh read (and written, if there is something to
   * write).
   */
  private ProviderPlan conditional(
      ZoneName zone, Supplier<ProviderPlan> write, boolean addsDnskeysOnly) {
    ZoneKeySnapshot last = remember ? known.get(zone) : null;
    if (last == null) {
      return write.get();
    }
    ProviderPlan plan;
    try {
      plan = write.get();
    } catch (ProviderException e) {
      if (e.kind() != ProviderException.Kind.CONCURRENT_CHANGE) {
        throw e;
      }
      LOG.info(
          "zone={} provider={} event=basis_refused action={} cause=\"{}\"",
          zone,
          provider.id(),
          addsDnskeysOnly ? "query_dnskeys_and_replan" : "read_and_replan",
          e.getMessage());
      if (!addsDnskeysOnly) {
        fresh(zone, ReadReason.CONFLICT);
        return write.get();
      }
      withServedDnskeys(zone, last);
      try {
        return write.get();
      } finally {
        known.remove(zone); // planned from a partial state: the next write reads the zone
      }
    }
    if (plan.isEmpty()) {
      fresh(zone, ReadReason.CONFIRM);
      return write.get();
    }
    return plan;
  }

  /**
   * The last known state of {@code zone} ({@code last}, as it was before the refused write) with
   * the DNSKEY RRset the provider serves now (one query, counted as a {@link ReadReason#CONFLICT}
   * read), to plan an import after a refused basis: an import only adds keys, so it needs the
   * served RRset (which the provider's check pins) and not which keys are the signer's own. Keys
   * the last state did not hold are taken as own for this one plan (the safe side: nothing can be
   * planned to remove them).
   */
  private void withServedDnskeys(ZoneName zone, ZoneKeySnapshot last) {
    reads.get(ReadReason.CONFLICT).increment();
    List<DNSKEYRecord> served = provider.servedDnskeys(zone);
    Set<DNSKEYRecord> own = new HashSet<>();
    for (DNSKEYRecord k : served) {
      if (last.ownKeys().contains(k) || !last.dnskeys().contains(k)) {
        own.add(k);
      }
    }
    known.put(
        zone,
        new ZoneKeySnapshot(
            zone,
            last.provider(),
            served,
            last.cds(),
            last.cdnskeys(),
            last.ns(),
            last.soa(),
            List.of(),
            own,
            last.ownKeySource(),
            last.csync()));
  }

  @Override
  public ProviderPlan importDnskeys(ZoneName zone, Collection<DNSKEYRecord> keys) {
    return defaultWrites
        ? conditional(zone, () -> DnsProvider.super.importDnskeys(zone, keys), true)
        : provider.importDnskeys(zone, keys);
  }

  @Override
  public ProviderPlan withdrawDnskeys(ZoneName zone, Collection<DNSKEYRecord> keys) {
    return write(
        zone,
        () -> provider.withdrawDnskeys(zone, keys),
        () -> DnsProvider.super.withdrawDnskeys(zone, keys));
  }

  @Override
  public ProviderPlan publishCdsCdnskey(
      ZoneName zone, Collection<CDSRecord> cds, Collection<CDNSKEYRecord> cdnskeys) {
    return write(
        zone,
        () -> provider.publishCdsCdnskey(zone, cds, cdnskeys),
        () -> DnsProvider.super.publishCdsCdnskey(zone, cds, cdnskeys));
  }

  @Override
  public ProviderPlan withdrawCdsCdnskey(
      ZoneName zone, Collection<CDSRecord> cds, Collection<CDNSKEYRecord> cdnskeys) {
    return write(
        zone,
        () -> provider.withdrawCdsCdnskey(zone, cds, cdnskeys),
        () -> DnsProvider.super.withdrawCdsCdnskey(zone, cds, cdnskeys));
  }

  @Override
  public ProviderPlan replaceCdsCdnskey(
      ZoneName zone, Collection<CDSRecord> cds, Collection<CDNSKEYRecord> cdnskeys) {
    return write(
        zone,
        () -> provider.replaceCdsCdnskey(zone, cds, cdnskeys),
        () -> DnsProvider.super.replaceCdsCdnskey(zone, cds, cdnskeys));
  }

  @Override
  public ProviderPlan publishNs(ZoneName zone, List<Name> nameservers) {
    return write(
        zone,
        () -> provider.publishNs(zone, nameservers),
        () -> DnsProvider.super.publishNs(zone, nameservers));
  }

  @Override
  public ProviderPlan publishCsync(ZoneName zone, CSYNCRecord csync) {
    return write(
        zone,
        () -> provider.publishCsync(zone, csync),
        () -> DnsProvider.super.publishCsync(zone, csync));
  }

  @Override
  public ProviderPlan withdrawCsync(ZoneName zone) {
    return write(
        zone, () -> provider.withdrawCsync(zone), () -> DnsProvider.super.withdrawCsync(zone));
  }

  @Override
  public String installSignedDnskeyRrset(
      ZoneName zone, List<DNSKEYRecord> keys, List<RRSIGRecord> rrsigs) {
    known.remove(zone);
    return provider.installSignedDnskeyRrset(zone, keys, rrsigs);
  }

  @Override
  public List<RRSIGRecord> signDnskeyRrset(ZoneName zone, List<DNSKEYRecord> keys) {
    return provider.signDnskeyRrset(zone, keys);
  }

  @Override
  public Optional<List<DNSKEYRecord>> keySigningRequest(ZoneName zone) {
    return provider.keySigningRequest(zone);
  }

  @Override
  public ZoneKeySnapshot read(ZoneName zone) {
    return provider.read(zone);
  }

  @Override
  public List<DNSKEYRecord> servedDnskeys(ZoneName zone) {
    return provider.servedDnskeys(zone);
  }

  @Override
  public ZoneKeySnapshot readAfresh(ZoneName zone) {
    return provider.readAfresh(zone);
  }

  @Override
  public ZoneKeySnapshot read(ZoneName zone, Set<DNSKEYRecord> listedByOthers) {
    return provider.read(zone, listedByOthers);
  }

  @Override
  public ZoneKeySnapshot readAfresh(ZoneName zone, Set<DNSKEYRecord> listedByOthers) {
    return provider.readAfresh(zone, listedByOthers);
  }

  @Override
  public boolean checksBasisOnWrite() {
    return provider.checksBasisOnWrite();
  }

  @Override
  public SignerId id() {
    return provider.id();
  }

  @Override
  public String kind() {
    return provider.kind();
  }

  @Override
  public Capabilities capabilities() {
    return provider.capabilities();
  }

  @Override
  public ProviderLimits limits() {
    return provider.limits();
  }

  @Override
  public Support ownKeyListing() {
    return provider.ownKeyListing();
  }

  @Override
  public ChangeSignal changeSignal() {
    return provider.changeSignal();
  }

  /** The snapshot as a basis: records, own keys and SOA; signatures dropped (memory). */
  private static ZoneKeySnapshot withoutSignatures(ZoneKeySnapshot s) {
    return new ProviderPlan(s, List.of()).result();
  }

  @Override
  public String toString() {
    return "LastKnownBasis[" + (remember ? "remember" : "read each") + " " + provider + "]";
  }
}
