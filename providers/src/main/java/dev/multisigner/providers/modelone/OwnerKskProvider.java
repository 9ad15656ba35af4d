package dev.multisigner.providers.modelone;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.PlanChange;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderLimits;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.ProviderPlanner;
import dev.multisigner.providers.ZoneKeySnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The zone owner's KSK held by Multisigner itself (RFC 8901 §2.1.1, "the zone owner holds the
 * KSK"), as the KSK holder of a model 1 group. It serves no DNS: its DNSKEY RRset is the set it
 * signs (its KSK and the member ZSKs imported into it, kept in {@link OwnerKskState}), and it signs
 * a member's RRset with {@link SkrSigner} in the configured validity windows. One key file per zone
 * ({@link FileOwnerKsk}: never logged, refused when group or others can read it), generated when
 * missing if allowed.
 */
public final class OwnerKskProvider implements DnsProvider {

  private final SignerId id;
  private final KeyFiles keys;
  private final OwnerKskState state;
  private final Schedule schedule;
  private final Clock clock;
  private final Map<Name, OwnerKsk> loaded = new ConcurrentHashMap<>();

  /**
   * Where a zone's key file is and whether a missing one is generated.
   *
   * @param directory holds {@code <zone>.ksk.pem} per zone (zone without the trailing dot)
   * @param generateAlgorithm the algorithm of a generated key, or 0 to refuse a missing file
   */
  public record KeyFiles(java.nio.file.Path directory, int generateAlgorithm) {}

  /**
   * The validity windows of the signatures (the SKR schedule without the TTL, which is the
   * command's).
   */
  public record Schedule(Duration interval, int sections, Duration lifetime, Duration backdate) {
    SkrSigner.Schedule withTtl(long ttl) {
      return new SkrSigner.Schedule(ttl, interval, sections, lifetime, backdate);
    }
  }

  public OwnerKskProvider(
      SignerId id, KeyFiles keys, OwnerKskState state, Schedule schedule, Clock clock) {
    this.id = id;
    this.keys = keys;
    this.state = state;
    this.schedule = schedule;
    this.clock = clock;
    schedule.withTtl(0); // checks the schedule now, not at the first signature
  }

  /** The zone owner's KSK holder: it keeps and signs an RRset, it serves no DNS. */
  public static Capabilities ownerCapabilities() {
    String noDns = "the zone owner's KSK holder serves no DNS";
    return Capabilities.builder()
        .cannot(Capability.READ_KEYS_DNS, noDns)
        .can(Capability.READ_KEYS_API)
        .can(Capability.IMPORT_FOREIGN_DNSKEY)
        .can(Capability.PUBLISH_CDS_CDNSKEY)
        .cannot(
            Capability.ACCEPT_SIGNED_DNSKEY_RRSET,
            "it holds the KSK: it signs DNSKEY RRsets, it does not take them")
        .cannot(Capability.MANAGE_NS, noDns)
        .cannot(Capability.PUBLISH_CSYNC, noDns)
        .cannot(Capability.SENDS_NOTIFY, noDns)
        .build();
  }

  @Override
  public SignerId id() {
    return id;
  }

  @Override
  public String kind() {
    return "owner-ksk";
  }

  @Override
  public Capabilities capabilities() {
    return ownerCapabilities();
  }

  @Override
  public ProviderLimits limits() {
    return new ProviderLimits(
        Optional.empty(),
        ProviderLimits.UpdateGranularity.RECORDS_ATOMIC,
        true,
        Duration.ofSeconds(3));
  }

  /**
   * Its KSK, the member ZSKs imported and the CDS/CDNSKEY published, and its KSK's RRSIG over that
   * DNSKEY RRset (so the observation shows the KSK signing it).
   */
  @Override
  public ZoneKeySnapshot read(ZoneName zone) {
    OwnerKsk ksk = ksk(zone);
    OwnerKskState.Served served = state.read(zone);
    // The owner serves no DNS: its RRset's TTL is the one the members' ZSKs came with, and before
    // any came, none (no resolver can hold a key no member serves; a made-up TTL longer than the
    // policy's would stretch every DNSKEY-Wait-Time of the zone).
    long ttl = served.dnskeys().isEmpty() ? 0 : served.dnskeys().get(0).getTTL();
    DNSKEYRecord own = ksk.dnskey(ttl);
    List<DNSKEYRecord> dnskeys = new ArrayList<>(List.of(own));
    served.dnskeys().stream().filter(k -> !SignedKeyResponse.sameKey(k, own)).forEach(dnskeys::add);
    Instant now = clock.instant();
    RRset set = new RRset();
    dnskeys.forEach(set::addRR);
    RRSIGRecord sig = ksk.sign(set, now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)));
    return new ZoneKeySnapshot(
        zone,
        id,
        dnskeys,
        served.cds(),
        served.cdnskeys(),
        List.of(),
        Optional.empty(),
        List.of(sig),
        Set.of(own),
        ZoneKeySnapshot.OwnKeySource.DECLARED);
  }

  /** Records the plan's DNSKEY, CDS and CDNSKEY changes; its own KSK is never withdrawn. */
  /**
   * No: {@link #apply} makes the plan's changes on the state file as it is, without comparing it
   * with the plan's basis, so every write plans from a read of that file (a cheap local read).
   */
  @Override
  public boolean checksBasisOnWrite() {
    return false;
  }

  @Override
  public void apply(ProviderPlan plan) {
    ZoneName zone = plan.zone();
    ProviderPlanner.requireCapabilities(plan, capabilities());
    DNSKEYRecord own = ksk(zone).dnskey(0);
    synchronized (this) {
      OwnerKskState.Served served = state.read(zone);
      List<Record> records = new ArrayList<>(served.all());
      for (PlanChange c : plan.changes()) {
        Record r = c.record();
        if (r.getType() == Type.DNSKEY && SignedKeyResponse.sameKey((DNSKEYRecord) r, own)) {
          if (c.action() == PlanChange.Action.REMOVE) {
            throw ProviderException.of(
                ProviderException.Kind.REFUSED,
                zone,
                id,
                "the plan withdraws the owner's own KSK (tag " + own.getFootprint() + ")");
          }
          continue;
        }
        records.removeIf(x -> x.equals(r));
        if (c.action() == PlanChange.Action.ADD) {
          records.add(r);
        }
      }
      state.write(zone, records);
    }
  }

  /**
   * Signs exactly {@code keys}, which must hold the owner's KSK, in every window of the schedule
   * from now; the RRSIGs cover the DNSKEY RRset and the KSK's CDNSKEY and CDS (SHA-256).
   */
  @Override
  public List<RRSIGRecord> signDnskeyRrset(ZoneName zone, List<DNSKEYRecord> keys) {
    OwnerKsk ksk = ksk(zone);
    long ttl = keys.isEmpty() ? 3600 : keys.get(0).getTTL();
    DNSKEYRecord own = ksk.dnskey(ttl);
    if (keys.stream().noneMatch(k -> SignedKeyResponse.sameKey(k, own))) {
      throw ProviderException.of(
          ProviderException.Kind.MALFORMED,
          zone,
          id,
          "the DNSKEY RRset to sign lacks the owner's KSK " + own.getFootprint());
    }
    List<DNSKEYRecord> members =
        keys.stream().filter(k -> !SignedKeyResponse.sameKey(k, own)).toList();
    SignedKeyResponse skr;
    try {
      skr = SkrSigner.sign(ksk, members, schedule.withTtl(ttl), clock.instant());
    } catch (IllegalArgumentException e) {
      throw ProviderException.of(ProviderException.Kind.MALFORMED, zone, id, e.getMessage());
    }
    List<RRSIGRecord> out = new ArrayList<>();
    skr.sections().forEach(s -> out.addAll(s.rrsigs()));
    return out;
  }

  private OwnerKsk ksk(ZoneName zone) {
    Name name = zone.toName();
    return loaded.computeIfAbsent(name, this::loadOrGenerate);
  }

  private OwnerKsk loadOrGenerate(Name zone) {
    String file = zone.toString(true) + ".ksk.pem";
    java.nio.file.Path pem = keys.directory().resolve(file);
    try {
      if (!java.nio.file.Files.exists(pem)) {
        if (keys.generateAlgorithm() == 0) {
          throw ProviderException.of(
              ProviderException.Kind.UNKNOWN_ZONE,
              ZoneName.of(zone.toString()),
              id,
              "no owner KSK file " + pem + " (generation is off)");
        }
        try {
          return FileOwnerKsk.generate(zone, keys.generateAlgorithm(), pem);
        } catch (OwnerKskException e) {
          if (!java.nio.file.Files.exists(pem)) {
            throw e;
          }
          // another process generated it first: load that one
        }
      }
      return FileOwnerKsk.load(zone, pem);
    } catch (OwnerKskException e) {
      throw ProviderException.of(
          ProviderException.Kind.REFUSED, ZoneName.of(zone.toString()), id, e.getMessage());
    }
  }
}
