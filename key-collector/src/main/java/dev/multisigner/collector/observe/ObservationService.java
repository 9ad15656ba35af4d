package dev.multisigner.collector.observe;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.dns.DnsKeyReader;
import dev.multisigner.schemas.avro.Dnskey;
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
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes a signer and publishes a SignerObservation only when what it serves changed since the
 * last observation of that zone × signer (a full snapshot plus what was added and removed). A
 * failed observation is published too, so the coordinator can tell silence from trouble.
 */
@Singleton
@Requires(env = "key-collector")
public class ObservationService {

  private static final Logger LOG = LoggerFactory.getLogger(ObservationService.class);

  private final Duration timeout;
  private final EventLog log;
  private final Envelopes envelopes;
  private final Map<String, SignerKeysObserved> last = new ConcurrentHashMap<>();
  private final Map<String, String> lastFailure = new ConcurrentHashMap<>();

  public ObservationService(
      EventLog log,
      Envelopes envelopes,
      @Value("${multisigner.collector.query-timeout:3s}") Duration timeout) {
    this.timeout = timeout;
    this.log = log;
    this.envelopes = envelopes;
  }

  /** The outcome of one observation. */
  public record Outcome(boolean published, boolean changed, int dnskeys, String failure) {}

  /** Observes {@code signer} for {@code zone} at {@code server} and publishes what changed. */
  public Outcome observe(
      String zone, String signer, InetSocketAddress server, ObservationSource source) {
    DnsKeyReader reader = new DnsKeyReader(SignerId.of(signer), server, timeout);
    return observe(
        zone,
        signer,
        () -> reader.read(ZoneName.of(zone), DnsKeyReader.OwnKeys.fromSignatures()),
        source);
  }

  /** Observes {@code signer} for {@code zone} through its provider adapter. */
  public Outcome observe(String zone, DnsProvider provider, ObservationSource source) {
    return observe(zone, provider.id().value(), () -> provider.read(ZoneName.of(zone)), source);
  }

  /**
   * Observes {@code signer} for {@code zone} through {@code read}. Callers run one observation of a
   * zone × signer at a time ({@link ObservationScheduler} does), so the diffs follow each other.
   */
  Outcome observe(
      String zone, String signer, Supplier<ZoneKeySnapshot> read, ObservationSource source) {
    SignerKeysObserved snapshot;
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
    } catch (ProviderException e) {
      LOG.warn(
          "event=observation_failed zone={} signer={} retryable={} reason=\"{}\"",
          zone,
          signer,
          e.retryable(),
          e.getMessage());
      String key = zone + "|" + signer;
      if (!e.getMessage().equals(lastFailure.put(key, e.getMessage()))) {
        publish(zone, signer, new ObservationFailed(e.getMessage(), e.retryable()));
        return new Outcome(true, false, 0, e.getMessage());
      }
      return new Outcome(false, false, 0, e.getMessage());
    }
    String key = zone + "|" + signer;
    lastFailure.remove(key);
    SignerKeysObserved previous = last.get(key);
    if (previous != null && sameContent(previous, snapshot)) {
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
        && Objects.equals(a.getSoaSerial(), b.getSoaSerial());
  }

  private static List<Dnskey> minus(List<Dnskey> from, List<Dnskey> remove) {
    List<Dnskey> out = new ArrayList<>(from);
    out.removeAll(remove);
    return out;
  }
}
