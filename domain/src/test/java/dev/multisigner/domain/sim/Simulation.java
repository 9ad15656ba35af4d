package dev.multisigner.domain.sim;

import dev.multisigner.domain.codec.ZoneStateCodec;
import dev.multisigner.domain.decide.Decision;
import dev.multisigner.domain.decide.LegacyZoneDecider;
import dev.multisigner.domain.decide.Output;
import dev.multisigner.domain.decide.SignerObservation;
import dev.multisigner.domain.decide.ZoneDecider;
import dev.multisigner.domain.decide.ZoneInput;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.decide.ZoneStatus;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.CsyncData;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.ParentChannel;
import dev.multisigner.domain.model.ParentChannels;
import dev.multisigner.domain.model.RrsigData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.SignerSpec;
import dev.multisigner.domain.model.ZoneName;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A deterministic world around one zone: 2-4 signers that roll keys on their own schedules, in
 * model 2 (each KSK+ZSK or CSK) or model 1 (the first signer holds the one KSK, or a CSK, and signs
 * every other signer's DNSKEY RRset; the others have only ZSKs, named in key signing requests),
 * secure from the start or (one in five) insecure until the decider's first DS reaches the parent,
 * a parent, a key collector, signer writers and a ds-publisher whose deliveries are delayed,
 * duplicated, reordered, lost or failed, and resolvers whose caches follow the TTLs. Every random
 * choice comes from one seed, so a run is reproduced by its seed alone.
 *
 * <p>After every change in what is served, the validation check runs over every combination a
 * resolver cache can hold at that instant (invariants 1-3 of issue 3); invariant 4 is checked on
 * every decision (all CDS commands of a decision carry one set) and at the end (every member serves
 * the parent's DS set as CDS).
 */
public final class Simulation {

  /** What happened in one run. */
  public record Result(
      long seed,
      String scenario,
      List<String> violations,
      boolean halted,
      String haltReason,
      int decisions,
      int maxStateBytes,
      Set<String> processes,
      List<String> trace,
      int legacyCompared) {

    public boolean ok() {
      return violations.isEmpty();
    }

    public String describe() {
      return "seed="
          + seed
          + " "
          + scenario
          + " decisions="
          + decisions
          + (halted ? " halted: " + haltReason : " converged")
          + "\n  violations:\n    "
          + String.join("\n    ", violations.stream().limit(5).toList())
          + "\n  last events:\n    "
          + String.join("\n    ", trace);
    }
  }

  static final ZoneName ZONE = ZoneName.of("sim.test.");
  static final Instant T0 = Instant.parse("2026-11-29T20:00:00Z");
  private static final int ALG = 13;
  private static final long IMPORT_BUDGET = 60_000;
  private static final int TRACE_LINES = Integer.getInteger("sim.trace", 25);
  private static final long SCENARIO_END = 3_000_000;
  private static final long RUN_END = 9_000_000;

  private final long seed;
  private final boolean impatient;
  private final boolean lateHolder;
  private final boolean modelOne;
  private final Map<Integer, KeyData> byTag = new HashMap<>();
  private final Random rnd;
  private final ZoneDecider decider;

  /**
   * The decider as it was before issue 13 split it into processes (a test copy): when set, every
   * decision is also made by it from the same state and input, and any difference is a violation.
   */
  private final LegacyZoneDecider legacy;

  private int legacyCompared;
  private final GroupPolicy policy;
  private final PriorityQueue<Ev> queue = new PriorityQueue<>();
  private final List<SimSigner> signers = new ArrayList<>();
  private final Parent parent = new Parent();
  private final Set<Integer> usedTags = new HashSet<>();
  private final Map<KeyData, DsData> dsOf = new HashMap<>();
  private final List<String> violations = new ArrayList<>();
  private final ArrayDeque<String> trace = new ArrayDeque<>();
  private final Set<String> processes = new TreeSet<>();
  private final Map<SimSigner, Long> queryableSince = new HashMap<>();
  private final StringBuilder scenario = new StringBuilder();
  private ZoneState state = ZoneState.absent(ZONE);
  private long now;
  private long seq;
  private long wakeToken;
  private int decisions;
  private int maxStateBytes;
  private long lastParentDelivery;
  private long lastParentApply;
  private SimSigner outageSigner;
  private long outageFrom = Long.MAX_VALUE;
  private long outageTo = Long.MIN_VALUE;
  private boolean rejectionDone;

  /** Draws for the algorithm rollover only, so the other draws of a world stay as they were. */
  private final Random algRnd;

  /** True once the decider accepted an algorithm rollover in this run. */
  private boolean algRollAccepted;

  private static final int NEW_ALG = 15;

  /**
   * Half the worlds have a parent that learns NS changes only from CSYNC (RFC 7477), drawn from
   * their own generator so the other draws of a world stay as they were. Its scanner is careless on
   * purpose: it asks one delegated nameserver and copies that server's NS set, so only the
   * decider's ordering (CSYNC only while every signer serves the same NS set) keeps it right.
   */
  private final boolean csyncParent;

  /** A shell bug: every NS command also publishes CSYNC at once (see runWithEagerCsync). */
  private boolean eagerCsync;

  private Simulation(long seed, ZoneDecider decider, boolean impatient, boolean lateHolder) {
    this(seed, decider, null, impatient, lateHolder);
  }

  private Simulation(
      long seed,
      ZoneDecider decider,
      LegacyZoneDecider legacy,
      boolean impatient,
      boolean lateHolder) {
    this.seed = seed;
    this.legacy = legacy;
    this.impatient = impatient;
    this.lateHolder = lateHolder;
    this.rnd = new Random(seed);
    this.algRnd = new Random(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
    this.decider = decider;
    this.modelOne = lateHolder || rnd.nextBoolean();
    this.csyncParent = new java.util.SplittableRandom(seed ^ 0x2545F4914F6CDD1DL).nextBoolean();
    long dnskeyTtl = pick(30, 60, 120);
    long maxTtl = pick(30, 60, 300);
    this.policy =
        new GroupPolicy(
            modelOne ? SignerModel.MODEL_1 : SignerModel.MODEL_2,
            ALG,
            Duration.ofSeconds(dnskeyTtl),
            Duration.ofSeconds(maxTtl),
            Duration.ofSeconds(pick(60, 120, 600)),
            Duration.ofSeconds(pick(60, 120)),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            List.of(GroupPolicy.SHA256),
            8,
            true,
            Duration.ofSeconds(10),
            Duration.ofMinutes(30),
            modelOne ? SignerId.of("s0") : null,
            csyncParent
                ? new ParentChannels(
                    Set.of(ParentChannel.DNS_UPDATE), Set.of(ParentChannel.CSYNC_SCAN))
                : ParentChannels.DIRECT);
    scenario.append(modelOne ? "model1 " : "model2 ");
    scenario.append(csyncParent ? "csync-parent " : "");
    scenario.append("ttl(dnskey=").append(dnskeyTtl).append(",zone=").append(maxTtl).append(")");
  }

  /** A run with the standard planners, every decision checked against the legacy decider. */
  public static Result run(long seed) {
    return new Simulation(seed, standard(), legacyStandard(), false, false).run();
  }

  private static ZoneDecider standard() {
    return new ZoneDecider(dev.multisigner.domain.plan.DnskeyPlanner.standard());
  }

  private static LegacyZoneDecider legacyStandard() {
    return new LegacyZoneDecider(dev.multisigner.domain.plan.DnskeyPlanner.standard());
  }

  public static Result run(long seed, ZoneDecider decider) {
    return new Simulation(seed, decider, false, false).run();
  }

  /**
   * A model 1 run whose KSK holder answers every signature request one step late (its whole import
   * budget plus a DNSKEY TTL): a holder bug the coordinator cannot prevent, which the check must
   * report.
   */
  public static Result runWithLateKskHolder(long seed) {
    return new Simulation(seed, standard(), legacyStandard(), false, true).run();
  }

  /**
   * A run whose coordinator shell publishes CSYNC together with every NS change, before the other
   * signers serve the new NS set: a careless scanning parent may then copy a set in flux, which
   * invariant 5 must report.
   */
  public static Result runWithEagerCsync(long seed) {
    Simulation s = new Simulation(seed, standard(), legacyStandard(), false, false);
    s.eagerCsync = true;
    return s.run();
  }

  /**
   * A run whose KSK/CSK signers do not wait for the parent's DS before retiring the old key: a
   * provider bug the coordinator cannot prevent, which the validation check must report.
   */
  public static Result runWithImpatientSigners(long seed) {
    return new Simulation(seed, standard(), legacyStandard(), true, false).run();
  }

  private long pick(long... values) {
    return values[rnd.nextInt(values.length)];
  }

  // ---- the world ---------------------------------------------------------------------------

  private static final class SimKey {
    final KeyData data;
    final KeyRole role;
    boolean published = true;
    boolean signing;

    SimKey(KeyData data, KeyRole role, boolean signing) {
      this.data = data;
      this.role = role;
      this.signing = signing;
    }
  }

  /** What a signer served from {@code from} on. */
  private record Version(
      long from,
      Set<KeyData> dnskeys,
      Set<KeyData> dnskeySigners,
      Set<KeyData> zoneSigners,
      List<String> ns) {}

  private final class SimSigner {
    final SignerId id;
    final String ns;
    final boolean csk;

    /** Model 1, not the KSK holder: serves the RRset installed for it, signed by the holder. */
    final boolean signedByHolder;

    Set<KeyData> installed;
    Set<KeyData> installedSigners = Set.of();
    final List<SimKey> own = new ArrayList<>();
    final Set<KeyData> foreign = new TreeSet<>();
    List<DsData> cds = List.of();
    List<String> childNs = List.of("ns.s0.example.");
    List<CsyncData> csync = List.of();
    final List<Version> history = new ArrayList<>();
    int commandFailStreak;
    int observationFailStreak;
    boolean rollingZsk;
    boolean rollingSep;
    boolean rollingAlg;
    int alg = ALG;

    SimSigner(int i, boolean csk) {
      this.id = SignerId.of("s" + i);
      this.ns = "ns.s" + i + ".example.";
      this.signedByHolder = modelOne && i > 0;
      this.csk = csk && !signedByHolder;
      if (signedByHolder) {
        own.add(new SimKey(newKey(256), KeyRole.ZSK, true));
      } else if (this.csk) {
        own.add(new SimKey(newKey(257), KeyRole.CSK, true));
      } else {
        own.add(new SimKey(newKey(257), KeyRole.KSK, true));
        own.add(new SimKey(newKey(256), KeyRole.ZSK, true));
      }
      history.add(version(-1_000_000_000L));
    }

    SignerSpec spec() {
      Capabilities caps =
          Capabilities.builder()
              .can(
                  signedByHolder
                      ? Capability.ACCEPT_SIGNED_DNSKEY_RRSET
                      : Capability.IMPORT_FOREIGN_DNSKEY)
              .can(Capability.READ_KEYS_DNS)
              .can(Capability.PUBLISH_CDS_CDNSKEY)
              .can(Capability.MANAGE_NS)
              .can(Capability.PUBLISH_CSYNC)
              .can(Capability.SENDS_NOTIFY)
              .build();
      return new SignerSpec(id, caps, ALG, List.of(ns));
    }

    Version version(long at) {
      if (signedByHolder) {
        Set<KeyData> zsk = new TreeSet<>();
        own.stream().filter(k -> k.signing).forEach(k -> zsk.add(k.data));
        // Before its first installation it serves its own ZSKs, signed by nothing.
        Set<KeyData> dnskeys = new TreeSet<>();
        if (installed != null) {
          dnskeys.addAll(installed);
        } else {
          own.forEach(k -> dnskeys.add(k.data));
        }
        return new Version(at, dnskeys, Set.copyOf(installedSigners), zsk, childNs);
      }
      Set<KeyData> dnskeys = new TreeSet<>(foreign);
      Set<KeyData> ksk = new TreeSet<>();
      Set<KeyData> zsk = new TreeSet<>();
      for (SimKey k : own) {
        if (k.published) {
          dnskeys.add(k.data);
        }
        if (k.signing && k.role.needsDs()) {
          ksk.add(k.data);
        }
        if (k.signing && k.role.signsZoneData()) {
          zsk.add(k.data);
        }
      }
      return new Version(at, dnskeys, ksk, zsk, childNs);
    }

    Version current() {
      return history.get(history.size() - 1);
    }

    void changed() {
      Version v = version(now);
      Version cur = current();
      if (!v.dnskeys.equals(cur.dnskeys)
          || !v.dnskeySigners.equals(cur.dnskeySigners)
          || !v.zoneSigners.equals(cur.zoneSigners)
          || !v.ns.equals(cur.ns)) {
        history.add(v);
        checkInvariants();
      }
      checkCsync();
      scheduleObservation(this, between(100, 1500));
    }
  }

  private final class Parent {
    List<DsData> ds = List.of();
    List<String> ns = List.of();
    final List<long[]> dsChanges = new ArrayList<>();
    final List<List<DsData>> dsVersions = new ArrayList<>();
    final List<long[]> nsChanges = new ArrayList<>();
    final List<List<String>> nsVersions = new ArrayList<>();

    void setDs(List<DsData> d) {
      if (!d.equals(ds)) {
        ds = d;
        dsChanges.add(new long[] {now});
        dsVersions.add(d);
        checkInvariants();
      }
    }

    void setNs(List<String> n) {
      if (!n.equals(ns)) {
        ns = n;
        nsChanges.add(new long[] {now});
        nsVersions.add(n);
        checkInvariants();
        checkCsync();
      }
    }
  }

  private KeyData newKey(int flags) {
    return newKey(flags, ALG);
  }

  private KeyData newKey(int flags, int alg) {
    while (true) {
      byte[] pub = new byte[64];
      rnd.nextBytes(pub);
      KeyData k = new KeyData(flags, 3, alg, pub);
      if (usedTags.add(k.keyTag())) {
        byTag.put(k.keyTag(), k);
        if (k.sep()) {
          dsOf.put(k, DsData.of(ZONE, k, GroupPolicy.SHA256));
        }
        return k;
      }
    }
  }

  // ---- events ------------------------------------------------------------------------------

  private record Ev(long at, long seq, Runnable action) implements Comparable<Ev> {
    @Override
    public int compareTo(Ev o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
    }
  }

  private void schedule(long at, Runnable action) {
    queue.add(new Ev(Math.max(at, now), seq++, action));
  }

  private long between(long lo, long hi) {
    return now + lo + (long) (rnd.nextDouble() * (hi - lo));
  }

  private boolean chance(double p) {
    return rnd.nextDouble() < p;
  }

  private Result run() {
    int n = 2 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      signers.add(new SimSigner(i, rnd.nextInt(3) == 0));
    }
    int enrolled = 2 + rnd.nextInt(n - 1);
    scenario
        .append(" signers=")
        .append(signers.stream().map(s -> s.id + (s.csk ? ":csk" : ":ksk+zsk")).toList())
        .append(" enrolled=")
        .append(enrolled);
    SimSigner first = signers.get(0);
    parent.setNs(List.of(first.ns));
    // A fifth of the zones start insecure: no DS at the parent yet (the first DS makes them
    // secure).
    if (chance(0.2)) {
      scenario.append(" insecure-start");
      parent.setDs(List.of());
    } else {
      parent.setDs(List.of(dsOf.get(first.own.get(0).data)));
    }
    List<SignerSpec> specs = signers.subList(0, enrolled).stream().map(SimSigner::spec).toList();
    schedule(1000, () -> deliver(new ZoneInput.EnrollZone(ZONE, policy, specs)));
    schedule(2000, this::periodicParent);
    if (csyncParent) {
      schedule(between(5000, 60_000), this::csyncScan);
    }
    for (SimSigner s : signers) {
      schedule(between(0, 5000), () -> periodicObservation(s));
    }
    for (int i = enrolled; i < n; i++) {
      SimSigner s = signers.get(i);
      long at = between(30_000, 1_500_000);
      scenario.append(" add(").append(s.id).append("@").append(at / 1000).append(")");
      schedule(at, () -> deliver(new ZoneInput.AddSigner(ZONE, s.spec())));
    }
    for (SimSigner s : signers) {
      int rolls = rnd.nextInt(3);
      for (int r = 0; r < rolls; r++) {
        long at = between(20_000, SCENARIO_END);
        scenario.append(" zskroll(").append(s.id).append("@").append(at / 1000).append(")");
        schedule(at, () -> startZoneKeyRoll(s));
      }
      if (chance(0.3) && !s.signedByHolder) {
        long at = between(60_000, SCENARIO_END);
        KeyRole role = s.csk ? KeyRole.CSK : KeyRole.KSK;
        scenario.append(" rollkey(").append(s.id).append(" ").append(role).append("@");
        scenario.append(at / 1000).append(")");
        schedule(at, () -> deliver(new ZoneInput.RollKey(ZONE, s.id, role)));
      }
    }
    if (chance(0.4)) {
      SimSigner s = signers.get(rnd.nextInt(n));
      long at = between(300_000, SCENARIO_END);
      scenario.append(" remove(").append(s.id).append("@").append(at / 1000).append(")");
      schedule(at, () -> deliver(new ZoneInput.RemoveSigner(ZONE, s.id)));
    }
    // A quarter of the model 2 zones roll to Ed25519 once (draft "Algorithm rollover"); the
    // decider refuses it while a join or leave runs or the zone is halted, and the signers act
    // only once it is accepted.
    if (!modelOne && algRnd.nextInt(4) == 0) {
      long at = 60_000 + (long) (algRnd.nextDouble() * (SCENARIO_END - 60_000));
      scenario.append(" algroll(@").append(at / 1000).append(")");
      schedule(at, () -> deliver(new ZoneInput.RollAlgorithm(ZONE, NEW_ALG, "sim-operator")));
    }
    if (chance(0.15)) {
      outageSigner = signers.get(rnd.nextInt(enrolled));
      outageFrom = between(300_000, 2_000_000);
      outageTo = outageFrom + 35 * 60_000 + (long) (rnd.nextDouble() * 10 * 60_000);
      scenario
          .append(" outage(")
          .append(outageSigner.id)
          .append("@")
          .append(outageFrom / 1000)
          .append("-")
          .append(outageTo / 1000)
          .append(")");
    }
    while (!queue.isEmpty()) {
      Ev e = queue.poll();
      if (e.at > RUN_END) {
        break;
      }
      now = e.at;
      e.action.run();
      if (violations.size() > 20) {
        break;
      }
    }
    now = RUN_END;
    if (violations.isEmpty()) {
      checkConvergence();
    }
    return new Result(
        seed,
        scenario.toString(),
        List.copyOf(violations),
        state.status() == ZoneStatus.HALTED,
        state.haltReason(),
        decisions,
        maxStateBytes,
        Set.copyOf(processes),
        List.copyOf(trace),
        legacyCompared);
  }

  // ---- the coordinator and its shell -------------------------------------------------------

  /** The legacy decider, from the same state and input, must decide exactly the same. */
  private void compareWithLegacy(ZoneInput input, Decision d) {
    Decision old = legacy.apply(state, input, T0.plusMillis(now));
    legacyCompared++;
    if (old.equals(d)) {
      return;
    }
    String what;
    if (!old.outputs().equals(d.outputs())) {
      int i = 0;
      while (i < old.outputs().size()
          && i < d.outputs().size()
          && old.outputs().get(i).equals(d.outputs().get(i))) {
        i++;
      }
      what =
          "output "
              + i
              + ": legacy "
              + (i < old.outputs().size() ? old.outputs().get(i) : "nothing")
              + ", now "
              + (i < d.outputs().size() ? d.outputs().get(i) : "nothing");
    } else {
      what = "state: legacy " + old.state() + "\n    now " + d.state();
    }
    violation("legacy decider differs on " + input.getClass().getSimpleName() + ": " + what);
  }

  private void deliver(ZoneInput input) {
    Decision d = decider.apply(state, input, T0.plusMillis(now));
    if (legacy != null) {
      compareWithLegacy(input, d);
    }
    decisions++;
    state = d.state();
    if (decisions % 64 == 0) {
      byte[] bytes = ZoneStateCodec.encode(state);
      maxStateBytes = Math.max(maxStateBytes, bytes.length);
      if (!ZoneStateCodec.decode(bytes).equals(state)) {
        violation("state does not round-trip through ZoneStateCodec");
      }
    }
    List<List<DsData>> cdsSets = new ArrayList<>();
    for (Output o : d.outputs()) {
      if (o instanceof Output.ZoneEvent ev) {
        note(ev.kind() + " " + ev.text().replace("zone=" + ZONE + " ", ""));
        classify(ev);
      } else if (o instanceof Output.ImportDnskeys c) {
        signerCommand(c.signer(), c.commandId(), s -> s.foreign.addAll(c.keys()));
      } else if (o instanceof Output.WithdrawDnskeys c) {
        signerCommand(c.signer(), c.commandId(), s -> s.foreign.removeAll(c.keys()));
      } else if (o instanceof Output.PublishCdsCdnskey c) {
        cdsSets.add(c.cds());
        signerCommand(c.signer(), c.commandId(), s -> s.cds = c.cds());
      } else if (o instanceof Output.SignDnskeyRrset c) {
        holderSigns(c);
      } else if (o instanceof Output.InstallSignedDnskeyRrset c) {
        signerCommand(
            c.signer(),
            c.commandId(),
            s -> {
              s.installed = new TreeSet<>(c.keys());
              s.installedSigners = verified(c.keys(), c.rrsigs());
            });
      } else if (o instanceof Output.PublishNs c) {
        signerCommand(
            c.signer(),
            c.commandId(),
            s -> {
              s.childNs = c.nameservers();
              if (eagerCsync && csyncParent) {
                s.csync = List.of(CsyncData.NS_SYNC);
              }
            });
      } else if (o instanceof Output.PublishCsync c) {
        signerCommand(c.signer(), c.commandId(), s -> s.csync = List.of(c.csync()));
      } else if (o instanceof Output.WithdrawCsync c) {
        signerCommand(c.signer(), c.commandId(), s -> s.csync = List.of());
      } else if (o instanceof Output.RollSignerKey c) {
        signerCommand(
            c.signer(),
            c.commandId(),
            s -> {
              if (c.role() == KeyRole.ZSK || c.role() == KeyRole.CSK && s.csk) {
                startZoneKeyRoll(s);
              } else {
                startKskRoll(s);
              }
            });
      } else if (o instanceof Output.RequestDsChange r) {
        parentRequest(r.requestId(), () -> parent.setDs(r.ds()));
      } else if (o instanceof Output.RequestNsChange r) {
        if (r.channels().contains(ParentChannel.DNS_UPDATE)) {
          parentRequest(r.requestId(), () -> parent.setNs(r.nameservers()));
        }
        // CSYNC_SCAN alone: the ds-publisher only watches; the parent's scanner acts.
      } else if (o instanceof Output.WakeAt w) {
        long token = ++wakeToken;
        long at = Duration.between(T0, w.at()).toMillis() + (long) (rnd.nextDouble() * 500);
        schedule(
            at,
            () -> {
              if (token == wakeToken) {
                deliver(new ZoneInput.WakeUp(ZONE));
              }
            });
      }
    }
    if (cdsSets.stream().distinct().count() > 1) {
      violation("invariant 4: one decision published different CDS sets " + cdsSets);
    }
  }

  private void classify(Output.ZoneEvent ev) {
    String text = ev.text();
    switch (ev.kind()) {
      case SIGNER_JOINED -> processes.add(text.contains("already") ? "enroll" : "join");
      case SIGNER_LEFT -> processes.add("leave");
      case KEY_RETIREMENT_OBSERVED ->
          processes.add(
              text.contains("ZSK") ? "zsk-roll" : text.contains("CSK") ? "csk-roll" : "ksk-roll");
      case COMMAND_FAILED -> processes.add("command-retry");
      case DS_PUBLICATION_FAILED -> processes.add("parent-retry");
      case ZONE_HALTED -> processes.add("halt");
      case UNSAFE_SIGNING_OBSERVED -> processes.add("unsafe-signing-reported");
      case ALGORITHM_ROLL_STARTED -> {
        processes.add("alg-roll");
        algRollAccepted = true;
        for (Member m : state.members()) {
          SimSigner s = signer(m.id());
          schedule(between(1000, 60_000), () -> startAlgorithmRoll(s));
        }
      }
      case ALGORITHM_ROLL_COMPLETED -> processes.add("alg-roll-done");
      default -> {}
    }
  }

  private SimSigner signer(SignerId id) {
    return signers.stream().filter(s -> s.id.equals(id)).findFirst().orElseThrow();
  }

  private void signerCommand(
      SignerId id, String commandId, java.util.function.Consumer<SimSigner> apply) {
    SimSigner s = signer(id);
    schedule(
        between(50, 2000),
        () -> {
          ZoneInput result;
          if (!rejectionDone && chance(0.01)) {
            rejectionDone = true;
            result = new ZoneInput.SignerCommandFailed(ZONE, commandId, false, "HTTP 422");
            schedule(
                between(300_000, 900_000),
                () -> deliver(new ZoneInput.ResumeZone(ZONE, "sim-operator", "looked at it")));
          } else if (s.commandFailStreak < 2 && chance(0.1)) {
            s.commandFailStreak++;
            result = new ZoneInput.SignerCommandFailed(ZONE, commandId, true, "HTTP 503");
          } else {
            s.commandFailStreak = 0;
            apply.accept(s);
            s.changed();
            result = new ZoneInput.SignerCommandApplied(ZONE, commandId);
          }
          if (!chance(0.05)) {
            ZoneInput r = result;
            schedule(between(0, 1000), () -> deliver(r));
            if (chance(0.1)) {
              schedule(between(1000, 8000), () -> deliver(r));
            }
          }
        });
  }

  /**
   * The KSK holder's signer writer: signs the RRset with every KSK/CSK of the holder in it (the
   * signature is a MAC over the key and the RRset, see {@link #verified}); fails like any command.
   */
  private void holderSigns(Output.SignDnskeyRrset c) {
    SimSigner h = signer(c.holder());
    long delay = lateHolder ? policy.dnskeyTtl().toMillis() + importBudget() : 0;
    schedule(
        between(50, 2000) + delay,
        () -> {
          ZoneInput result;
          if (h.commandFailStreak < 2 && chance(0.1)) {
            h.commandFailStreak++;
            result = new ZoneInput.SignerCommandFailed(ZONE, c.commandId(), true, "HTTP 503");
          } else {
            h.commandFailStreak = 0;
            List<RrsigData> sigs = new ArrayList<>();
            for (SimKey k : h.own) {
              if (k.role.needsDs() && c.keys().contains(k.data)) {
                sigs.add(
                    new RrsigData(
                        k.data.keyTag(),
                        ALG,
                        policy.dnskeyTtl().toSeconds(),
                        T0.plusMillis(now),
                        T0.plusMillis(now).plus(Duration.ofDays(14)),
                        mac(k.data, c.keys())));
              }
            }
            result =
                new ZoneInput.DnskeyRrsetSigned(ZONE, c.commandId(), c.signer(), c.keys(), sigs);
          }
          if (!chance(0.05)) {
            ZoneInput r = result;
            schedule(between(0, 1000), () -> deliver(r));
            if (chance(0.1)) {
              schedule(between(1000, 8000), () -> deliver(r));
            }
          }
        });
  }

  /** The signing keys whose signature matches exactly this RRset: a resolver accepts only those. */
  private Set<KeyData> verified(List<KeyData> keys, List<RrsigData> sigs) {
    Set<KeyData> out = new TreeSet<>();
    for (RrsigData g : sigs) {
      KeyData k = byTag.get(g.keyTag());
      if (k != null && keys.contains(k) && Arrays.equals(g.signature(), mac(k, keys))) {
        out.add(k);
      }
    }
    return out;
  }

  private static byte[] mac(KeyData signer, List<KeyData> keys) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(signer.publicKey());
      new TreeSet<>(keys).forEach(k -> sha.update(k.publicKey()));
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Model 1: the signer's key signing request names its own ZSKs (Knot's KSR). */
  private void requestKeys(SimSigner s) {
    if (!s.signedByHolder) {
      return;
    }
    List<KeyData> zsks = s.own.stream().filter(k -> k.published).map(k -> k.data).toList();
    ZoneInput in = new ZoneInput.KeySigningRequested(ZONE, s.id, T0.plusMillis(now), zsks);
    schedule(between(0, 1500), () -> deliver(in));
    if (chance(0.1)) {
      schedule(between(1500, 6000), () -> deliver(in));
    }
  }

  private void parentRequest(String id, Runnable apply) {
    if (chance(0.05)) {
      schedule(
          between(500, 5000),
          () -> deliver(new ZoneInput.DsPublicationFailed(ZONE, id, "registry timeout")));
      return;
    }
    lastParentApply = Math.max(lastParentApply, between(1000, 20_000));
    schedule(
        lastParentApply,
        () -> {
          apply.run();
          observeParent();
        });
  }

  private void observeParent() {
    List<DsData> ds = parent.ds;
    List<String> ns = parent.ns;
    lastParentDelivery = Math.max(lastParentDelivery, between(0, 2000));
    schedule(lastParentDelivery, () -> deliver(new ZoneInput.ParentDsObserved(ZONE, ds)));
    schedule(lastParentDelivery, () -> deliver(new ZoneInput.ParentNsObserved(ZONE, ns)));
  }

  /**
   * The parent's CSYNC scanner (RFC 7477 §3), careless on purpose: one delegated nameserver, and
   * its NS set copied if it serves a CSYNC for NS.
   */
  private void csyncScan() {
    List<SimSigner> delegated = signers.stream().filter(t -> parent.ns.contains(t.ns)).toList();
    if (!delegated.isEmpty()) {
      SimSigner t = delegated.get(rnd.nextInt(delegated.size()));
      if (t.csync.stream().anyMatch(CsyncData::syncsNs) && !t.childNs.equals(parent.ns)) {
        parent.setNs(t.childNs);
        processes.add("csync");
        observeParent();
      }
    }
    if (now < RUN_END) {
      schedule(between(20_000, 120_000), this::csyncScan);
    }
  }

  private void periodicParent() {
    observeParent();
    if (now < RUN_END) {
      schedule(now + 600_000, this::periodicParent);
    }
  }

  private void periodicObservation(SimSigner s) {
    scheduleObservation(s, now);
    requestKeys(s);
    if (now < RUN_END) {
      schedule(now + 600_000, () -> periodicObservation(s));
    }
  }

  private void scheduleObservation(SimSigner s, long at) {
    schedule(
        at,
        () -> {
          if (inOutage(s)) {
            schedule(
                between(0, 1500),
                () -> deliver(new ZoneInput.ObservationFailed(ZONE, s.id, "no route to host")));
            scheduleObservation(s, now + 60_000);
            return;
          }
          if (s.observationFailStreak < 2 && chance(0.05)) {
            s.observationFailStreak++;
            schedule(
                between(0, 1500),
                () -> deliver(new ZoneInput.ObservationFailed(ZONE, s.id, "TCP timeout")));
            scheduleObservation(s, now + 5000);
            return;
          }
          s.observationFailStreak = 0;
          Version v = s.current();
          SignerObservation obs =
              new SignerObservation(
                  T0.plusMillis(now),
                  List.copyOf(v.dnskeys),
                  tags(v.dnskeySigners),
                  tags(v.zoneSigners),
                  s.cds,
                  List.of(),
                  s.childNs,
                  s.csync);
          ZoneInput in = new ZoneInput.SignerKeysObserved(ZONE, s.id, obs);
          schedule(between(0, 1500), () -> deliver(in));
          if (chance(0.1)) {
            schedule(between(1500, 6000), () -> deliver(in));
          }
        });
  }

  /**
   * The collector cannot read this signer (its API is down); the signer itself keeps serving and,
   * as a real provider would not be asked to, starts no rollover meanwhile (see startZoneKeyRoll).
   */
  private boolean inOutage(SimSigner s) {
    return s == outageSigner && now >= outageFrom && now < outageTo;
  }

  private static Set<Integer> tags(Set<KeyData> keys) {
    return keys.stream().map(KeyData::keyTag).collect(Collectors.toSet());
  }

  // ---- the signers' own rollovers (RFC 7583; lab RECIPE 4.9-4.10) ---------------------------

  private long prePublish() {
    return policy.dnskeyWait().toMillis() + importBudget();
  }

  /**
   * How long a provider allows for its new key to reach every other signer (RFC 8901 §6): in model
   * 1 two writers are on the way (the holder signs, the signer installs), each with its own
   * retries, so twice the model 2 budget.
   */
  private long importBudget() {
    return modelOne ? 2 * IMPORT_BUDGET : IMPORT_BUDGET;
  }

  private long signatureWait() {
    return policy.signatureWait().toMillis();
  }

  /** ZSK pre-publication roll (or CSK roll for a CSK signer, which also waits for the DS). */
  private void startZoneKeyRoll(SimSigner s) {
    if (inOutage(s) || s == outageSigner && now < outageTo && now + prePublish() > outageFrom) {
      schedule(outageTo + 1000, () -> startZoneKeyRoll(s));
      return;
    }
    if (s.rollingAlg) {
      schedule(now + 60_000, () -> startZoneKeyRoll(s));
      return;
    }
    if (s.csk) {
      startCskRoll(s);
      return;
    }
    if (s.rollingZsk) {
      return;
    }
    if (s.signedByHolder) {
      startRequestedZskRoll(s);
      return;
    }
    s.rollingZsk = true;
    SimKey old = s.own.stream().filter(k -> k.role == KeyRole.ZSK && k.signing).findFirst().get();
    SimKey next = new SimKey(newKey(256, s.alg), KeyRole.ZSK, false);
    s.own.add(next);
    note("sim " + s.id + " publishes ZSK " + next.data.keyTag());
    s.changed();
    schedule(
        now + prePublish() + between(0, 10_000) - now,
        () -> {
          next.signing = true;
          old.signing = false;
          note("sim " + s.id + " signs with ZSK " + next.data.keyTag());
          s.changed();
          schedule(
              now + signatureWait() + between(0, 10_000) - now,
              () -> {
                old.published = false;
                s.own.remove(old);
                s.rollingZsk = false;
                note("sim " + s.id + " drops ZSK " + old.data.keyTag());
                s.changed();
              });
        });
  }

  /**
   * Model 1, not the holder: the new ZSK goes into a key signing request; the signer signs with it
   * after its pre-publication and drops it from its request a signature wait after the switch.
   */
  private void startRequestedZskRoll(SimSigner s) {
    s.rollingZsk = true;
    SimKey old = s.own.stream().filter(k -> k.role == KeyRole.ZSK && k.signing).findFirst().get();
    SimKey next = new SimKey(newKey(256), KeyRole.ZSK, false);
    s.own.add(next);
    note("sim " + s.id + " requests ZSK " + next.data.keyTag());
    requestKeys(s);
    s.changed();
    schedule(
        now + prePublish() + between(0, 10_000) - now,
        () -> {
          next.signing = true;
          old.signing = false;
          note("sim " + s.id + " signs with ZSK " + next.data.keyTag());
          s.changed();
          schedule(
              now + signatureWait() + between(0, 10_000) - now,
              () -> {
                old.published = false;
                s.own.remove(old);
                s.rollingZsk = false;
                note("sim " + s.id + " no longer requests ZSK " + old.data.keyTag());
                requestKeys(s);
                s.changed();
              });
        });
  }

  /**
   * Double-signature KSK roll: the old KSK leaves DS-Wait-Time after the parent shows the new DS.
   */
  private void startKskRoll(SimSigner s) {
    if (inOutage(s)) {
      schedule(outageTo + 1000, () -> startKskRoll(s));
      return;
    }
    if (s.rollingSep || s.csk) {
      return;
    }
    if (s.rollingAlg) {
      // A KSK roll asked for before the algorithm rollover rolls the new algorithm's KSK after it.
      schedule(now + 60_000, () -> startKskRoll(s));
      return;
    }
    s.rollingSep = true;
    SimKey old = s.own.stream().filter(k -> k.role == KeyRole.KSK).findFirst().get();
    SimKey next = new SimKey(newKey(257, s.alg), KeyRole.KSK, true);
    s.own.add(next);
    note("sim " + s.id + " publishes KSK " + next.data.keyTag());
    s.changed();
    waitForDs(
        s,
        next,
        0,
        () -> {
          old.published = false;
          old.signing = false;
          s.own.remove(old);
          s.rollingSep = false;
          note("sim " + s.id + " drops KSK " + old.data.keyTag());
          s.changed();
        });
  }

  /** CSK roll: pre-publish, wait for the DS, switch, then drop the old one after the sig wait. */
  private void startCskRoll(SimSigner s) {
    if (s.rollingSep) {
      return;
    }
    s.rollingSep = true;
    SimKey old = s.own.stream().filter(k -> k.role == KeyRole.CSK && k.signing).findFirst().get();
    SimKey next = new SimKey(newKey(257, s.alg), KeyRole.CSK, false);
    s.own.add(next);
    note("sim " + s.id + " publishes CSK " + next.data.keyTag());
    s.changed();
    waitForDs(
        s,
        next,
        now + prePublish(),
        () -> {
          next.signing = true;
          old.signing = false;
          note("sim " + s.id + " signs with CSK " + next.data.keyTag());
          s.changed();
          schedule(
              now + signatureWait() + between(0, 10_000) - now,
              () -> {
                old.published = false;
                s.own.remove(old);
                s.rollingSep = false;
                note("sim " + s.id + " drops CSK " + old.data.keyTag());
                s.changed();
              });
        });
  }

  /**
   * Algorithm rollover at one signer, the conservative double-signature way (RFC 6781 §4.1.4): it
   * publishes and signs with a KSK and ZSK (or a CSK) of the new algorithm at once, keeps the old
   * ones, and drops every old-algorithm key once the parent's DS set has held no old-algorithm DS
   * for DS-Wait-Time (what the decider's audit event tells its operator).
   */
  private void startAlgorithmRoll(SimSigner s) {
    if (s.rollingAlg || s.alg == NEW_ALG) {
      return;
    }
    if (s.rollingZsk || s.rollingSep) {
      schedule(now + 30_000, () -> startAlgorithmRoll(s));
      return;
    }
    s.rollingAlg = true;
    s.alg = NEW_ALG;
    if (s.csk) {
      s.own.add(new SimKey(newKey(257, NEW_ALG), KeyRole.CSK, true));
    } else {
      s.own.add(new SimKey(newKey(257, NEW_ALG), KeyRole.KSK, true));
      s.own.add(new SimKey(newKey(256, NEW_ALG), KeyRole.ZSK, true));
    }
    note("sim " + s.id + " publishes and signs with algorithm " + NEW_ALG);
    s.changed();
    long[] oldGoneSince = {-1};
    Runnable[] poll = new Runnable[1];
    poll[0] =
        () -> {
          boolean oldGone =
              !parent.ds.isEmpty() && parent.ds.stream().noneMatch(d -> d.algorithm() == ALG);
          if (!oldGone) {
            oldGoneSince[0] = -1;
          } else if (oldGoneSince[0] < 0) {
            oldGoneSince[0] = now;
          }
          if (oldGone && now >= oldGoneSince[0] + policy.dsWait().toMillis() + 60_000) {
            s.own.removeIf(k -> k.data.algorithm() == ALG);
            s.rollingAlg = false;
            note("sim " + s.id + " drops its algorithm " + ALG + " keys");
            s.changed();
          } else if (now < RUN_END) {
            schedule(now + 10_000, poll[0]);
          }
        };
    schedule(now + 10_000, poll[0]);
  }

  /** Polls the parent (as Knot's ksk-submission check does) until the DS is there long enough. */
  private void waitForDs(SimSigner s, SimKey key, long notBefore, Runnable then) {
    long[] seenSince = {-1};
    Runnable[] poll = new Runnable[1];
    poll[0] =
        () -> {
          boolean there = impatient || parent.ds.contains(dsOf.get(key.data));
          if (!there) {
            seenSince[0] = -1;
          } else if (seenSince[0] < 0) {
            seenSince[0] = now;
          }
          if (there
              && now >= notBefore
              && now >= seenSince[0] + policy.dsWait().toMillis() + 1000) {
            then.run();
          } else if (now < RUN_END) {
            schedule(now + 10_000, poll[0]);
          }
        };
    schedule(now + 10_000, poll[0]);
  }

  // ---- resolvers: the validation check -----------------------------------------------------

  private void checkInvariants() {
    long t = now;
    long nsWindow = policy.nsWait().toMillis();
    // Resolvers ask the nameservers the parent delegated to within the NS TTL, and those named in
    // the apex NS RRset a queryable signer served, since it became queryable, within the NS TTL.
    Set<String> names = new HashSet<>();
    nsVersionsSince(t - nsWindow).forEach(names::addAll);
    List<SimSigner> queryable = new ArrayList<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (SimSigner s : signers) {
        if (!queryable.contains(s) && names.contains(s.ns)) {
          queryable.add(s);
          for (Version v : versionsSince(s, Math.max(t - nsWindow, since(s, t)))) {
            names.addAll(v.ns);
          }
          grew = true;
        }
      }
    }
    for (SimSigner s : signers) {
      if (queryable.contains(s)) {
        queryableSince.putIfAbsent(s, t);
      } else {
        queryableSince.remove(s);
      }
    }
    long dnskeyWindow = policy.dnskeyWait().toMillis();
    long sigWindow = policy.signatureWait().toMillis();
    // A resolver that holds no DS for the zone treats it as insecure and validates nothing
    // (RFC 4035 §4.3): only DS sets with records are checked against.
    List<List<DsData>> dsCached =
        dsVersionsSince(t - policy.dsWait().toMillis()).stream()
            .filter(ds -> !ds.isEmpty())
            .toList();
    if (dsCached.isEmpty()) {
      return;
    }
    for (SimSigner a : queryable) {
      for (Version sig : versionsSince(a, Math.max(t - sigWindow, since(a, t)))) {
        for (SimSigner b : queryable) {
          for (Version keys : versionsSince(b, Math.max(t - dnskeyWindow, since(b, t)))) {
            if (algRollAccepted) {
              everyDsAlgorithmSigns(a, sig, b, keys, dsCached);
              continue;
            }
            for (KeyData z : sig.zoneSigners) {
              if (!keys.dnskeys.contains(z)) {
                boolean late = keys == b.current() && !a.current().zoneSigners.contains(z);
                violation(
                    (late
                            ? "invariant 2: withdrawn too early: "
                            : "invariant 1: not imported in" + " time: ")
                        + a.id
                        + " signs (since "
                        + when(sig.from)
                        + ") with "
                        + z.keyTag()
                        + " but a cached DNSKEY RRset of "
                        + b.id
                        + " (served from "
                        + when(keys.from)
                        + ") lacks it");
              }
            }
          }
        }
      }
      for (Version keys : versionsSince(a, Math.max(t - dnskeyWindow, since(a, t)))) {
        for (List<DsData> ds : dsCached) {
          boolean chained =
              algRollAccepted
                  ? ds.stream()
                      .map(DsData::algorithm)
                      .allMatch(
                          alg ->
                              keys.dnskeySigners.stream()
                                  .anyMatch(k -> k.algorithm() == alg && ds.contains(dsOf.get(k))))
                  : keys.dnskeySigners.stream().anyMatch(k -> ds.contains(dsOf.get(k)));
          if (!chained) {
            violation(
                "invariant 3: "
                    + a.id
                    + "'s DNSKEY RRset (served from "
                    + when(keys.from)
                    + ", signed by "
                    + tags(keys.dnskeySigners)
                    + ") has no DS in a cached parent DS set "
                    + ds.stream().map(DsData::keyTag).toList());
          }
        }
      }
    }
  }

  /**
   * Invariants 1 and 2 in a run with an algorithm rollover, for a strict validator: every algorithm
   * of a cached DS set must sign the answer with a key of the cached DNSKEY RRset (RFC 4035 §2.2,
   * the conservative order of RFC 6781 §4.1.4). Signatures of an algorithm the DS set does not name
   * are not needed (RFC 6840 §5.11): a signer may sign with a new-algorithm ZSK before the others
   * import it, while no DS names that algorithm.
   */
  private void everyDsAlgorithmSigns(
      SimSigner a, Version sig, SimSigner b, Version keys, List<List<DsData>> dsCached) {
    for (List<DsData> ds : dsCached) {
      for (int alg :
          ds.stream().map(DsData::algorithm).collect(Collectors.toCollection(TreeSet::new))) {
        boolean ok =
            sig.zoneSigners.stream()
                .anyMatch(z -> z.algorithm() == alg && keys.dnskeys.contains(z));
        if (!ok) {
          violation(
              "invariant 1/2 (algorithm "
                  + alg
                  + "): "
                  + a.id
                  + " signs (since "
                  + when(sig.from)
                  + ") with "
                  + tags(sig.zoneSigners)
                  + " but a cached DNSKEY RRset of "
                  + b.id
                  + " (served from "
                  + when(keys.from)
                  + ") has none of algorithm "
                  + alg
                  + ", which the cached DS set "
                  + tagsOfDs(ds)
                  + " names");
        }
      }
    }
  }

  /** Since when resolvers may have been asking this signer (now, if they could not before). */
  private long since(SimSigner s, long t) {
    return queryableSince.getOrDefault(s, t);
  }

  private List<Version> versionsSince(SimSigner s, long from) {
    List<Version> out = new ArrayList<>();
    for (int i = s.history.size() - 1; i >= 0; i--) {
      Version v = s.history.get(i);
      out.add(v);
      if (v.from <= from) {
        break;
      }
    }
    return out;
  }

  private List<List<String>> nsVersionsSince(long from) {
    List<List<String>> out = new ArrayList<>();
    for (int i = parent.nsVersions.size() - 1; i >= 0; i--) {
      out.add(parent.nsVersions.get(i));
      if (parent.nsChanges.get(i)[0] <= from) {
        break;
      }
    }
    return out;
  }

  private List<List<DsData>> dsVersionsSince(long from) {
    List<List<DsData>> out = new ArrayList<>();
    for (int i = parent.dsVersions.size() - 1; i >= 0; i--) {
      out.add(parent.dsVersions.get(i));
      if (parent.dsChanges.get(i)[0] <= from) {
        break;
      }
    }
    return out;
  }

  /**
   * Invariant 5 (RFC 7477 with several signers, draft "Signer joins" 10-11): a CSYNC is served only
   * while every nameserver a parent's scanner may ask (the delegated ones and those the served NS
   * set names) serves that same NS set, so whichever it asks, it copies the set the group wants.
   */
  private void checkCsync() {
    for (SimSigner s : signers) {
      if (s.csync.isEmpty()) {
        continue;
      }
      for (SimSigner t : signers) {
        boolean askable = parent.ns.contains(t.ns) || s.childNs.contains(t.ns);
        if (askable && !t.childNs.equals(s.childNs)) {
          violation(
              "invariant 5: "
                  + s.id
                  + " serves CSYNC with NS "
                  + s.childNs
                  + " while "
                  + t.id
                  + " serves NS "
                  + t.childNs);
          return;
        }
      }
    }
  }

  private void checkConvergence() {
    if (state.status() == ZoneStatus.HALTED) {
      if (state.haltReason() == null || state.haltReason().isBlank()) {
        violation("halted without a reason");
      }
      return;
    }
    if (state.status() != ZoneStatus.ACTIVE) {
      violation("zone ended " + state.status());
      return;
    }
    TreeSet<String> wantNs = new TreeSet<>();
    TreeSet<DsData> wantDs = new TreeSet<>();
    for (Member m : state.members()) {
      if (m.phase() != MemberPhase.ACTIVE) {
        violation("did not converge: " + m.id() + " still " + m.phase());
        continue;
      }
      SimSigner s = signer(m.id());
      wantNs.add(s.ns);
      s.own.stream().filter(k -> k.role.needsDs()).forEach(k -> wantDs.add(dsOf.get(k.data)));
    }
    if (!parent.ns.equals(List.copyOf(wantNs))) {
      violation("did not converge: parent NS " + parent.ns + ", members " + wantNs);
    }
    if (!parent.ds.equals(List.copyOf(wantDs))) {
      violation(
          "did not converge: parent DS " + tagsOfDs(parent.ds) + ", want " + tagsOfDs(wantDs));
    }
    for (Member m : state.members()) {
      SimSigner s = signer(m.id());
      if (s.signedByHolder) {
        Set<KeyData> want = new TreeSet<>();
        for (Member o : state.members()) {
          SimSigner os = signer(o.id());
          os.own.stream()
              .filter(k -> k.role.signsZoneData() || !os.signedByHolder)
              .forEach(k -> want.add(k.data));
        }
        if (s.installed == null || !s.installed.equals(want)) {
          violation(
              "did not converge: "
                  + s.id
                  + " serves "
                  + (s.installed == null ? "nothing installed" : tags(s.installed))
                  + ", want "
                  + tags(want));
        }
      }
      Set<KeyData> wantForeign = new TreeSet<>();
      for (Member o : state.members()) {
        if (s.signedByHolder) {
          break;
        }
        if (!o.id().equals(m.id())) {
          signer(o.id()).own.stream()
              .filter(k -> k.role.signsZoneData())
              .forEach(k -> wantForeign.add(k.data));
        }
      }
      if (!s.foreign.equals(wantForeign)) {
        violation(
            "did not converge: "
                + s.id
                + " foreign keys "
                + tags(s.foreign)
                + ", want "
                + tags(wantForeign));
      }
      if (!s.childNs.equals(parent.ns)) {
        violation("did not converge: " + s.id + " apex NS " + s.childNs + ", parent " + parent.ns);
      }
      if (!s.csync.isEmpty()) {
        violation("did not converge: " + s.id + " still serves " + s.csync);
      }
      if (!s.cds.equals(parent.ds)) {
        violation(
            "invariant 4: "
                + s.id
                + " publishes CDS "
                + tagsOfDs(s.cds)
                + " but the group's DS set is "
                + tagsOfDs(parent.ds));
      }
    }
  }

  private static List<Integer> tagsOfDs(java.util.Collection<DsData> ds) {
    return ds.stream().map(DsData::keyTag).toList();
  }

  private static String when(long ms) {
    return ms < 0 ? "the start" : ms / 1000 + "s";
  }

  private void violation(String text) {
    if (violations.size() < 50) {
      violations.add("t=" + now / 1000 + "s " + text);
    }
  }

  private void note(String line) {
    trace.addLast("t=" + now / 1000.0 + "s " + line);
    if (trace.size() > TRACE_LINES) {
      trace.removeFirst();
    }
  }
}
