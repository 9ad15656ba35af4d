package dev.multisigner.lab.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;

/**
 * The lab's Knot keystore through keymgr and knotc: what Knot's own operator does with the zone's
 * keys (list them, start a ZSK roll, run an algorithm rollover and confirm its DS). Multisigner
 * never calls this: it only sees the result in the served DNSKEY RRset, as it would at a real
 * provider. The counterpart of {@link PdnsKeystore}.
 */
public final class KnotKeystore {

  private static final Logger LOG = LoggerFactory.getLogger(KnotKeystore.class);

  private final KnotSigner signer;
  private final String id;
  private final Name zone;

  public KnotKeystore(KnotSigner signer) {
    this(signer, signer.zone());
  }

  /** The keys of one of the signer's zones (a {@link MultiZoneLab} signer has many). */
  public KnotKeystore(KnotSigner signer, Name zone) {
    this.signer = signer;
    this.id = signer.id();
    this.zone = zone;
  }

  /** Knot's own keys for the zone ({@code keymgr -c knot.conf <zone> list}). */
  public List<KnotKey> keys() {
    String out =
        signer.run(
            List.of("keymgr", "-x", "-c", signer.configFile().toString(), zone.toString(), "list"));
    List<KnotKey> keys = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        keys.add(KnotKey.parse(line));
      }
    }
    return keys;
  }

  /** Starts a ZSK rollover ({@code knotc zone-key-rollover <zone> zsk}), pre-publish method. */
  public void rollZsk() {
    String out = signer.knotc("zone-key-rollover", zone.toString(), "zsk");
    LOG.info(
        "event=zsk_roll_started provider=knot signer={} zone={} knotc={}", id, zone, out.trim());
  }

  /**
   * Where Knot's automatic algorithm rollover (RFC 6781 §4.1.4, double signature) of the zone
   * stands, read from its KASP timers ({@code keymgr -j list}) against the policy algorithm. Lab
   * timings (policy: propagation-delay 2, dnskey-ttl 10, zone-max-ttl 60) are from {@link
   * #startAlgorithmRoll(int)} unless said otherwise.
   */
  public enum AlgorithmRollStep {
    /** The policy names the new algorithm but Knot has not generated its keys yet (&lt; 1 s). */
    NOT_STARTED,
    /**
     * The new KSK and ZSK are "pre-active": every RRset except DNSKEY carries an RRSIG of both
     * algorithms, the DNSKEY RRset holds the old keys only and is signed by the old KSK only. From
     * 0 s to 62 s (propagation-delay + zone-max-ttl).
     */
    NEW_SIGNATURES,
    /**
     * The new DNSKEYs are published: the DNSKEY RRset holds both algorithms and is signed by both
     * KSKs, every other RRset by both ZSKs. From 62 s to 74 s (+ propagation-delay + dnskey-ttl).
     */
    DOUBLE_SIGNED,
    /**
     * Still double-signed, and the new KSK is "ready": Knot waits for the DS confirmation ({@code
     * KSK submission, waiting for confirmation}), with no timeout and no parent check in the lab.
     * Its own CDS/CDNSKEY now name the new KSK only. From 74 s until {@link
     * #finishAlgorithmRoll()}.
     */
    AWAITING_DS,
    /**
     * After {@link #finishAlgorithmRoll()}: the old DNSKEYs have left the DNSKEY RRset at once, the
     * RRSIGs of the old ZSK stay on the other RRsets for propagation-delay + dnskey-ttl = 12 s.
     */
    OLD_SIGNATURES,
    /** Only keys of the policy algorithm are published and sign (no roll running). */
    DONE
  }

  /** The id of the signing policy in knot.conf (both templates call it so). */
  private static final String POLICY_ID = "multisigner";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ALGORITHM_LINE = Pattern.compile("(?m)^\\s+algorithm:\\s*(\\S+)");

  /** The policy's {@code algorithm:} line in knot.conf text (not the TSIG key's, above it). */
  private static Matcher policyAlgorithm(String conf, Path file) {
    int policy = conf.indexOf("\npolicy:");
    Matcher m = ALGORITHM_LINE.matcher(conf);
    if (policy < 0 || !m.find(policy)) {
      throw new LabException("no policy algorithm in " + file);
    }
    return m;
  }

  /**
   * Starts Knot's own algorithm rollover of the zone to {@code algorithm} (13 ECDSA P-256, 14 ECDSA
   * P-384, 15 Ed25519, 16 Ed448), as its operator does: the policy's {@code algorithm} changes in
   * the running knotd (a knotc configuration transaction, so other live changes such as {@link
   * KnotSigner#setNotifyTarget} stay) and in knot.conf (so {@link KnotSigner#restart()} keeps it).
   * Knot then generates a KSK and a ZSK of the new algorithm (one CSK with {@link KeyScheme#CSK})
   * and walks through {@link AlgorithmRollStep}: new RRSIGs at once, new DNSKEYs published and the
   * DNSKEY RRset signed by both KSKs after 62 s, the new KSK ready after 74 s; there it waits until
   * {@link #finishAlgorithmRoll()}. Knot never removes the old keys by itself. Returns when the new
   * keys exist (step {@link AlgorithmRollStep#NEW_SIGNATURES}). The policy is shared by every zone
   * of this knotd.
   *
   * @throws IllegalArgumentException for an algorithm other than 13-16, or the current one
   * @throws LabException while another algorithm rollover of this signer is unfinished
   */
  public void startAlgorithmRoll(int algorithm) {
    if (algorithm < DNSSEC.Algorithm.ECDSAP256SHA256 || algorithm > DNSSEC.Algorithm.ED448) {
      throw new IllegalArgumentException(
          "the lab rolls to ECDSA or EdDSA (13-16) only, not algorithm " + algorithm);
    }
    int current = policyAlgorithm();
    if (algorithm == current) {
      throw new IllegalArgumentException(
          "the policy of " + id + " already uses algorithm " + algorithm);
    }
    AlgorithmRollStep step = algorithmRollStep();
    if (step != AlgorithmRollStep.DONE) {
      throw new LabException(
          "knotd[" + id + "] " + zone + ": the roll to algorithm " + current + " is at " + step);
    }
    String name = DNSSEC.Algorithm.string(algorithm).toLowerCase(java.util.Locale.ROOT);
    Path conf = signer.configFile();
    try {
      String text = java.nio.file.Files.readString(conf);
      Matcher m = policyAlgorithm(text, conf);
      java.nio.file.Files.writeString(
          conf, text.substring(0, m.start(1)) + name + text.substring(m.end(1)));
    } catch (java.io.IOException e) {
      throw new LabException("cannot rewrite " + conf, e);
    }
    signer.knotc("conf-begin");
    try {
      signer.knotc("conf-set", "policy[" + POLICY_ID + "].algorithm", name);
      signer.knotc("conf-commit");
    } catch (RuntimeException e) {
      try {
        signer.knotc("conf-abort");
      } catch (LabException abort) {
        e.addSuppressed(abort);
      }
      throw e;
    }
    awaitAlgorithmRollStep(AlgorithmRollStep.NEW_SIGNATURES, signer.timeout());
    LOG.info(
        "event=algorithm_roll_started provider=knot signer={} zone={} from={} to={}",
        id,
        zone,
        current,
        algorithm);
  }

  /**
   * Confirms the new KSK's DS to Knot ({@code knotc zone-ksk-submitted}), which ends the algorithm
   * rollover: the old-algorithm DNSKEYs leave the DNSKEY RRset at once (the DNSKEY RRset is then
   * signed by the new KSK only), the old ZSK's RRSIGs leave the other RRsets 12 s later
   * (propagation-delay + dnskey-ttl), and the old keys are marked removed (keymgr still lists them
   * with a {@code remove} timer for the policy's delete-delay). Call it when Multisigner says the
   * old DS has left the parent and the DS waits passed: Knot itself checks nothing.
   *
   * @throws LabException unless the roll is at {@link AlgorithmRollStep#AWAITING_DS}; before that
   *     step {@code zone-ksk-submitted} would confirm the old (ready) KSK instead and finish
   *     nothing
   */
  public void finishAlgorithmRoll() {
    AlgorithmRollStep step = algorithmRollStep();
    if (step != AlgorithmRollStep.AWAITING_DS) {
      throw new LabException(
          "knotd["
              + id
              + "] "
              + zone
              + ": the new KSK is not waiting for its DS (step "
              + step
              + "); it is ready 74 s after startAlgorithmRoll");
    }
    String out = signer.knotc("zone-ksk-submitted", zone.toString());
    LOG.info(
        "event=algorithm_roll_finished provider=knot signer={} zone={} knotc={}",
        id,
        zone,
        out.trim());
  }

  /** The algorithm number of the signing policy (knot.conf), e.g. 13. */
  public int policyAlgorithm() {
    Path conf = signer.configFile();
    try {
      Matcher m = policyAlgorithm(java.nio.file.Files.readString(conf), conf);
      int alg = DNSSEC.Algorithm.value(m.group(1).toUpperCase(java.util.Locale.ROOT));
      if (alg < 0) {
        throw new LabException("unknown policy algorithm '" + m.group(1) + "' in " + conf);
      }
      return alg;
    } catch (java.io.IOException e) {
      throw new LabException("cannot read " + conf, e);
    }
  }

  /** Where the algorithm rollover of the zone stands now (see {@link AlgorithmRollStep}). */
  public AlgorithmRollStep algorithmRollStep() {
    int target = policyAlgorithm();
    long now = System.currentTimeMillis() / 1000;
    String out =
        signer.run(
            List.of("keymgr", "-j", "-c", signer.configFile().toString(), zone.toString(), "list"));
    JsonNode keys;
    try {
      keys = JSON.readTree(out);
    } catch (java.io.IOException e) {
      throw new LabException("unexpected keymgr -j list output: " + out, e);
    }
    boolean anyNew = false;
    boolean anyOld = false;
    boolean oldWithdrawn = false;
    boolean newPublished = true;
    boolean newKskReady = false;
    for (JsonNode k : keys) {
      if (k.path("public-only").asBoolean() || reached(k, "remove", now)) {
        continue;
      }
      if (k.path("algorithm").asInt() == target) {
        anyNew = true;
        newPublished &= reached(k, "publish", now);
        newKskReady |=
            k.path("ksk").asBoolean() && (reached(k, "ready", now) || reached(k, "active", now));
      } else {
        anyOld = true;
        oldWithdrawn |= reached(k, "post-active", now) || reached(k, "retire", now);
      }
    }
    if (!anyNew) {
      return AlgorithmRollStep.NOT_STARTED;
    }
    if (!anyOld) {
      return AlgorithmRollStep.DONE;
    }
    if (oldWithdrawn) {
      return AlgorithmRollStep.OLD_SIGNATURES;
    }
    if (newKskReady) {
      return AlgorithmRollStep.AWAITING_DS;
    }
    return newPublished ? AlgorithmRollStep.DOUBLE_SIGNED : AlgorithmRollStep.NEW_SIGNATURES;
  }

  private static boolean reached(JsonNode key, String timer, long now) {
    long t = key.path(timer).asLong();
    return t > 0 && t <= now;
  }

  /**
   * Waits (polling keymgr every 250 ms) until the roll is at {@code step} or beyond it (in the
   * order of {@link AlgorithmRollStep}); Knot serves each step within the same second.
   */
  public AlgorithmRollStep awaitAlgorithmRollStep(AlgorithmRollStep step, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      signer.checkAlive();
      AlgorithmRollStep now = algorithmRollStep();
      if (now.compareTo(step) >= 0) {
        return now;
      }
      if (System.nanoTime() > deadline) {
        throw new LabException(
            "knotd["
                + id
                + "] "
                + zone
                + ": algorithm roll still at "
                + now
                + ", not "
                + step
                + ", after "
                + within);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LabException("interrupted while waiting for the algorithm roll", e);
      }
    }
  }
}
