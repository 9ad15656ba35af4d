package dev.multisigner.cli;

import dev.multisigner.lab.dns.DnsLab;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proof that a process is safe: while it runs, a real validating resolver (Unbound) is asked
 * over and over, for every ordered pair of providers, for an answer from one provider with the
 * DNSKEY RRset cached from the other (RFC 8901 §5.2). It must never see a bogus answer (SERVFAIL);
 * insecure answers (no DS yet) and secure ones (AD) are counted apart.
 */
public final class BogusWatch implements AutoCloseable {

  /** What the watch saw. */
  public record Counts(
      int probes, int secure, int insecure, int bogus, List<String> bogusSamples) {}

  private final DnsLab lab;
  private final Thread thread;
  private final AtomicInteger probes = new AtomicInteger();
  private final AtomicInteger secure = new AtomicInteger();
  private final AtomicInteger insecure = new AtomicInteger();
  private final AtomicInteger bogus = new AtomicInteger();
  private final List<String> samples = new ArrayList<>();
  private volatile boolean running = true;

  public BogusWatch(DnsLab lab) {
    this.lab = lab;
    this.thread = new Thread(this::watch, "bogus-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs one cross-provider round, holding the validator so no one else switches it meanwhile. */
  public static Map<String, String> round(DnsLab lab) {
    synchronized (lab.validator()) {
      return Demo.crossValidate(lab);
    }
  }

  private void watch() {
    while (running) {
      try {
        for (Map.Entry<String, String> e : round(lab).entrySet()) {
          probes.incrementAndGet();
          String verdict = e.getValue();
          if (verdict.startsWith("NOERROR ad")) {
            secure.incrementAndGet();
          } else if (verdict.startsWith("NOERROR")) {
            insecure.incrementAndGet();
          } else {
            bogus.incrementAndGet();
            synchronized (samples) {
              if (samples.size() < 10) {
                samples.add(Instant.now() + " " + e.getKey() + " -> " + verdict);
              }
            }
          }
        }
        Thread.sleep(150);
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

  public Counts counts() {
    synchronized (samples) {
      return new Counts(
          probes.get(), secure.get(), insecure.get(), bogus.get(), List.copyOf(samples));
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
