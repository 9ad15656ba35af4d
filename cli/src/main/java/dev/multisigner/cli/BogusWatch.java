package dev.multisigner.cli;

import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.UnboundValidator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

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
  private final Set<String> down = ConcurrentHashMap.newKeySet();
  private volatile boolean running = true;

  public BogusWatch(DnsLab lab) {
    this.lab = lab;
    this.thread = new Thread(this::watch, "bogus-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs one cross-provider round, holding the validator so no one else switches it meanwhile. */
  public static Map<String, String> round(DnsLab lab) {
    return round(lab, Set.of());
  }

  private static Map<String, String> round(DnsLab lab, Set<String> down) {
    synchronized (lab.validator()) {
      return crossValidate(lab, down);
    }
  }

  /**
   * RFC 8901 §5.2: the DNSKEY RRset cached from one provider must validate answers signed by the
   * other. For each ordered pair of signers not in {@code down}, cache the DNSKEY RRset from the
   * first, then ask through the second only.
   */
  static Map<String, String> crossValidate(DnsLab lab, Set<String> down) {
    Map<String, String> results = new LinkedHashMap<>();
    UnboundValidator v = lab.validator();
    for (LabSigner keys : lab.signers()) {
      for (LabSigner answers : lab.signers()) {
        if (keys == answers || down.contains(keys.id()) || down.contains(answers.id())) {
          continue;
        }
        v.cacheDnskeyFrom(keys);
        v.useOnly(answers);
        Message m = v.query(lab.zone(), Type.SOA);
        results.put("DNSKEY from " + keys.id() + ", SOA from " + answers.id(), verdict(m));
      }
    }
    return results;
  }

  /** The rcode, and "ad" when the validator set the AD flag (a secure answer). */
  static String verdict(Message m) {
    String rcode = Rcode.string(m.getRcode());
    boolean ad = m.getHeader().getFlag(Flags.AD);
    return rcode + (ad ? " ad" : " (no AD)");
  }

  /**
   * Stops probing through {@code signer} (it is about to go down on purpose: a resolver that cannot
   * reach a provider answers SERVFAIL, which is not a validation failure). Returns after the round
   * in flight, so no probe reaches the signer once this returns.
   */
  public void pause(String signer) {
    down.add(signer);
    synchronized (lab.validator()) {
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
        for (Map.Entry<String, String> e : round(lab, Set.copyOf(down)).entrySet()) {
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
