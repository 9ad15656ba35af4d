package dev.multisigner.collector.observe;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.schemas.avro.Dnskey;
import dev.multisigner.schemas.avro.KeySigningRequested;
import dev.multisigner.schemas.avro.ObservationFailed;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerKeysObserved;
import dev.multisigner.schemas.avro.SignerObservation;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;

/**
 * Observes a signer and publishes a SignerObservation only when what it serves changed since the
 * last observation of that zone × signer (a full snapshot plus what was added and removed). A
 * failed observation is published too, so the coordinator can tell silence from trouble.
 */
@Singleton
@Requires(env = "key-collector")
public class ObservationService {

  private static final Logger LOG = LoggerFactory.getLogger(ObservationService.class);

  private final EventLog log;
  private final Envelopes envelopes;
  private final Duration failureRepublish;
  private final Map<String, SignerKeysObserved> last = new ConcurrentHashMap<>();
  private final Map<String, Failure> lastFailure = new ConcurrentHashMap<>();
  private final Map<String, FullRead> lastRead = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> fullReads = new ConcurrentHashMap<>();
  private final Map<String, List<Dnskey>> lastRequest = new ConcurrentHashMap<>();

  /** Per zone, per signer, the keys its API or key manager listed as its own at its last read. */
  private final Map<String, Map<String, Set<DNSKEYRecord>>> listedOwn = new ConcurrentHashMap<>();

  public ObservationService(
      EventLog log,
      Envelopes envelopes,
      @Value("${multisigner.collector.failure-republish-interval:15s}") Duration failureRepublish) {
    if (failureRepublish.isNegative() || failureRepublish.isZero()) {
      throw new IllegalArgumentException(
          "multisigner.collector.failure-republish-interval must be positive, got "
              + failureRepublish);
    }
    this.log = log;
    this.envelopes = envelopes;
    this.failureRepublish = failureRepublish;
  }

  /** The outcome of one observation. */
  public record Outcome(boolean published, boolean changed, int dnskeys, String failure) {}

  /**
   * The last successful full read of a zone × signer: the SOA serial it saw first, the digest of
   * what it saw served ({@link ZoneKeySnapshot#servedDigest()}), and when.
   */
  public record FullRead(Long soaSerial, long servedDigest, Instant at) {

    /**
     * True when this read is older than {@code fullResync}: the pair's next read is a full resync,
     * which also reuses nothing the adapter remembers ({@link DnsProvider#readAfresh}).
     */
    public boolean resyncDue(Duration fullResync) {
      return at.isBefore(Instant.now().minus(fullResync));
    }
  }

  /** The failure last published for a zone × signer, and when. */
  private record Failure(String reason, Instant publishedAt) {}

  /** The last successful full read of the pair, if the pair's last observation succeeded. */
  public Optional<FullRead> lastFullRead(String zone, String signer) {
    return Optional.ofNullable(lastRead.get(zone + "|" + signer));
  }

  /** Full reads of the pair done since start or since its zone was last managed. */
  public long fullReads(String zone, String signer) {
    AtomicLong n = fullReads.get(zone + "|" + signer);
    return n == null ? 0 : n.get();
  }

  /**
   * Forgets every zone × signer whose zone {@code managed} does not list (retired zones), so the
   * collector keeps state only for zones under management.
   */
  public void retainZones(Set<String> managed) {
    for (Map<String, ?> m : List.of(last, lastFailure, lastRead, fullReads, lastRequest)) {
      m.keySet().removeIf(k -> !managed.contains(k.substring(0, k.indexOf('|'))));
    }
    listedOwn.keySet().retainAll(managed);
  }

  /**
   * The keys the zone's signers other than {@code signer} listed as their own (API or key manager)
   * at their last successful reads here: a hint for {@link DnsProvider#read(ZoneName, Set)}, so a
   * Knot whose served key signs nothing is not asked about a key that, say, PowerDNS holds. A
   * collector that has not read the other signers yet (after a start or a rebalance) tells none.
   */
  public Set<DNSKEYRecord> listedByOthers(String zone, String signer) {
    Map<String, Set<DNSKEYRecord>> bySigner = listedOwn.get(zone);
    if (bySigner == null) {
      return Set.of();
    }
    Set<DNSKEYRecord> keys = new HashSet<>();
    bySigner.forEach(
        (other, own) -> {
          if (!other.equals(signer)) {
            keys.addAll(own);
          }
        });
    return keys;
  }

  /** Zone × signer pairs the service holds state for. */
  public int pairsHeld() {
    Set<String> keys = new java.util.HashSet<>(last.keySet());
    keys.addAll(lastFailure.keySet());
    keys.addAll(lastRead.keySet());
    keys.addAll(fullReads.keySet());
    return keys.size();
  }

  /** Observes {@code signer} for {@code zone} through its provider adapter. */
  public Outcome observe(String zone, DnsProvider provider, ObservationSource source) {
    keySigningRequest(zone, provider);
    String signer = provider.id().value();
    return observe(
        zone, signer, () -> provider.read(ZoneName.of(zone), listedByOthers(zone, signer)), source);
  }

  /**
   * Observes {@code signer} for {@code zone} through {@code read}. Callers run one observation of a
   * zone × signer at a time ({@link ObservationScheduler} does), so the diffs follow each other.
   */
  Outcome observe(
      String zone, String signer, Supplier<ZoneKeySnapshot> read, ObservationSource source) {
    SignerKeysObserved snapshot;
    long servedDigest;
    String key = zone + "|" + signer;
    fullReads.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    try {
      ZoneKeySnapshot served = read.get();
      if (served.dnskeys().isEmpty()) {
        throw ProviderException.of(
            ProviderException.Kind.UNKNOWN_ZONE,
            ZoneName.of(zone),
            SignerId.of(signer),
            "no DNSKEY RRset served (zone unsigned or unknown)");
      }
      snapshot = SnapshotConverter.toObservation(served, source);
      servedDigest = served.servedDigest();
      remember(zone, signer, served);
    } catch (ProviderException e) {
      LOG.warn(
          "event=observation_failed zone={} signer={} retryable={} reason=\"{}\"",
          zone,
          signer,
          e.retryable(),
          e.getMessage());
      lastRead.remove(key);
      // Published when the reason changes and again every failure-republish-interval while the
      // signer keeps failing, so the coordinator sees the outage last past its unreachable limit.
      Instant now = Instant.now();
      Failure before = lastFailure.get(key);
      if (before == null
          || !before.reason().equals(e.getMessage())
          || !now.isBefore(before.publishedAt().plus(failureRepublish))) {
        publish(zone, signer, new ObservationFailed(e.getMessage(), e.retryable()));
        lastFailure.put(key, new Failure(e.getMessage(), now));
        return new Outcome(true, false, 0, e.getMessage());
      }
      return new Outcome(false, false, 0, e.getMessage());
    }
    boolean recovered = lastFailure.remove(key) != null;
    lastRead.put(key, new FullRead(snapshot.getSoaSerial(), servedDigest, Instant.now()));
    SignerKeysObserved previous = last.get(key);
    // After a failure the snapshot goes out even when unchanged: it tells the coordinator that the
    // signer answers again.
    if (previous != null && !recovered && sameContent(previous, snapshot)) {
      LOG.debug("event=observation_unchanged zone={} signer={}", zone, signer);
      return new Outcome(false, false, snapshot.getDnskeys().size(), null);
    }
    List<Dnskey> before = previous == null ? List.of() : previous.getDnskeys();
    snapshot.setAdded(minus(snapshot.getDnskeys(), before));
    snapshot.setRemoved(minus(before, snapshot.getDnskeys()));
    publish(zone, signer, snapshot);
    last.put(key, snapshot);
    LOG.info(
        "event=signer_keys_observed zone={} signer={} dnskeys={} added={} removed={} cds={}"
            + " serial={}",
        zone,
        signer,
        snapshot.getDnskeys().size(),
        snapshot.getAdded().size(),
        snapshot.getRemoved().size(),
        snapshot.getCds().size(),
        snapshot.getSoaSerial());
    return new Outcome(true, true, snapshot.getDnskeys().size(), null);
  }

  /** Keeps the signer's own keys where they were listed, not inferred from signatures. */
  private void remember(String zone, String signer, ZoneKeySnapshot served) {
    if (served.ownKeySource() == ZoneKeySnapshot.OwnKeySource.SIGNATURES) {
      Map<String, Set<DNSKEYRecord>> bySigner = listedOwn.get(zone);
      if (bySigner != null) {
        bySigner.remove(signer);
      }
      return;
    }
    listedOwn
        .computeIfAbsent(zone, z -> new ConcurrentHashMap<>())
        .put(signer, Set.copyOf(served.ownKeys()));
  }

  /**
   * Model 1: publishes a member's key signing request (the ZSKs it asks to have signed, Knot's KSR)
   * when it names other ZSKs than the one last published, or is the first since start. Read before
   * the zone itself, so the decider learns a new ZSK before the member signs with it; a member
   * whose zone cannot load before its first SKR still tells its ZSKs. A failed read is only logged:
   * the observation that follows tells the decider whether the signer answers.
   */
  public void keySigningRequest(String zone, DnsProvider provider) {
    String signer = provider.id().value();
    Optional<List<DNSKEYRecord>> request;
    try {
      request = provider.keySigningRequest(ZoneName.of(zone));
    } catch (ProviderException e) {
      LOG.warn(
          "event=key_signing_request_failed zone={} signer={} reason=\"{}\"",
          zone,
          signer,
          e.getMessage());
      return;
    }
    if (request.isEmpty()) {
      return;
    }
    List<Dnskey> zsks = request.get().stream().map(SnapshotConverter::dnskey).toList();
    String key = zone + "|" + signer;
    if (zsks.equals(lastRequest.get(key))) {
      return;
    }
    publish(zone, signer, new KeySigningRequested(Instant.now(), zsks));
    lastRequest.put(key, zsks);
    LOG.info(
        "event=key_signing_request_published zone={} signer={} zsks={}",
        zone,
        signer,
        zsks.stream().map(Dnskey::getKeyTag).toList());
  }

  private void publish(String zone, String signer, Object observation) {
    SignerObservation record =
        SignerObservation.newBuilder()
            .setEnvelope(envelopes.first(zone))
            .setSignerId(signer)
            .setObservation(observation)
            .build();
    log.append(TopicCatalog.SIGNER_OBSERVATIONS, zone, record);
  }

  /** Equal served content (ignoring the diff fields and how it was observed). */
  private static boolean sameContent(SignerKeysObserved a, SignerKeysObserved b) {
    return a.getDnskeys().equals(b.getDnskeys())
        && a.getDnskeySignerTags().equals(b.getDnskeySignerTags())
        && a.getZoneSignerTags().equals(b.getZoneSignerTags())
        && a.getCds().equals(b.getCds())
        && a.getCdnskeys().equals(b.getCdnskeys())
        && a.getNameservers().equals(b.getNameservers())
        && a.getCsync().equals(b.getCsync())
        && Objects.equals(a.getOwnKeys(), b.getOwnKeys())
        && Objects.equals(a.getSoaSerial(), b.getSoaSerial());
  }

  private static List<Dnskey> minus(List<Dnskey> from, List<Dnskey> remove) {
    List<Dnskey> out = new ArrayList<>(from);
    out.removeAll(remove);
    return out;
  }
}
