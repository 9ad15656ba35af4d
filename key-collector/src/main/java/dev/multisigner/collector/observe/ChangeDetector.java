package dev.multisigner.collector.observe;

import dev.multisigner.collector.observe.ObservationService.FullRead;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ChangeSignal;
import dev.multisigner.providers.ChangeSignal.Scope;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.dns.SerialProbe;
import dev.multisigner.schemas.avro.ObservationSource;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cheap half of a poll, for a signer whose adapter declares a change signal ({@link
 * DnsProvider#changeSignal()}): asks over UDP (many in flight on one socket per signer, TCP when
 * truncated) either the SOA serial (Knot: it moves with everything the collector reads) or the
 * served key state (PowerDNS: the serial and the served DNSKEY, CDS, CDNSKEY, NS and CSYNC RRsets
 * with who signs them, {@link ZoneKeySnapshot#servedDigest()}), and has the zone read fully only
 * when the answer differs from what the last full read saw, or the check failed. A pair with no
 * successful full read yet, a last full read older than {@code full-resync-interval}, or an adapter
 * without a signal is read fully as before; so is every NOTIFY.
 */
@Singleton
@Requires(env = "key-collector")
public class ChangeDetector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChangeDetector.class);

  private final ObservationService service;
  private final ObservationScheduler scheduler;
  private final boolean enabled;
  private final Duration fullResync;
  private final Duration timeout;
  private final int inFlight;
  private final Map<String, SerialProbe> probes = new ConcurrentHashMap<>();
  private final Map<String, ExecutorService> submitters = new ConcurrentHashMap<>();
  private final Set<String> checking = ConcurrentHashMap.newKeySet();
  private final AtomicLong checks = new AtomicLong();
  private final AtomicLong changes = new AtomicLong();

  public ChangeDetector(
      ObservationService service,
      ObservationScheduler scheduler,
      @Value("${multisigner.collector.serial-checks.enabled:true}") boolean enabled,
      @Value("${multisigner.collector.serial-checks.in-flight:256}") int inFlight,
      @Value("${multisigner.collector.full-resync-interval:5m}") Duration fullResync,
      @Value("${multisigner.collector.query-timeout:3s}") Duration timeout) {
    if (fullResync.isNegative() || fullResync.isZero()) {
      throw new IllegalArgumentException(
          "multisigner.collector.full-resync-interval must be positive, got " + fullResync);
    }
    if (inFlight < 1 || inFlight > 4096) {
      throw new IllegalArgumentException(
          "multisigner.collector.serial-checks.in-flight must be within 1..4096, got " + inFlight);
    }
    this.service = service;
    this.scheduler = scheduler;
    this.enabled = enabled;
    this.fullResync = fullResync;
    this.timeout = timeout;
    this.inFlight = inFlight;
  }

  /**
   * Checks the pair's serial when that can stand in for a full read, and has it read fully if the
   * serial moved; returns false when the caller must read it fully instead.
   */
  public boolean check(String zone, String signer, DnsProvider provider) {
    if (!enabled) {
      return false;
    }
    ChangeSignal signal = provider.changeSignal();
    Optional<InetSocketAddress> at = signal.at();
    Optional<FullRead> last = service.lastFullRead(zone, signer);
    if (at.isEmpty()
        || last.isEmpty()
        || (signal.scope() == Scope.SOA_SERIAL && last.get().soaSerial() == null)
        || last.get().resyncDue(fullResync)) {
      return false;
    }
    if (scheduler.busy(zone, signer)) {
      // a read of the pair waits or runs: checking again would only ask for it again (a read
      // that started before a change is followed by the next poll's check against its result)
      return true;
    }
    long known =
        signal.scope() == Scope.SOA_SERIAL ? last.get().soaSerial() : last.get().servedDigest();
    String pair = zone + "|" + signer;
    if (!checking.add(pair)) {
      return true; // the previous check of the pair has not been answered yet
    }
    try {
      // each signer's checks are sent from its own thread: a signer that stops answering fills
      // its own in-flight window, not the poller's
      submitter(signer).execute(() -> send(zone, signer, at.get(), signal.scope(), known, pair));
    } catch (RejectedExecutionException e) {
      checking.remove(pair); // shutting down
    }
    return true;
  }

  private void send(
      String zone, String signer, InetSocketAddress server, Scope scope, long known, String pair) {
    SerialProbe probe = probe(signer, server);
    ZoneName name = ZoneName.of(zone);
    (scope == Scope.SOA_SERIAL ? probe.serial(name) : probe.servedDigest(name))
        .whenComplete(
            (now, failure) -> {
              checking.remove(pair);
              checks.incrementAndGet();
              if (failure == null && now == known) {
                return;
              }
              changes.incrementAndGet();
              LOG.debug(
                  "event=served_changed zone={} signer={} scope={} known={} now={} failure=\"{}\"",
                  zone,
                  signer,
                  scope,
                  known,
                  now,
                  failure == null ? "" : failure.getMessage());
              scheduler.request(zone, signer, ObservationSource.DNS_QUERY, Duration.ZERO);
            });
  }

  private ExecutorService submitter(String signer) {
    return submitters.computeIfAbsent(
        signer,
        s ->
            Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "serial-checks-" + s);
                  t.setDaemon(true);
                  return t;
                }));
  }

  /** Serial checks answered (or failed) since start. */
  public long checks() {
    return checks.get();
  }

  /** Checks that found a different serial or served state, or failed, and so asked for a read. */
  public long changes() {
    return changes.get();
  }

  private SerialProbe probe(String signer, InetSocketAddress server) {
    return probes.computeIfAbsent(
        signer + "|" + server,
        k -> new SerialProbe(SignerId.of(signer), server, timeout, inFlight));
  }

  @PreDestroy
  @Override
  public void close() {
    submitters.values().forEach(ExecutorService::shutdownNow);
    probes.values().forEach(SerialProbe::close);
  }
}
