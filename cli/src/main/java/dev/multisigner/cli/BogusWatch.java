package dev.multisigner.cli;

import dev.multisigner.lab.dns.CrossProviderProbe;
import dev.multisigner.lab.dns.CrossProviderProbe.Result;
import dev.multisigner.lab.dns.CrossProviderProbe.Verdict;
import dev.multisigner.lab.dns.DnsLab;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proof that a process is safe: while it runs, a real validating resolver (Unbound) is asked
 * over and over, for every ordered pair of providers, what resolvers and a parent's scanner ask
 * (SOA, NS, DNSKEY, CDS, CDNSKEY, CSYNC, a name that does not exist) from one provider with the
 * DNSKEY RRset cached from the other ({@link CrossProviderProbe}; RFC 8901 §5.2, RFC 9975). It must
 * never see a bogus answer (SERVFAIL), for any type; insecure answers (no DS yet) and secure ones
 * (AD) are counted apart, per type.
 */
public final class BogusWatch implements AutoCloseable {

  /** What the watch saw for one kind of probe. */
  public record TypeCounts(int probes, int secure, int insecure, int bogus) {
    TypeCounts plus(Verdict v) {
      return new TypeCounts(
          probes + 1,
          secure + (v == Verdict.SECURE ? 1 : 0),
          insecure + (v == Verdict.INSECURE ? 1 : 0),
          bogus + (v == Verdict.BOGUS ? 1 : 0));
    }

    @Override
    public String toString() {
      return probes + " probes " + secure + " secure " + insecure + " insecure " + bogus + " bogus";
    }
  }

  /**
   * What the watch saw: totals, per kind of probe (CDS, NXDOMAIN, ...) and the first bogus ones.
   */
  public record Counts(
      int probes,
      int secure,
      int insecure,
      int bogus,
      Map<String, TypeCounts> byType,
      List<String> bogusSamples) {

    /** The counts of one kind; zero when it was never probed. */
    public TypeCounts of(String kind) {
      return byType.getOrDefault(kind, new TypeCounts(0, 0, 0, 0));
    }

    /** One line per kind of probe, for the test and demo output. */
    public List<String> render() {
      List<String> lines = new ArrayList<>();
      lines.add(
          "total: "
              + probes
              + " probes "
              + secure
              + " secure "
              + insecure
              + " insecure "
              + bogus
              + " bogus");
      byType.forEach((k, c) -> lines.add(k + ": " + c));
      return lines;
    }
  }

  private final Object validator;
  private final java.util.function.Function<Set<String>, List<Result>> rounds;
  private final Thread thread;
  private final Map<String, TypeCounts> byType = new TreeMap<>();
  private final List<String> samples = new ArrayList<>();
  private final Set<String> down = ConcurrentHashMap.newKeySet();
  private final long pauseMillis;
  private volatile boolean running = true;

  public BogusWatch(DnsLab lab) {
    this(lab, Duration.ofMillis(150));
  }

  /** A watch that waits {@code pause} between rounds (the soak runs many at once). */
  public BogusWatch(DnsLab lab, Duration pause) {
    this(lab, pause, List.of());
  }

  /**
   * A watch that does not probe through {@code paused} from its first round on, until {@link
   * #resume}d (signers not yet enrolled, or not yet serving the zone).
   */
  public BogusWatch(DnsLab lab, Duration pause, Collection<String> paused) {
    this(
        lab.zone().toString(),
        lab.validator(),
        down -> CrossProviderProbe.round(lab, down),
        pause,
        paused);
  }

  /**
   * A watch over one zone of a multi-zone lab: {@code rounds} runs one round without the signers
   * given (e.g. {@link CrossProviderProbe#round(dev.multisigner.lab.dns.UnboundValidator,
   * org.xbill.DNS.Name, List, Set)}) holding {@code validator}; {@code paused} as above.
   */
  public BogusWatch(
      String zone,
      Object validator,
      java.util.function.Function<Set<String>, List<Result>> rounds,
      Duration pause,
      Collection<String> paused) {
    this.validator = validator;
    this.rounds = rounds;
    this.pauseMillis = pause.toMillis();
    down.addAll(paused);
    this.thread = new Thread(this::watch, "bogus-watch-" + zone);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Runs one cross-provider round over every pair and kind of probe: "DNSKEY from a, CDS from b" to
   * the validator's rcode and "ad" when it set the AD flag (a secure answer).
   */
  public static Map<String, String> round(DnsLab lab) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Result r : CrossProviderProbe.round(lab, Set.of())) {
      out.put(r.pair(), r.rcode() + (r.verdict() == Verdict.SECURE ? " ad" : " (no AD)"));
    }
    return out;
  }

  /**
   * Stops probing through {@code signer} (it is about to go down on purpose: a resolver that cannot
   * reach a provider answers SERVFAIL, which is not a validation failure). Returns after the round
   * in flight, so no probe reaches the signer once this returns.
   */
  public void pause(String signer) {
    down.add(signer);
    synchronized (validator) {
      // the round in flight, if any, has finished
    }
  }

  /** Probes through {@code signer} again (it is back). */
  public void resume(String signer) {
    down.remove(signer);
  }

  private void watch() {
    while (running) {
      try {
        // the live set, not a copy: a round may wait for a validator that other zones' rounds
        // hold, and a signer paused meanwhile (no longer delegated) must not be asked when it runs
        List<Result> round = rounds.apply(Collections.unmodifiableSet(down));
        synchronized (samples) {
          for (Result r : round) {
            byType.merge(r.kind(), new TypeCounts(0, 0, 0, 0).plus(r.verdict()), BogusWatch::sum);
            if (r.verdict() == Verdict.BOGUS && samples.size() < 10) {
              samples.add(Instant.now() + " " + r);
            }
          }
        }
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (running) {
          synchronized (samples) {
            samples.add(Instant.now() + " probe failed: " + e.getMessage());
          }
        }
      }
    }
  }

  private static TypeCounts sum(TypeCounts a, TypeCounts b) {
    return new TypeCounts(
        a.probes() + b.probes(),
        a.secure() + b.secure(),
        a.insecure() + b.insecure(),
        a.bogus() + b.bogus());
  }

  public Counts counts() {
    synchronized (samples) {
      TypeCounts total =
          byType.values().stream().reduce(new TypeCounts(0, 0, 0, 0), BogusWatch::sum);
      return new Counts(
          total.probes(),
          total.secure(),
          total.insecure(),
          total.bogus(),
          Collections.unmodifiableMap(new TreeMap<>(byType)),
          List.copyOf(samples));
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
