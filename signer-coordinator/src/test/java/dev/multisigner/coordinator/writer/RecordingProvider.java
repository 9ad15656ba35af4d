package dev.multisigner.coordinator.writer;

import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.ProviderLimits;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.Secret;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.inmemory.InMemoryAdapter;
import dev.multisigner.providers.inmemory.InMemoryClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;

/**
 * An in-memory provider that takes its time over each DNSKEY import and withdrawal and records, per
 * zone, what it applied in which order, how many commands ran at once (overall and per zone).
 */
final class RecordingProvider implements DnsProvider {

  private final InMemoryAdapter delegate;
  private final InMemoryClient client;
  private final int minDelayMs;
  private final int maxDelayMs;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger zoneOverlaps = new AtomicInteger();
  private final Map<ZoneName, AtomicInteger> perZone = new ConcurrentHashMap<>();
  private final Map<ZoneName, List<String>> applied = new ConcurrentHashMap<>();

  /** A provider for {@code signer} serving {@code zones}; each change takes min..max ms. */
  RecordingProvider(String signer, Collection<String> zones, int minDelayMs, int maxDelayMs) {
    Secret token = Secret.of("recording-" + signer);
    this.client = new InMemoryClient(token);
    for (String z : zones) {
      Name name = Name.fromConstantString(z);
      client.addZone(
          ZoneName.of(z),
          List.of(ownKey(name)),
          List.of(new NSRecord(name, DClass.IN, 3600, Name.fromConstantString("ns1." + z))));
    }
    this.delegate = new InMemoryAdapter(SignerId.of(signer), client, token);
    this.minDelayMs = minDelayMs;
    this.maxDelayMs = maxDelayMs;
  }

  @Override
  public ProviderPlan importDnskeys(ZoneName zone, Collection<DNSKEYRecord> keys) {
    return observed(zone, "import", keys, () -> DnsProvider.super.importDnskeys(zone, keys));
  }

  @Override
  public ProviderPlan withdrawDnskeys(ZoneName zone, Collection<DNSKEYRecord> keys) {
    return observed(zone, "withdraw", keys, () -> DnsProvider.super.withdrawDnskeys(zone, keys));
  }

  /**
   * The next {@code calls} changes hang, interrupts or not, until {@link #release} (a provider that
   * never answers, behind an adapter without a timeout).
   */
  void hangNext(int calls) {
    hanging.set(calls);
  }

  /** Lets every hanging call end (it then fails: the writer has long given up on it). */
  void release() {
    released.countDown();
  }

  /**
   * Waits until no change is running: a change the provider accepted ends even when the writer that
   * asked for it is gone (as a crashed writer's last call does at a real provider).
   */
  void awaitIdle() {
    long end = System.nanoTime() + 10_000_000_000L;
    while (inFlight.get() > 0 && System.nanoTime() < end) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    if (inFlight.get() > 0) {
      throw new AssertionError("provider calls still running after 10 s: " + inFlight.get());
    }
  }

  private final AtomicInteger hanging = new AtomicInteger();
  private final java.util.concurrent.CountDownLatch released =
      new java.util.concurrent.CountDownLatch(1);

  private void hang() {
    while (true) {
      try {
        released.await();
        throw new IllegalStateException("released after hanging");
      } catch (InterruptedException e) {
        // a hung call does not notice
      }
    }
  }

  private ProviderPlan observed(
      ZoneName zone, String action, Collection<DNSKEYRecord> keys, Supplier<ProviderPlan> call) {
    if (hanging.getAndDecrement() > 0) {
      hang();
    }
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    AtomicInteger zoneNow = perZone.computeIfAbsent(zone, z -> new AtomicInteger());
    if (zoneNow.incrementAndGet() > 1) {
      zoneOverlaps.incrementAndGet();
    }
    try {
      pause();
      ProviderPlan plan = call.get();
      List<String> log = applied.computeIfAbsent(zone, z -> new ArrayList<>());
      synchronized (log) {
        for (DNSKEYRecord k : keys) {
          log.add(action + " " + k.getFootprint());
        }
      }
      return plan;
    } finally {
      zoneNow.decrementAndGet();
      inFlight.decrementAndGet();
    }
  }

  private void pause() {
    int ms =
        maxDelayMs > minDelayMs
            ? ThreadLocalRandom.current().nextInt(minDelayMs, maxDelayMs + 1)
            : minDelayMs;
    long end = System.nanoTime() + ms * 1_000_000L;
    boolean interrupted = false;
    while (System.nanoTime() < end) {
      try {
        Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        interrupted = true; // finish the change as a real provider call would
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The changes applied to {@code zone}, in order ({@code "import 12345"}). */
  List<String> applied(ZoneName zone) {
    List<String> log = applied.getOrDefault(zone, List.of());
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** The most changes that ran at once. */
  int maxInFlight() {
    return maxInFlight.get();
  }

  /** How often a change started while another one of the same zone ran. */
  int zoneOverlaps() {
    return zoneOverlaps.get();
  }

  @Override
  public SignerId id() {
    return delegate.id();
  }

  @Override
  public String kind() {
    return delegate.kind();
  }

  @Override
  public Capabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public ProviderLimits limits() {
    return delegate.limits();
  }

  @Override
  public ZoneKeySnapshot read(ZoneName zone) {
    return delegate.read(zone);
  }

  @Override
  public void apply(ProviderPlan plan) {
    delegate.apply(plan);
  }

  private static DNSKEYRecord ownKey(Name zone) {
    byte[] key = new byte[64];
    ThreadLocalRandom.current().nextBytes(key);
    return new DNSKEYRecord(
        zone,
        DClass.IN,
        3600,
        DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY,
        DNSKEYRecord.Protocol.DNSSEC,
        DNSSEC.Algorithm.ECDSAP256SHA256,
        key);
  }
}
