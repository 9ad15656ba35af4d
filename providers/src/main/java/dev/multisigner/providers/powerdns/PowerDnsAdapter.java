package dev.multisigner.providers.powerdns;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.ZoneKeySnapshot.OwnKeySource;
import dev.multisigner.providers.dns.DnsKeyReader;
import dev.multisigner.providers.dns.DnsKeyReader.OwnKeys;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A PowerDNS 4.7 signer: reads over DNS (it signs live), writes foreign DNSKEY, CDS and CDNSKEY,
 * the apex NS RRset and CSYNC into the records table through the HTTP API. The zone must be served
 * with {@code direct-dnskey=yes}, or PowerDNS accepts the PATCH and silently serves nothing (RECIPE
 * §4.5).
 *
 * <p>PATCH replaces whole rrsets, so the adapter reads the records table, checks it still holds
 * what the plan's basis saw (4.7 has no conditional PATCH), merges the plan's changes and writes;
 * it tells PowerDNS's own keys by the basis's listing where the records table allows ({@link
 * #ownKeys(ProviderPlan, JsonNode)}).
 */
public final class PowerDnsAdapter implements DnsProvider {

  private static final Logger LOG = LoggerFactory.getLogger(PowerDnsAdapter.class);
  private static final int[] TYPES = {Type.DNSKEY, Type.CDNSKEY, Type.CDS, Type.NS, Type.CSYNC};

  private final SignerId id;
  private final URI apiUrl;
  private final PowerDnsClient client;
  private final DnsKeyReader reader;
  private final AtomicLong listings = new AtomicLong();
  private final AtomicLong basisOwnKeys = new AtomicLong();

  public PowerDnsAdapter(
      SignerId id,
      URI apiUrl,
      String serverId,
      Secret apiKey,
      InetSocketAddress dnsAddress,
      Duration timeout) {
    this.id = id;
    this.apiUrl = apiUrl;
    this.client = new PowerDnsClient(id, apiUrl, serverId, apiKey, timeout);
    this.reader = new DnsKeyReader(id, dnsAddress, timeout);
  }

  @Override
  public SignerId id() {
    return id;
  }

  @Override
  public String kind() {
    return "powerdns";
  }

  @Override
  public Capabilities capabilities() {
    return PowerDnsCapabilities.capabilities();
  }

  @Override
  public Support ownKeyListing() {
    return PowerDnsCapabilities.ownKeyListing();
  }

  @Override
  public ProviderLimits limits() {
    return PowerDnsCapabilities.limits();
  }

  /**
   * Its served key state, not its serial: PowerDNS signs live, and keys changed through its
   * cryptokeys API or pdnsutil (added, activated, published, removed) and the PUBLISH-CDS metadata
   * change the served DNSKEY, CDS, CDNSKEY and RRSIGs without touching the SOA serial (seen in the
   * lab: {@code ChangeDetectionTest}); records-table edits through the API raise it only with
   * SOA-EDIT-API. Every such change that a {@link #read} would report shows in the served RRsets or
   * in which keys sign DNSKEY and SOA, which {@link ZoneKeySnapshot#servedDigest()} covers; only
   * the cryptokeys listing of a key served all along does not (read at the collector's full
   * resync).
   */
  @Override
  public ChangeSignal changeSignal() {
    return ChangeSignal.servedKeys(
        reader.server(),
        "PowerDNS key changes (cryptokeys API, pdnsutil, PUBLISH-CDS) do not raise the SOA serial;"
            + " they change the served DNSKEY, CDS, CDNSKEY RRsets and their signers");
  }

  /**
   * Own keys are those the cryptokeys endpoint lists, asked before the DNS read and, when the DNS
   * read serves a key that listing lacks, once more after it: a key PowerDNS added in between is
   * then listed, one it removed in between was listed the first time, and only a key that neither
   * listing names, say one written into the records table, is left as not its own.
   */
  @Override
  public ZoneKeySnapshot read(ZoneName zone) {
    Set<DNSKEYRecord> listed = ownKeys(zone);
    return reader.read(
        zone,
        new OwnKeys() {
          @Override
          public Set<DNSKEYRecord> own(
              ZoneName z, List<DNSKEYRecord> served, Set<Integer> signers) {
            if (listed.containsAll(served)) {
              return listed;
            }
            Set<DNSKEYRecord> both = new HashSet<>(listed);
            both.addAll(ownKeys(zone));
            return both;
          }

          @Override
          public OwnKeySource source() {
            return OwnKeySource.API;
          }
        });
  }

  /**
   * Told the keys the zone's other signers list as their own: no cryptokeys call when the answer
   * tells PowerDNS's own keys by itself ({@link OwnKeys#toldByAnswer}). PowerDNS signs only with
   * keys it holds, so a key that signs the DNSKEY RRset or the SOA is its own; a key that signs
   * nothing and another signer lists is that signer's. That is every zone's first read (its KSK and
   * ZSK, both signing) and every read once the other signers' ZSKs are imported, which before
   * called the API each time. A key that signs nothing and no other signer lists (a pre-published
   * own key, a key written into the records table) is read again with the listing, as {@link
   * #read(ZoneName)} does. PowerDNS keeps no listing to reuse, so a read afresh is the same.
   */
  @Override
  public ZoneKeySnapshot read(ZoneName zone, Set<DNSKEYRecord> listedByOthers) {
    boolean[] told = {false};
    ZoneKeySnapshot snapshot =
        reader.read(
            zone,
            new OwnKeys() {
              @Override
              public Set<DNSKEYRecord> own(
                  ZoneName z, List<DNSKEYRecord> served, Set<Integer> signers) {
                Set<DNSKEYRecord> own = OwnKeys.toldByAnswer(served, signers, listedByOthers);
                told[0] = own != null;
                return own == null ? Set.of() : own;
              }

              @Override
              public OwnKeySource source() {
                return OwnKeySource.API;
              }
            });
    return told[0] ? snapshot : read(zone);
  }

  @Override
  public ZoneKeySnapshot readAfresh(ZoneName zone, Set<DNSKEYRecord> listedByOthers) {
    return read(zone, listedByOthers);
  }

  /** Cryptokeys listings since start. */
  public long ownKeyListings() {
    return listings.get();
  }

  /** The served DNSKEY RRset: one DNS query at the signer, without the own-key listing. */
  @Override
  public List<DNSKEYRecord> servedDnskeys(ZoneName zone) {
    return reader.dnskeys(zone);
  }

  /**
   * Model 1 with PowerDNS as the KSK holder (RFC 8901 §2.1.1): PowerDNS signs its own DNSKEY RRset,
   * which holds every member's ZSK once imported, so its signature is the one served: the RRSIGs
   * over DNSKEY, CDS and CDNSKEY its KSKs (the SEP keys of {@code keys}) make now, provided it
   * serves exactly {@code keys} (else a retryable failure: the import has not shown yet). Its ZSK's
   * signatures over those RRsets are left out: the holder's KSK alone signs a member's RRset.
   */
  @Override
  public List<RRSIGRecord> signDnskeyRrset(ZoneName zone, List<DNSKEYRecord> keys) {
    ZoneKeySnapshot served = read(zone);
    Set<String> want = new HashSet<>();
    keys.forEach(k -> want.add(k.rdataToString()));
    Set<String> have = new HashSet<>();
    served.dnskeys().forEach(k -> have.add(k.rdataToString()));
    if (!want.equals(have)) {
      throw ProviderException.of(
          Kind.CONCURRENT_CHANGE,
          zone,
          id,
          "PowerDNS does not serve the DNSKEY RRset to sign yet (serves "
              + served.dnskeys().stream().map(DNSKEYRecord::getFootprint).toList()
              + ")");
    }
    // PowerDNS also signs these RRsets with its ZSK; the group's signatures are its KSKs' alone
    Set<Integer> ksks = new HashSet<>();
    keys.stream()
        .filter(k -> (k.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0)
        .forEach(k -> ksks.add(k.getFootprint()));
    List<RRSIGRecord> out = new ArrayList<>();
    for (int type : new int[] {Type.DNSKEY, Type.CDS, Type.CDNSKEY}) {
      served.signaturesOver(type).stream()
          .filter(g -> ksks.contains(g.getFootprint()))
          .forEach(out::add);
    }
    return out;
  }

  private Set<DNSKEYRecord> ownKeys(ZoneName zone) {
    listings.incrementAndGet();
    return PowerDnsConverter.cryptokeys(client.cryptokeys(zone), zone.toName());
  }

  /**
   * Yes, though not atomically: {@link #apply} reads the records table (and the cryptokeys where
   * the basis's own keys do not do) and refuses a plan whose basis no longer matches them, just
   * before its PATCH.
   */
  @Override
  public boolean checksBasisOnWrite() {
    return true;
  }

  @Override
  public void apply(ProviderPlan plan) {
    ZoneName zone = plan.zone();
    Name apex = zone.toName();
    ProviderPlanner.requireCapabilities(plan, capabilities());
    long started = System.nanoTime();
    JsonNode zoneJson = client.apexRrsets(zone);
    Set<DNSKEYRecord> own = ownKeys(plan, zoneJson);
    for (PlanChange c : plan.changes(PlanChange.Action.REMOVE, Type.DNSKEY)) {
      if (own.contains(c.record())) {
        throw ProviderException.of(
            Kind.REFUSED,
            zone,
            id,
            "the plan withdraws PowerDNS's own key (tag "
                + ((DNSKEYRecord) c.record()).getFootprint()
                + "); its keys roll through the cryptokeys API");
      }
    }
    List<PowerDnsConverter.RrsetChange> writes = new ArrayList<>();
    for (int type : TYPES) {
      if (!plan.touches(type)) {
        continue;
      }
      Set<Record> table = new LinkedHashSet<>(PowerDnsConverter.rrset(zoneJson, apex, type));
      table.removeIf(r -> isOwn(r, own, plan));
      Set<Record> expected = new HashSet<>(managed(plan.basis(), type, own, plan));
      if (!expected.equals(new HashSet<>(table))) {
        throw ProviderException.of(
            Kind.CONCURRENT_CHANGE,
            zone,
            id,
            "the records-table "
                + Type.string(type)
                + " rrset changed since the plan was made ("
                + table.size()
                + " records now, "
                + expected.size()
                + " in the plan's basis)");
      }
      for (PlanChange c : plan.changes()) {
        if (c.type() == type) {
          if (c.action() == PlanChange.Action.ADD) {
            table.add(c.record());
          } else {
            table.remove(c.record());
          }
        }
      }
      writes.add(new PowerDnsConverter.RrsetChange(type, ttl(plan, type), List.copyOf(table)));
    }
    client.patchRrsets(zone, PowerDnsConverter.patch(apex, writes));
    LOG.info(
        "zone={} provider={} event=rrsets_patched api={} types={} changes={} hash={} took_ms={}",
        zone,
        id,
        apiUrl,
        writes.stream().map(w -> Type.string(w.type())).toList(),
        plan.changes().size(),
        plan.hash(),
        (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * PowerDNS's own keys, to tell its records from those the plan manages: the plan's basis's,
   * listed (or told by the answer) when it was read, unless the records table holds a DNSKEY the
   * basis calls own or a CDS or CDNSKEY derived from one; then the cryptokeys are listed, as before
   * every write until now. PowerDNS serves its own keys from the cryptokeys table, and this adapter
   * strips them from the records table when it writes, so such an entry means the basis's set is a
   * guess (a plan after a refused basis takes the keys it did not know as own, {@link
   * dev.multisigner.providers.LastKnownBasis}) or someone wrote an own key into the table. A key
   * PowerDNS added or removed since the basis was read is in neither the table nor the plan, so the
   * check and the write come out the same with either set. Saves the cryptokeys request (about 2.7
   * ms of PowerDNS's CPU, bench/README.md §16) on most writes.
   */
  private Set<DNSKEYRecord> ownKeys(ProviderPlan plan, JsonNode zoneJson) {
    ZoneKeySnapshot basis = plan.basis();
    Set<DNSKEYRecord> own = basis.ownKeys();
    if (basis.ownKeySource() != OwnKeySource.API || own.isEmpty()) {
      return ownKeys(plan.zone());
    }
    Name apex = plan.zone().toName();
    for (int type : new int[] {Type.DNSKEY, Type.CDS, Type.CDNSKEY}) {
      for (Record r : PowerDnsConverter.rrset(zoneJson, apex, type)) {
        if (isOwn(r, own, plan)) {
          return ownKeys(plan.zone());
        }
      }
    }
    basisOwnKeys.incrementAndGet();
    return own;
  }

  /** Writes that told PowerDNS's own keys by their basis, without a cryptokeys request. */
  public long writesWithBasisOwnKeys() {
    return basisOwnKeys.get();
  }

  /** The records Multisigner manages in the basis: not own keys, not derived from own keys. */
  private static List<Record> managed(
      ZoneKeySnapshot basis, int type, Set<DNSKEYRecord> own, ProviderPlan plan) {
    return basis.records(type).stream()
        .filter(r -> !isOwn(r, own, plan))
        .map(r -> (Record) r)
        .toList();
  }

  private static boolean isOwn(Record r, Set<DNSKEYRecord> own, ProviderPlan plan) {
    return switch (r.getType()) {
      case Type.DNSKEY -> own.contains(r);
      case Type.CDS, Type.CDNSKEY -> ProviderPlanner.derivedFromOwnKey(r, own);
      default -> false;
    };
  }

  /**
   * All key RRsets share the DNSKEY TTL (PowerDNS serves one TTL anyway; RECIPE pitfall 9). NS and
   * CSYNC take the TTL of the records the plan adds (the caller's choice), else the served one.
   */
  private static long ttl(ProviderPlan plan, int type) {
    ZoneKeySnapshot basis = plan.basis();
    if (type == Type.NS || type == Type.CSYNC) {
      return plan.changes(PlanChange.Action.ADD, type).stream()
          .map(c -> c.record().getTTL())
          .findFirst()
          .orElseGet(
              () -> basis.records(type).isEmpty() ? 3600 : basis.records(type).get(0).getTTL());
    }
    return basis.dnskeys().isEmpty() ? 3600 : basis.dnskeys().get(0).getTTL();
  }

  @Override
  public String toString() {
    return "PowerDnsAdapter[" + id + " " + client + "]";
  }
}
