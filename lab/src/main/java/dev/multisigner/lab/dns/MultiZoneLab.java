package dev.multisigner.lab.dns;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Many child zones on one Knot signer, one PowerDNS signer and one BIND parent (no validator, no
 * NOTIFY): every zone is signed by both signers (KSK+ZSK each, the single-zone lab's policy) and
 * delegated by the parent, which accepts DS/NS updates with TSIG as in {@link DnsLab}. {@link
 * #lab()} is a {@link DnsLab} view of the same daemons whose {@link DnsLab#zone()} is the first
 * zone, so code written for the single-zone lab (e.g. the demo's service properties) can use it.
 *
 * <pre>{@code
 * try (MultiZoneLab lab = MultiZoneLab.builder().zones(MultiZoneLab.numberedZones(1000, "test."))
 *     .knotSigner("knot-a").pdnsSigner("pdns-b").start()) { ... }
 * }</pre>
 */
public final class MultiZoneLab implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MultiZoneLab.class);

  private final DnsLab lab;
  private final List<Name> zones;
  private final Map<String, Duration> componentStartup;
  private final List<UnboundValidator> validators;

  private MultiZoneLab(
      DnsLab lab,
      List<Name> zones,
      Map<String, Duration> componentStartup,
      List<UnboundValidator> validators) {
    this.lab = lab;
    this.zones = zones;
    this.componentStartup = componentStartup;
    this.validators = validators;
  }

  /**
   * The Unbound validator that holds a stub for {@code zone} ({@link Builder#validators(int)} share
   * the zones in turn): probe it with {@link CrossProviderProbe#round(UnboundValidator, Name, List,
   * java.util.Set)}.
   */
  public UnboundValidator validator(Name zone) {
    if (validators.isEmpty()) {
      throw new IllegalStateException("this lab has no validator: use validators(n)");
    }
    int i = zones.indexOf(zone);
    if (i < 0) {
      throw new IllegalArgumentException(zone + " is not a zone of this lab");
    }
    return validators.get(i % validators.size());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code z00001.<parent>} ... {@code z<n>.<parent>}, five digits at least. */
  public static List<String> numberedZones(int n, String parent) {
    List<String> out = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      out.add(String.format("z%05d.%s", i, parent));
    }
    return out;
  }

  /** The same daemons as a single-zone lab whose zone is the first zone. */
  public DnsLab lab() {
    return lab;
  }

  public List<Name> zones() {
    return zones;
  }

  public KnotSigner knot() {
    return (KnotSigner)
        lab.signers().stream().filter(s -> s instanceof KnotSigner).findFirst().orElseThrow();
  }

  public PdnsSigner pdns() {
    return (PdnsSigner)
        lab.signers().stream().filter(s -> s instanceof PdnsSigner).findFirst().orElseThrow();
  }

  public BindParent parent() {
    return lab.parent();
  }

  /** Wall-clock time of {@link Builder#start()}. */
  public Duration startupTime() {
    return lab.startupTime();
  }

  /** Start-up time of each daemon with all its zones (they start in parallel). */
  public Map<String, Duration> componentStartup() {
    return componentStartup;
  }

  @Override
  public void close() {
    validators.forEach(UnboundValidator::close);
    lab.close();
  }

  /** Declares the lab; {@link #start()} brings it up. */
  public static final class Builder {

    private final List<Name> zones = new ArrayList<>();
    private Path workDir;
    private String knotId = "knot-a";
    private String pdnsId = "pdns-b";
    private PdnsZoneCreation pdnsCreation = PdnsZoneCreation.API;
    private int pdnsApiThreads = 4;
    private PdnsSigner.Caches pdnsCaches = PdnsSigner.Caches.OFF;
    private Duration daemonTimeout;
    private final Map<String, SignerKind> declared = new LinkedHashMap<>();
    private final Map<String, java.util.function.Function<Name, KeyScheme>> schemes =
        new LinkedHashMap<>();
    private int validatorCount;
    private Duration knotPropagationDelay = Duration.ofSeconds(2);

    private Builder() {}

    /**
     * A signer of every zone, Knot or PowerDNS, with each zone's key scheme (KSK+ZSK or CSK). Once
     * called, the lab has the signers declared so (any number), not the default Knot + PowerDNS.
     */
    public Builder signer(
        String id, SignerKind kind, java.util.function.Function<Name, KeyScheme> scheme) {
      DnsLab.Builder.checkId(id);
      if (kind != SignerKind.KNOT && kind != SignerKind.PDNS) {
        throw new IllegalArgumentException("a multi-zone signer is Knot or PowerDNS, not " + kind);
      }
      declared.put(id, kind);
      schemes.put(id, scheme);
      return this;
    }

    /**
     * {@code n} Unbound validators anchored at the parent, the zones shared among them in turn (one
     * probe round holds a validator, so several let many zones be probed at once).
     */
    public Builder validators(int n) {
      this.validatorCount = n;
      return this;
    }

    /** The child zones, all with the same parent (the zone one label up). */
    public Builder zones(List<String> names) {
      for (String n : names) {
        try {
          zones.add(Name.fromString(n, Name.root).canonicalize());
        } catch (TextParseException e) {
          throw new IllegalArgumentException("not a zone name: '" + n + "'", e);
        }
      }
      return this;
    }

    /** Work directory (kept after close); default: a new temp dir, removed at close. */
    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    public Builder knotSigner(String id) {
      DnsLab.Builder.checkId(id);
      this.knotId = id;
      return this;
    }

    public Builder pdnsSigner(String id) {
      DnsLab.Builder.checkId(id);
      this.pdnsId = id;
      return this;
    }

    /** How PowerDNS gets its zones (default: the HTTP API). */
    public Builder pdnsZoneCreation(PdnsZoneCreation creation, int apiThreads) {
      this.pdnsCreation = creation;
      this.pdnsApiThreads = apiThreads;
      return this;
    }

    /** PowerDNS's caches (default: every cache off, as in every other lab). */
    public Builder pdnsCaches(PdnsSigner.Caches caches) {
      this.pdnsCaches = caches;
      return this;
    }

    /**
     * Every Knot signer's {@code propagation-delay} (default 2 s, the single-zone lab's): a new
     * Knot key is published this long plus the DNSKEY TTL (10 s) before it signs, so it must cover
     * the time Multisigner takes to import it at the other signers under the machine's load.
     */
    public Builder knotPropagationDelay(Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("a propagation delay is not negative: " + delay);
      }
      this.knotPropagationDelay = delay;
      return this;
    }

    /** How long each daemon may take to serve all zones (default 30 s + 30 ms per zone). */
    public Builder daemonTimeout(Duration timeout) {
      this.daemonTimeout = timeout;
      return this;
    }

    public MultiZoneLab start() {
      if (zones.isEmpty()) {
        throw new IllegalStateException("zones(...) is required");
      }
      if (declared.isEmpty()) {
        if (knotId.equals(pdnsId)) {
          throw new IllegalStateException("the two signers need different ids");
        }
        signer(knotId, SignerKind.KNOT, z -> KeyScheme.KSK_ZSK);
        signer(pdnsId, SignerKind.PDNS, z -> KeyScheme.KSK_ZSK);
      }
      Name parentZone = new Name(zones.get(0), 1);
      for (Name z : zones) {
        if (z.labels() < 3 || !new Name(z, 1).equals(parentZone)) {
          throw new IllegalArgumentException(
              "every zone must be a child of " + parentZone + ", got " + z);
        }
      }
      Duration timeout =
          daemonTimeout != null
              ? daemonTimeout
              : Duration.ofSeconds(30).plusMillis(30L * zones.size());
      List<Name> zs = List.copyOf(zones);
      long t0 = System.nanoTime();
      boolean ownDir = workDir == null;
      Path dir = ownDir ? DnsLab.createTempWorkDir() : workDir;
      Map<String, Duration> took = Collections.synchronizedMap(new LinkedHashMap<>());
      ExecutorService pool = Executors.newFixedThreadPool(declared.size() + 1);
      List<Future<?>> starting = new ArrayList<>();
      for (Map.Entry<String, SignerKind> e : declared.entrySet()) {
        String id = e.getKey();
        java.util.function.Function<Name, KeyScheme> scheme = schemes.get(id);
        starting.add(
            pool.submit(
                timed(
                    took,
                    id,
                    () ->
                        e.getValue() == SignerKind.KNOT
                            ? KnotSigner.startZones(
                                id, zs, scheme, knotPropagationDelay, dir.resolve(id), timeout)
                            : pdnsZones(id, zs, scheme, dir.resolve(id), timeout))));
      }
      starting.add(
          pool.submit(
              timed(
                  took,
                  "parent",
                  () -> BindParent.startZones(parentZone, zs, dir.resolve("parent"), timeout))));
      List<AutoCloseable> up = new ArrayList<>();
      RuntimeException failure = null;
      Map<String, LabSigner> signers = new LinkedHashMap<>();
      BindParent parent = null;
      for (Future<?> f : starting) {
        try {
          Object o = f.get();
          up.add((AutoCloseable) o);
          if (o instanceof LabSigner s) {
            signers.put(s.id(), s);
          } else {
            parent = (BindParent) o;
          }
        } catch (ExecutionException | InterruptedException e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          RuntimeException r =
              cause instanceof RuntimeException re
                  ? re
                  : new LabException("multi-zone lab start failed: " + cause, cause);
          if (failure == null) {
            failure = r;
          } else {
            failure.addSuppressed(r);
          }
        }
      }
      pool.shutdownNow();
      List<UnboundValidator> validators = new ArrayList<>();
      if (failure == null) {
        try {
          LabSigner first = signers.values().iterator().next();
          for (int v = 0; v < validatorCount; v++) {
            List<Name> own = new ArrayList<>();
            for (int i = v; i < zs.size(); i += validatorCount) {
              own.add(zs.get(i));
            }
            if (!own.isEmpty()) {
              UnboundValidator u =
                  UnboundValidator.start(
                      parent, own, first, dir.resolve("validator-" + (v + 1)), timeout);
              up.add(u);
              validators.add(u);
            }
          }
        } catch (RuntimeException e) {
          failure = e;
        }
      }
      if (failure != null) {
        for (AutoCloseable c : up) {
          try {
            c.close();
          } catch (Exception e) {
            failure.addSuppressed(e);
          }
        }
        if (ownDir) {
          DnsLab.deleteTree(dir);
        }
        throw failure;
      }
      Duration total = Duration.ofNanos(System.nanoTime() - t0);
      LOG.info(
          "event=multi_zone_lab_started zones={} signers={} startup_ms={} components={}",
          zs.size(),
          signers.keySet(),
          total.toMillis(),
          took);
      DnsLab view =
          DnsLab.assemble(zs.get(0), dir, ownDir, signers, parent, total, Duration.ofSeconds(20));
      return new MultiZoneLab(view, zs, Map.copyOf(took), List.copyOf(validators));
    }

    /** A PowerDNS signer of every zone; a CSK zone keeps its KSK alone, which then signs all. */
    private LabSigner pdnsZones(
        String id,
        List<Name> zs,
        java.util.function.Function<Name, KeyScheme> scheme,
        Path dir,
        Duration timeout) {
      PdnsSigner pdns =
          PdnsSigner.startZones(id, zs, dir, timeout, pdnsCreation, pdnsApiThreads, pdnsCaches);
      try {
        for (Name z : zs) {
          KeyScheme s = scheme.apply(z);
          if (s == KeyScheme.CSK) {
            PdnsKeystore keys = new PdnsKeystore(pdns, z);
            keys.keys().stream().filter(k -> !k.sep()).forEach(keys::delete);
          } else if (s != KeyScheme.KSK_ZSK) {
            throw new IllegalArgumentException(
                "a multi-zone PowerDNS signs KSK+ZSK or CSK, not " + s);
          }
        }
      } catch (RuntimeException e) {
        pdns.close();
        throw e;
      }
      return pdns;
    }

    private static <T> Callable<T> timed(
        Map<String, Duration> took, String what, Callable<T> start) {
      return () -> {
        long t = System.nanoTime();
        T result = start.call();
        took.put(what, Duration.ofNanos(System.nanoTime() - t));
        return result;
      };
    }
  }
}
