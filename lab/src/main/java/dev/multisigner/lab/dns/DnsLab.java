package dev.multisigner.lab.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A whole multi-signer world for one child zone on 127.0.0.1: N real signers (Knot, PowerDNS), an
 * optional BIND parent and an optional Unbound validator anchored at the parent. Every daemon runs
 * from its own rendered config under the work directory and is stopped by {@link #close()}.
 *
 * <pre>{@code
 * try (DnsLab lab = DnsLab.builder().zone("example.test.")
 *     .knotSigner("knot-a").pdnsSigner("pdns-b").withParent().withValidator().start()) { ... }
 * }</pre>
 */
public final class DnsLab implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DnsLab.class);
  private static final Pattern SIGNER_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,30}");

  private final Name zone;
  private final Path workDir;
  private final boolean ownWorkDir;
  private final Map<String, LabSigner> signers; // guarded by itself
  private final BindParent parent;
  private final UnboundValidator validator;
  private final Duration startupTime;
  private final InetSocketAddress notifyTarget;
  private final Duration daemonTimeout;

  private DnsLab(
      Name zone,
      Path workDir,
      boolean ownWorkDir,
      Map<String, LabSigner> signers,
      BindParent parent,
      UnboundValidator validator,
      Duration startupTime,
      InetSocketAddress notifyTarget,
      Duration daemonTimeout) {
    this.zone = zone;
    this.workDir = workDir;
    this.ownWorkDir = ownWorkDir;
    this.signers = java.util.Collections.synchronizedMap(new LinkedHashMap<>(signers));
    this.parent = parent;
    this.validator = validator;
    this.startupTime = startupTime;
    this.notifyTarget = notifyTarget;
    this.daemonTimeout = daemonTimeout;
  }

  /** A lab of daemons started elsewhere in this package (e.g. {@link MultiZoneLab}). */
  static DnsLab assemble(
      Name zone,
      Path workDir,
      boolean ownWorkDir,
      Map<String, LabSigner> signers,
      BindParent parent,
      Duration startupTime,
      Duration daemonTimeout) {
    return new DnsLab(
        zone, workDir, ownWorkDir, signers, parent, null, startupTime, null, daemonTimeout);
  }

  /** Creates a temporary work directory (rwx for the owner only). */
  static Path createTempWorkDir() {
    return Builder.createTempDir();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Name zone() {
    return zone;
  }

  public Path workDir() {
    return workDir;
  }

  /** The signers in the order they were declared (then added). */
  public List<LabSigner> signers() {
    synchronized (signers) {
      return List.copyOf(signers.values());
    }
  }

  /** Starts another Knot signer (KSK+ZSK) for the zone while the lab runs, e.g. to join it. */
  public KnotSigner addKnotSigner(String id) {
    return addKnotSigner(id, KeyScheme.KSK_ZSK);
  }

  public KnotSigner addKnotSigner(String id, KeyScheme scheme) {
    return (KnotSigner) addSigner(new SignerSpec(id, SignerKind.KNOT, scheme));
  }

  /** Starts another PowerDNS signer (KSK+ZSK) for the zone while the lab runs. */
  public PdnsSigner addPdnsSigner(String id) {
    return addPdnsSigner(id, KeyScheme.KSK_ZSK);
  }

  public PdnsSigner addPdnsSigner(String id, KeyScheme scheme) {
    return (PdnsSigner) addSigner(new SignerSpec(id, SignerKind.PDNS, scheme));
  }

  private LabSigner addSigner(SignerSpec spec) {
    Builder.checkId(spec.id());
    synchronized (signers) {
      if (signers.containsKey(spec.id())) {
        throw new IllegalArgumentException("duplicate signer id '" + spec.id() + "'");
      }
    }
    LabSigner s = startSigner(spec, zone, workDir, notifyTarget, daemonTimeout);
    synchronized (signers) {
      signers.put(spec.id(), s);
    }
    return s;
  }

  /**
   * Stops a signer by its PID and forgets it (its files stay until the lab closes), e.g. to leave.
   */
  public void removeSigner(String id) {
    LabSigner s;
    synchronized (signers) {
      s = signers.remove(id);
    }
    if (s == null) {
      throw new IllegalArgumentException("no signer '" + id + "' in this lab");
    }
    stopAll(List.of((AutoCloseable) s));
  }

  private record SignerSpec(String id, SignerKind kind, KeyScheme scheme) {}

  private static LabSigner startSigner(
      SignerSpec s, Name zone, Path dir, InetSocketAddress notifyTarget, Duration timeout) {
    return retryOnPortClash(
        s.id(),
        attempt -> {
          Path sd = dir.resolve(attempt == 0 ? s.id() : s.id() + "-retry" + attempt);
          return s.kind() == SignerKind.KNOT
              ? KnotSigner.start(s.id(), zone, s.scheme(), sd, notifyTarget, timeout)
              : PdnsSigner.start(s.id(), zone, s.scheme(), sd, notifyTarget, timeout);
        });
  }

  /**
   * Ports are free when chosen but may be taken by another process before the daemon binds them
   * (other test JVMs on the same machine): then start again, in a fresh directory, with new ports.
   */
  static <T> T retryOnPortClash(String what, java.util.function.IntFunction<T> start) {
    for (int attempt = 0; ; attempt++) {
      try {
        return start.apply(attempt);
      } catch (LabException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (attempt >= 2 || !(m.contains("in use") || m.contains("cannot bind"))) {
          throw e;
        }
        LOG.warn("event=port_clash_retry component={} attempt={}", what, attempt + 1);
      }
    }
  }

  public LabSigner signer(String id) {
    LabSigner s = signers.get(id);
    if (s == null) {
      throw new IllegalArgumentException(
          "no signer '" + id + "' in this lab; have " + signers.keySet());
    }
    return s;
  }

  public KnotSigner knot(String id) {
    if (signer(id) instanceof KnotSigner k) {
      return k;
    }
    throw new IllegalArgumentException("signer '" + id + "' is not a Knot signer");
  }

  public PdnsSigner pdns(String id) {
    if (signer(id) instanceof PdnsSigner p) {
      return p;
    }
    throw new IllegalArgumentException("signer '" + id + "' is not a PowerDNS signer");
  }

  public BindParent parent() {
    if (parent == null) {
      throw new IllegalStateException("this lab has no parent: use withParent()");
    }
    return parent;
  }

  public UnboundValidator validator() {
    if (validator == null) {
      throw new IllegalStateException("this lab has no validator: use withValidator()");
    }
    return validator;
  }

  /** Wall-clock time of {@link Builder#start()}, from the first config to the last daemon ready. */
  public Duration startupTime() {
    return startupTime;
  }

  /** The SHA-256 DS records of every signer's SEP keys (KSK or CSK) as they serve them now. */
  public List<DSRecord> dsOfAllSigners() {
    List<DSRecord> out = new ArrayList<>();
    for (LabSigner s : signers()) {
      out.addAll(BindParent.dsFor(servedDnskeys(s)));
    }
    return out;
  }

  static List<DNSKEYRecord> servedDnskeys(LabSigner s) {
    try {
      Message m =
          DnsQueries.query(
              s.dnsAddress(), s.zone(), Type.DNSKEY, false, true, Duration.ofSeconds(3));
      List<DNSKEYRecord> keys = new ArrayList<>();
      for (Record r : m.getSection(Section.ANSWER)) {
        if (r instanceof DNSKEYRecord k) {
          keys.add(k);
        }
      }
      return keys;
    } catch (IOException e) {
      throw new LabException(
          "signer " + s.id() + " did not answer DNSKEY " + s.zone() + ": " + e.getMessage(), e);
    }
  }

  /** Stops every daemon (validator, signers, parent) by PID and removes a temporary work dir. */
  @Override
  public void close() {
    List<AutoCloseable> all = new ArrayList<>();
    if (validator != null) {
      all.add(validator);
    }
    signers().forEach(s -> all.add((AutoCloseable) s));
    if (parent != null) {
      all.add(parent);
    }
    stopAll(all);
    if (ownWorkDir) {
      deleteTree(workDir);
    }
    LOG.info("event=lab_stopped zone={} work_dir={}", zone, workDir);
  }

  private static void stopAll(List<AutoCloseable> all) {
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("event=lab_stop_failed component={} error={}", c, e.toString());
      }
    }
  }

  static void deleteTree(Path dir) {
    if (Boolean.getBoolean("dnslab.keep") || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // sockets or files a dying daemon still writes: leave them
                }
              });
    } catch (IOException e) {
      LOG.warn("event=lab_cleanup_failed work_dir={} error={}", dir, e.toString());
    }
  }

  @Override
  public String toString() {
    return "DnsLab[zone="
        + zone
        + ", signers="
        + signers.keySet()
        + ", parent="
        + (parent != null)
        + ", validator="
        + (validator != null)
        + ", workDir="
        + workDir
        + "]";
  }

  /** Declares the lab; {@link #start()} brings it up. */
  public static final class Builder {

    private Name zone;
    private Path workDir;
    private final Map<String, SignerSpec> signers = new LinkedHashMap<>();
    private boolean withParent;
    private boolean parentDsForAll;
    private boolean withValidator;
    private InetSocketAddress notifyTarget;
    private Duration daemonTimeout = Duration.ofSeconds(20);

    private Builder() {}

    static void checkId(String id) {
      if (!SIGNER_ID.matcher(id).matches() || id.equals("parent") || id.equals("validator")) {
        throw new IllegalArgumentException(
            "signer id must be lower-case letters, digits and '-' (not parent/validator): '"
                + id
                + "'");
      }
    }

    /** The child zone, e.g. {@code example.test.}; its parent is the zone one label up. */
    public Builder zone(String name) {
      try {
        return zone(Name.fromString(name, Name.root));
      } catch (TextParseException e) {
        throw new IllegalArgumentException("not a zone name: '" + name + "'", e);
      }
    }

    public Builder zone(Name name) {
      Name canonical = name.canonicalize();
      if (canonical.labels() < 3) {
        throw new IllegalArgumentException(
            "the child zone needs a parent below the root (e.g. example.test.), got " + name);
      }
      this.zone = canonical;
      return this;
    }

    /**
     * Work directory for configs, databases and logs (kept after close); default: a new temp dir.
     */
    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /** A Knot 3.2 signer with a KSK and a ZSK. */
    public Builder knotSigner(String id) {
      return knotSigner(id, KeyScheme.KSK_ZSK);
    }

    public Builder knotSigner(String id, KeyScheme scheme) {
      return signer(id, SignerKind.KNOT, scheme);
    }

    /** A PowerDNS 4.7 signer with a KSK and a ZSK. */
    public Builder pdnsSigner(String id) {
      return pdnsSigner(id, KeyScheme.KSK_ZSK);
    }

    public Builder pdnsSigner(String id, KeyScheme scheme) {
      return signer(id, SignerKind.PDNS, scheme);
    }

    private Builder signer(String id, SignerKind kind, KeyScheme scheme) {
      if (!SIGNER_ID.matcher(id).matches() || id.equals("parent") || id.equals("validator")) {
        throw new IllegalArgumentException(
            "signer id must be lower-case letters, digits and '-' (not parent/validator): '"
                + id
                + "'");
      }
      if (signers.putIfAbsent(id, new SignerSpec(id, kind, Objects.requireNonNull(scheme)))
          != null) {
        throw new IllegalArgumentException("duplicate signer id '" + id + "'");
      }
      return this;
    }

    /** A BIND parent, delegating the child, with no DS for it yet. */
    public Builder withParent() {
      this.withParent = true;
      return this;
    }

    /** With the parent, put the DS of every signer's KSK/CSK into it before the lab is returned. */
    public Builder parentDsForAllSigners() {
      this.withParent = true;
      this.parentDsForAll = true;
      return this;
    }

    /** An Unbound validator anchored at the parent (implies {@link #withParent()}). */
    public Builder withValidator() {
      this.withParent = true;
      this.withValidator = true;
      return this;
    }

    /**
     * Where the signers send NOTIFY when the zone changes: Knot 3.2 sends it over TCP, PowerDNS
     * over UDP, with only the question (no SOA), about a second after a change (its zone then is a
     * primary zone, checked for serial changes every second). PowerDNS 4.7 may skip the NOTIFY at
     * its start (it reads also-notify after starting its notifier), never the ones of changes.
     */
    public Builder notifyTarget(InetSocketAddress target) {
      this.notifyTarget = target;
      return this;
    }

    /** How long each daemon may take to answer after its start (default 20 s). */
    public Builder daemonTimeout(Duration timeout) {
      this.daemonTimeout = timeout;
      return this;
    }

    public DnsLab start() {
      if (zone == null) {
        throw new IllegalStateException("zone(...) is required");
      }
      if (withValidator && signers.isEmpty()) {
        throw new IllegalStateException("the validator needs at least one signer");
      }
      long t0 = System.nanoTime();
      boolean ownDir = workDir == null;
      Path dir = ownDir ? createTempDir() : workDir;
      Name parentZone = new Name(zone, 1);
      Map<String, LabSigner> started = new LinkedHashMap<>();
      BindParent parent = null;
      UnboundValidator validator = null;
      ExecutorService pool = Executors.newFixedThreadPool(signers.size() + 1);
      List<Future<?>> futures = new ArrayList<>();
      try {
        Future<BindParent> parentF =
            withParent
                ? pool.submit(
                    () ->
                        retryOnPortClash(
                            "parent",
                            attempt ->
                                BindParent.start(
                                    parentZone,
                                    zone,
                                    dir.resolve(attempt == 0 ? "parent" : "parent-retry" + attempt),
                                    daemonTimeout)))
                : null;
        Map<String, Future<LabSigner>> signerF = new LinkedHashMap<>();
        for (SignerSpec s : signers.values()) {
          signerF.put(
              s.id(), pool.submit(() -> startSigner(s, zone, dir, notifyTarget, daemonTimeout)));
        }
        futures.addAll(signerF.values());
        if (parentF != null) {
          futures.add(parentF);
        }
        RuntimeException failure = null;
        for (Map.Entry<String, Future<LabSigner>> e : signerF.entrySet()) {
          try {
            started.put(e.getKey(), e.getValue().get());
          } catch (ExecutionException | InterruptedException ex) {
            failure = addFailure(failure, ex);
          }
        }
        if (parentF != null) {
          try {
            parent = parentF.get();
          } catch (ExecutionException | InterruptedException ex) {
            failure = addFailure(failure, ex);
          }
        }
        if (failure != null) {
          throw failure;
        }
        DnsLab partial =
            new DnsLab(
                zone,
                dir,
                ownDir,
                started,
                parent,
                null,
                Duration.ZERO,
                notifyTarget,
                daemonTimeout);
        if (parentDsForAll) {
          parent.putDs(partial.dsOfAllSigners());
        }
        if (withValidator) {
          BindParent p = parent;
          LabSigner first = started.values().iterator().next();
          validator =
              retryOnPortClash(
                  "validator",
                  attempt ->
                      UnboundValidator.start(
                          p,
                          zone,
                          first,
                          dir.resolve(attempt == 0 ? "validator" : "validator-retry" + attempt),
                          daemonTimeout));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info(
            "event=lab_started zone={} signers={} parent={} validator={} startup_ms={} work_dir={}",
            zone,
            started.keySet(),
            parent != null,
            validator != null,
            took.toMillis(),
            dir);
        return new DnsLab(
            zone, dir, ownDir, started, parent, validator, took, notifyTarget, daemonTimeout);
      } catch (RuntimeException e) {
        // stop whatever came up, including daemons of futures that finished after the failure
        for (Future<?> f : futures) {
          try {
            Object o = f.get();
            if (o instanceof AutoCloseable c) {
              stopAll(List.of(c));
            }
          } catch (Exception ignored) {
            // that one failed to start: nothing to stop
          }
        }
        if (validator != null) {
          validator.close();
        }
        if (ownDir) {
          deleteTree(dir);
        }
        throw e;
      } finally {
        pool.shutdownNow();
      }
    }

    private static RuntimeException addFailure(RuntimeException failure, Exception ex) {
      if (ex instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      Throwable cause =
          ex instanceof ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
      RuntimeException r =
          cause instanceof RuntimeException re
              ? re
              : new LabException("lab start failed: " + cause, cause);
      if (failure == null) {
        return r;
      }
      failure.addSuppressed(r);
      return failure;
    }

    private static Path createTempDir() {
      try {
        return Files.createTempDirectory(
            "dnslab-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new LabException("cannot create a temporary lab directory", e);
      }
    }
  }
}
