package dev.multisigner.collector.observe;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.support.signers.SignerRegistry;
import dev.multisigner.support.zones.ZoneDirectory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;

/**
 * Runs observations off the caller's thread, isolated per signer: each signer has its own lane (a
 * bounded pool of {@code max-concurrency-per-signer} threads), so a provider that hangs or fails
 * fills only its own lane, and each observation has a deadline ({@code observation-timeout}) after
 * which its read is interrupted and reported as a timeout.
 *
 * <p>Requests for one zone × signer coalesce: at most one observation of a pair waits and at most
 * one runs. A request while one waits is absorbed by it; a NOTIFY or on-request observation while
 * one runs waits behind it (the running read may have started before the change it signals), a poll
 * while one runs is dropped (the running one is as fresh as the poll would be).
 *
 * <p>A lane takes a NOTIFY's or an on-request observation before the polls waiting in it, and a
 * NOTIFY for a pair whose poll waits in the lane moves that observation to the front: under a
 * backlog of polls (PowerDNS is read fully at every poll) a signalled change is read next, not
 * after the backlog.
 *
 * <pre>
 *   idle --request--> waiting(delay | lane queue) --lane picks it--> running --done--> idle
 *                        ^  (requests coalesce)                        |
 *                        +------ NOTIFY/REQUEST while running ---------+ (runs once more)
 * </pre>
 */
@Singleton
@Requires(env = "key-collector")
public class ObservationScheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ObservationScheduler.class);

  /** What became of a request. */
  public enum Admission {
    /** An observation of the pair will run for it. */
    QUEUED,
    /** An observation of the pair already waits (or runs, for a poll): nothing was added. */
    COALESCED,
    /** This deployment has no configuration for the signer. */
    SIGNER_NOT_CONFIGURED
  }

  /**
   * The state of one zone × signer pair; absent from the map means idle. {@code ticket} names the
   * lane task that may run the waiting observation (a pair moved to the front leaves a stale task
   * behind, which then does nothing).
   */
  private record Slot(ObservationSource waiting, boolean inLane, boolean running, long ticket) {
    Slot(ObservationSource waiting, boolean inLane, boolean running) {
      this(waiting, inLane, running, 0);
    }
  }

  /** A lane's task: signalled observations first, then in the order they were queued. */
  private record LaneTask(String zone, String signer, boolean urgent, long ticket, Runnable body)
      implements Runnable, Comparable<LaneTask> {
    @Override
    public void run() {
      body.run();
    }

    @Override
    public int compareTo(LaneTask o) {
      if (urgent != o.urgent) {
        return urgent ? -1 : 1;
      }
      return Long.compare(ticket, o.ticket);
    }
  }

  private final AtomicLong tickets = new AtomicLong();

  private final ObservationService service;
  private final SignerRegistry registry;
  private final ZoneDirectory directory;
  private final int concurrencyPerSigner;
  private final Duration timeout;
  private final Duration fullResync;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Map<String, ThreadPoolExecutor> lanes = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timers;

  public ObservationScheduler(
      ObservationService service,
      SignerRegistry registry,
      ZoneDirectory directory,
      @Value("${multisigner.collector.max-concurrency-per-signer:4}") int concurrencyPerSigner,
      @Value("${multisigner.collector.observation-timeout:10s}") Duration timeout,
      @Value("${multisigner.collector.full-resync-interval:5m}") Duration fullResync) {
    if (concurrencyPerSigner < 1) {
      throw new IllegalArgumentException(
          "multisigner.collector.max-concurrency-per-signer must be at least 1, got "
              + concurrencyPerSigner);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "multisigner.collector.observation-timeout must be positive, got " + timeout);
    }
    this.service = service;
    this.registry = registry;
    this.directory = directory;
    this.concurrencyPerSigner = concurrencyPerSigner;
    this.timeout = timeout;
    this.fullResync = fullResync;
    this.timers = Executors.newSingleThreadScheduledExecutor(daemonThreads("observe-timers"));
  }

  /** Observes {@code zone} at every signer the zone has now (e.g. on a NOTIFY for the zone). */
  public Map<String, Admission> requestZone(String zone, ObservationSource source) {
    return requestZone(zone, directory.signers(zone).orElse(Set.of()), source);
  }

  /** Observes {@code zone} now at each of {@code signers}. */
  public Map<String, Admission> requestZone(
      String zone, Set<String> signers, ObservationSource source) {
    Map<String, Admission> admissions = new LinkedHashMap<>();
    for (String signer : signers) {
      admissions.put(signer, request(zone, signer, source, Duration.ZERO));
    }
    return admissions;
  }

  /**
   * Asks for an observation of {@code zone} at {@code signer} after {@code delay} (a poll's jitter;
   * zero runs it as soon as the signer's lane has a thread free).
   */
  public Admission request(String zone, String signer, ObservationSource source, Duration delay) {
    if (registry.provider(signer).isEmpty()) {
      return Admission.SIGNER_NOT_CONFIGURED;
    }
    boolean now = delay.isZero() || delay.isNegative();
    String key = key(zone, signer);
    Admission[] admission = {Admission.COALESCED};
    boolean[] toLane = {false};
    boolean[] delayed = {false};
    slots.compute(
        key,
        (k, s) -> {
          if (s == null) {
            admission[0] = Admission.QUEUED;
            toLane[0] = now;
            delayed[0] = !now;
            return new Slot(source, now, false);
          }
          if (s.waiting() != null) {
            if (now && !s.inLane() && !s.running()) {
              // a NOTIFY does not wait for a poll's jitter
              toLane[0] = true;
              admission[0] = Admission.QUEUED;
              return new Slot(source, true, false);
            }
            if (s.inLane() && urgent(source) && !urgent(s.waiting())) {
              // a NOTIFY does not wait behind the polls queued before it in the lane
              toLane[0] = true;
              return new Slot(source, true, false);
            }
            return s;
          }
          if (source == ObservationSource.DNS_QUERY) {
            return s;
          }
          admission[0] = Admission.QUEUED;
          return new Slot(source, false, true);
        });
    if (toLane[0]) {
      toLane(zone, signer);
    } else if (delayed[0]) {
      schedule(zone, signer, delay);
    }
    LOG.debug(
        "event=observation_requested zone={} signer={} source={} admission={}",
        zone,
        signer,
        source,
        admission[0]);
    return admission[0];
  }

  private void schedule(String zone, String signer, Duration delay) {
    try {
      timers.schedule(() -> delayElapsed(zone, signer), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      slots.remove(key(zone, signer));
    }
  }

  private void delayElapsed(String zone, String signer) {
    boolean[] toLane = {false};
    slots.computeIfPresent(
        key(zone, signer),
        (k, s) -> {
          if (s.waiting() != null && !s.inLane() && !s.running()) {
            toLane[0] = true;
            return new Slot(s.waiting(), true, false);
          }
          return s;
        });
    if (toLane[0]) {
      toLane(zone, signer);
    }
  }

  private static boolean urgent(ObservationSource source) {
    return source == ObservationSource.NOTIFY || source == ObservationSource.REQUEST;
  }

  /**
   * Queues the pair's waiting observation in its signer's lane, under a new ticket: a task queued
   * before for the pair (with a lower priority) then finds the ticket changed and does nothing.
   */
  private void toLane(String zone, String signer) {
    long ticket = tickets.incrementAndGet();
    boolean[] urgent = {false};
    Slot slot =
        slots.computeIfPresent(
            key(zone, signer),
            (k, s) -> {
              urgent[0] = urgent(s.waiting());
              return new Slot(s.waiting(), s.inLane(), s.running(), ticket);
            });
    if (slot == null) {
      return;
    }
    try {
      lane(signer)
          .execute(new LaneTask(zone, signer, urgent[0], ticket, () -> run(zone, signer, ticket)));
    } catch (RejectedExecutionException e) {
      // shutting down: forget the pair, nothing will run it
      slots.remove(key(zone, signer));
    }
  }

  private ThreadPoolExecutor lane(String signer) {
    return lanes.computeIfAbsent(
        signer,
        s -> {
          ThreadPoolExecutor pool =
              new ThreadPoolExecutor(
                  concurrencyPerSigner,
                  concurrencyPerSigner,
                  30,
                  TimeUnit.SECONDS,
                  new PriorityBlockingQueue<>(),
                  daemonThreads("observe-" + s));
          pool.allowCoreThreadTimeOut(true);
          return pool;
        });
  }

  private void run(String zone, String signer, long ticket) {
    String key = key(zone, signer);
    ObservationSource[] source = {null};
    slots.computeIfPresent(
        key,
        (k, s) -> {
          if (!s.inLane() || s.ticket() != ticket) {
            return s; // moved to the front under a newer ticket: that task runs it
          }
          source[0] = s.waiting();
          return new Slot(null, false, true);
        });
    if (source[0] == null) {
      return;
    }
    try {
      DnsProvider provider = registry.provider(signer).orElseThrow();
      service.keySigningRequest(zone, provider);
      service.observe(zone, signer, () -> readWithDeadline(zone, signer, provider), source[0]);
    } catch (RuntimeException e) {
      // The event log cannot take the record (shutdown or broker gone): the next request retries.
      LOG.warn(
          "event=observation_not_published zone={} signer={} source={} reason=\"{}\"",
          zone,
          signer,
          source[0],
          e.getMessage());
    } finally {
      finished(zone, signer);
    }
  }

  private void finished(String zone, String signer) {
    boolean[] again = {false};
    slots.computeIfPresent(
        key(zone, signer),
        (k, s) -> {
          if (s.waiting() != null) {
            again[0] = true;
            return new Slot(s.waiting(), true, false);
          }
          return null;
        });
    if (again[0]) {
      toLane(zone, signer);
    }
  }

  /**
   * The provider's read, interrupted at the deadline. Adapters block in interruptible waits
   * (dnsjava's resolver futures, the JDK HTTP client); one that does not still fills only its own
   * signer's lane.
   */
  private ZoneKeySnapshot readWithDeadline(String zone, String signer, DnsProvider provider) {
    Deadline deadline = new Deadline(Thread.currentThread());
    ScheduledFuture<?> watchdog =
        timers.schedule(deadline::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      // the pair's first read, the first after a failure, and every full resync reuse nothing
      boolean afresh =
          service.lastFullRead(zone, signer).map(r -> r.resyncDue(fullResync)).orElse(true);
      ZoneName name = ZoneName.of(zone);
      Set<DNSKEYRecord> others = service.listedByOthers(zone, signer);
      ZoneKeySnapshot snapshot =
          afresh ? provider.readAfresh(name, others) : provider.read(name, others);
      if (deadline.finish()) {
        return snapshot;
      }
      throw timedOut(zone, signer, null);
    } catch (RuntimeException e) {
      if (deadline.finish()) {
        throw e;
      }
      throw timedOut(zone, signer, e);
    } finally {
      watchdog.cancel(false);
    }
  }

  private ProviderException timedOut(String zone, String signer, RuntimeException cause) {
    return ProviderException.of(
        ProviderException.Kind.TIMEOUT,
        ZoneName.of(zone),
        SignerId.of(signer),
        "no complete observation within "
            + timeout
            + " (multisigner.collector.observation-timeout)",
        cause);
  }

  /** The deadline of one read: expires (and interrupts the reader) only while the read runs. */
  private static final class Deadline {
    private final Thread reader;
    private boolean done; // guarded by this
    private boolean expired; // guarded by this

    Deadline(Thread reader) {
      this.reader = reader;
    }

    synchronized void expire() {
      if (!done) {
        expired = true;
        done = true;
        reader.interrupt();
      }
    }

    /** Ends the read; false when the deadline had expired (the interrupt is then cleared). */
    synchronized boolean finish() {
      done = true;
      if (expired) {
        Thread.interrupted();
        return false;
      }
      return true;
    }
  }

  /** True while an observation of the pair waits or runs. */
  public boolean busy(String zone, String signer) {
    return slots.containsKey(key(zone, signer));
  }

  private static String key(String zone, String signer) {
    return zone + "|" + signer;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @PreDestroy
  @Override
  public void close() {
    timers.shutdownNow();
    lanes.values().forEach(ThreadPoolExecutor::shutdownNow);
  }
}
