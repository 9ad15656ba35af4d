package dev.multisigner.domain.decide;

import dev.multisigner.domain.group.AlgorithmRoll;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerModel;
import dev.multisigner.domain.model.SignerSpec;
import dev.multisigner.domain.plan.DsPlanner;
import dev.multisigner.domain.plan.GroupCheck;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Whether an operator's intent may start now: every refusal the decider gives, as a typed value,
 * computed from the zone's state alone. The decider turns a refusal into a {@code REQUEST_REJECTED}
 * event ({@code "<intent> refused: <text>"}); the operator API asks the same functions to refuse
 * early with the same reason.
 */
public final class Admission {

  private Admission() {}

  /** Why an intent is refused. */
  public enum Kind {
    ZONE_NOT_ACTIVE,
    ALREADY_ENROLLED,
    NOT_HALTED,
    GROUP_UNWORKABLE,
    ALGORITHM_ROLL_RUNNING,
    ALREADY_MEMBER,
    NOT_A_MEMBER,
    ALREADY_LEAVING,
    HOLDS_THE_KSK,
    LAST_SERVING_SIGNER,
    NOT_AN_ACTIVE_MEMBER,
    NO_KSK_IN_MODEL_1,
    CDS_LIMIT,
    MODEL_NOT_SUPPORTED,
    SAME_ALGORITHM,
    NOT_A_SIGNING_ALGORITHM,
    SIGNER_NOT_READABLE,
    JOIN_OR_LEAVE_RUNNING,
    PARENT_NOT_OBSERVED
  }

  /** A refusal: its kind, and the reason as the event and the API state it. */
  public record Refusal(Kind kind, String text) {}

  /**
   * Algorithms a signer may roll to: the RFC 8624 §3.1 algorithms that MUST or MAY be used for
   * signing (RSASHA256, RSASHA512, ECDSAP256SHA256, ECDSAP384SHA384, ED25519, ED448).
   */
  public static final List<Integer> SIGNING_ALGORITHMS = List.of(8, 10, 13, 14, 15, 16);

  public static Optional<Refusal> enroll(
      ZoneState s, GroupPolicy policy, List<SignerSpec> signers) {
    if (managed(s)) {
      return refuse(Kind.ALREADY_ENROLLED, "the zone is already enrolled");
    }
    return GroupCheck.refusal(policy, signers).map(r -> new Refusal(Kind.GROUP_UNWORKABLE, r));
  }

  public static Optional<Refusal> resume(ZoneState s) {
    return s.status() == ZoneStatus.HALTED
        ? Optional.empty()
        : refuse(Kind.NOT_HALTED, "the zone is " + s.status() + ", not halted");
  }

  public static Optional<Refusal> retire(ZoneState s) {
    return managed(s)
        ? Optional.empty()
        : refuse(Kind.ZONE_NOT_ACTIVE, "the zone is " + s.status());
  }

  public static Optional<Refusal> addSigner(ZoneState s, SignerSpec spec) {
    Optional<Refusal> r = active(s).or(() -> notRolling(s, "is running"));
    if (r.isPresent()) {
      return r;
    }
    r = newMember(s, spec.id());
    if (r.isPresent()) {
      return r;
    }
    List<SignerSpec> grown = new ArrayList<>();
    members(s).forEach(m -> grown.add(m.spec()));
    grown.add(spec);
    return GroupCheck.refusal(s.policy(), grown).map(x -> new Refusal(Kind.GROUP_UNWORKABLE, x));
  }

  /** Refused when {@code id} is already a member of the group. */
  public static Optional<Refusal> newMember(ZoneState s, SignerId id) {
    return s.member(id).isPresent()
        ? refuse(Kind.ALREADY_MEMBER, "it is already a member")
        : Optional.empty();
  }

  public static Optional<Refusal> removeSigner(ZoneState s, SignerId id) {
    Optional<Refusal> r = active(s).or(() -> notRolling(s, "is running"));
    if (r.isPresent()) {
      return r;
    }
    Member m = s.member(id).orElse(null);
    if (m == null) {
      return refuse(Kind.NOT_A_MEMBER, "not a member");
    }
    if (m.phase().leaving()) {
      return refuse(Kind.ALREADY_LEAVING, "already leaving");
    }
    if (s.policy().holdsKsk(id)) {
      return refuse(
          Kind.HOLDS_THE_KSK,
          "it holds the group's KSK (model 1); handing the KSK to another signer is not built");
    }
    boolean anotherServes =
        s.members().stream().anyMatch(o -> !o.id().equals(id) && o.phase() == MemberPhase.ACTIVE);
    return anotherServes
        ? Optional.empty()
        : refuse(Kind.LAST_SERVING_SIGNER, "no other signer would serve the zone");
  }

  public static Optional<Refusal> rollKey(ZoneState s, SignerId signer, KeyRole role, Instant now) {
    Optional<Refusal> r =
        active(s).or(() -> role.needsDs() ? notRolling(s, "is running") : Optional.empty());
    if (r.isPresent()) {
      return r;
    }
    Member m = s.member(signer).orElse(null);
    if (m == null || m.phase() != MemberPhase.ACTIVE) {
      return refuse(Kind.NOT_AN_ACTIVE_MEMBER, "not an active member");
    }
    GroupPolicy p = s.policy();
    if (role.needsDs() && p.model() == SignerModel.MODEL_1 && !p.holdsKsk(signer)) {
      return refuse(
          Kind.NO_KSK_IN_MODEL_1,
          "in model 1 only the KSK holder " + p.kskHolder() + " has a KSK (RFC 8901 §2.1.1)");
    }
    if (role.needsDs()) {
      int after =
          (DsPlanner.dsKeys(p, members(s), s.keys(), s.parentNs(), now).size() + 1)
              * p.cdsDigestTypes().size();
      if (after > p.maxCdsRecords()) {
        return refuse(
            Kind.CDS_LIMIT,
            "the CDS set would grow to "
                + after
                + " records, the registry accepts at most "
                + p.maxCdsRecords());
      }
    }
    return Optional.empty();
  }

  /** Refused unless {@code to} is an algorithm a signer may sign with (RFC 8624 §3.1). */
  public static Optional<Refusal> signingAlgorithm(int to) {
    return SIGNING_ALGORITHMS.contains(to)
        ? Optional.empty()
        : refuse(
            Kind.NOT_A_SIGNING_ALGORITHM,
            "algorithm " + to + " is not one a signer may sign with (RFC 8624 §3.1)");
  }

  public static Optional<Refusal> rollAlgorithm(ZoneState s, int to, Instant now) {
    Optional<Refusal> r = active(s).or(() -> notRolling(s, "is already running"));
    if (r.isPresent()) {
      return r;
    }
    GroupPolicy p = s.policy();
    if (p.model() != SignerModel.MODEL_2) {
      return refuse(
          Kind.MODEL_NOT_SUPPORTED, "an algorithm rollover is built for model 2 groups only");
    }
    if (to == p.algorithm()) {
      return refuse(Kind.SAME_ALGORITHM, "the group already uses algorithm " + to);
    }
    r = signingAlgorithm(to);
    if (r.isPresent()) {
      return r;
    }
    List<Member> members = members(s);
    for (Member m : members) {
      if (!m.spec().capabilities().can(Capability.READ_KEYS_DNS)) {
        return refuse(
            Kind.SIGNER_NOT_READABLE,
            "signer "
                + m.id()
                + " cannot be read over DNS with RRSIGs, so its double signature (RFC 6781"
                + " §4.1.4) cannot be seen: "
                + m.spec().capabilities().support(Capability.READ_KEYS_DNS).reason());
      }
    }
    // Model 2: at least one KSK/CSK per member, each with a DS of both algorithms at once. No roll
    // runs here, so the DS set may name the policy's algorithm only.
    int ksks = members.size();
    if (s.parentDs() != null && s.parentNs() != null) {
      List<KeyData> dsKeys = DsPlanner.dsKeys(p, members, s.keys(), s.parentNs(), now);
      ksks =
          Math.max(ksks, (int) dsKeys.stream().filter(k -> k.algorithm() == p.algorithm()).count());
    }
    int cds = 2 * ksks * p.cdsDigestTypes().size();
    if (cds > p.maxCdsRecords()) {
      return refuse(
          Kind.CDS_LIMIT,
          "the CDS set would grow to "
              + cds
              + " records with both algorithms, the registry accepts at most "
              + p.maxCdsRecords());
    }
    for (Member m : members) {
      if (m.phase() != MemberPhase.ACTIVE) {
        return refuse(
            Kind.JOIN_OR_LEAVE_RUNNING,
            "signer " + m.id() + " is " + m.phase() + ": no join or leave may run alongside");
      }
    }
    if (s.parentDs() == null || s.parentNs() == null) {
      return refuse(Kind.PARENT_NOT_OBSERVED, "the parent has not been observed yet");
    }
    return Optional.empty();
  }

  private static boolean managed(ZoneState s) {
    return s.status() == ZoneStatus.ACTIVE || s.status() == ZoneStatus.HALTED;
  }

  /** Intents start only in an active zone: a halted one waits for its operator or its cause. */
  private static Optional<Refusal> active(ZoneState s) {
    if (s.status() == ZoneStatus.ACTIVE) {
      return Optional.empty();
    }
    return refuse(
        Kind.ZONE_NOT_ACTIVE,
        "the zone is "
            + s.status()
            + (s.status() == ZoneStatus.HALTED ? " (" + s.haltReason() + ")" : ""));
  }

  /** No join, leave or KSK roll alongside an algorithm rollover. */
  private static Optional<Refusal> notRolling(ZoneState s, String running) {
    AlgorithmRoll r = s.algorithmRoll();
    if (r == null) {
      return Optional.empty();
    }
    return refuse(
        Kind.ALGORITHM_ROLL_RUNNING,
        "an algorithm rollover from "
            + r.from()
            + " to "
            + r.to()
            + " "
            + running
            + " ("
            + r.phase()
            + ")");
  }

  /** The members in the order the decider keeps them (by id). */
  private static List<Member> members(ZoneState s) {
    return s.members().stream().sorted(Comparator.comparing(Member::id)).toList();
  }

  private static Optional<Refusal> refuse(Kind kind, String text) {
    return Optional.of(new Refusal(kind, text));
  }
}
