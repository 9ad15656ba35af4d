package dev.multisigner.cli.soak;

import dev.multisigner.lab.dns.KeyScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * One randomized scenario of the soak, as Knot's own dnskey_sync test draws them: 2 or 3 signers
 * (Knot and PowerDNS, each KSK+ZSK or CSK) enrolled in one zone, a ZSK, KSK or CSK roll started at
 * each of them at a random moment after the zone is secure, a signer joining (or, with three, one
 * leaving) at another random moment, and the DS reaching the parent either by the ds-publisher's
 * DNS UPDATE or by the parent's own CDS scan. Everything follows from {@code (seed, index)}.
 */
public record SoakScenario(
    int index,
    long seed,
    List<Signer> signers,
    Signer joiner,
    String leaver,
    boolean cdsScan,
    List<Roll> rolls,
    int memberChangeAtSecond) {

  /** The lab signer ids the lab parent carries nameserver host names for, by kind. */
  private static final List<String> KNOT_IDS = List.of("knot-a", "knot-c", "knot-e");

  private static final List<String> PDNS_IDS = List.of("pdns-b", "pdns-d", "pdns-f");

  /** What a provider's operator rolls. */
  public enum RollKind {
    ZSK,
    KSK,
    CSK
  }

  /** A lab signer of the scenario: its lab id (e.g. knot-a) and key scheme. */
  public record Signer(String id, KeyScheme scheme) {
    public boolean knot() {
      return id.startsWith("knot-");
    }

    @Override
    public String toString() {
      return id + (scheme == KeyScheme.CSK ? "(csk)" : "");
    }
  }

  /** A roll the signer's operator starts {@code atSecond} seconds after the zone is secure. */
  public record Roll(String signer, RollKind kind, int atSecond) {
    @Override
    public String toString() {
      return kind + "@" + signer + "+" + atSecond + "s";
    }
  }

  /** The scenario numbered {@code index} (from 1) of the soak with {@code seed}. */
  public static SoakScenario of(long seed, int index) {
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + index);
    int count = 2 + r.nextInt(2);
    List<String> knots = new ArrayList<>(KNOT_IDS);
    List<String> pdnses = new ArrayList<>(PDNS_IDS);
    List<Signer> signers = new ArrayList<>();
    // at least one of each kind: the scenario is about two providers' implementations meeting
    signers.add(new Signer(knots.remove(0), scheme(r)));
    signers.add(new Signer(pdnses.remove(0), scheme(r)));
    if (count == 3) {
      signers.add(
          r.nextBoolean()
              ? new Signer(knots.remove(0), scheme(r))
              : new Signer(pdnses.remove(0), scheme(r)));
    }
    boolean join = count == 2 || r.nextBoolean();
    Signer joiner = null;
    String leaver = null;
    if (join) {
      joiner =
          r.nextBoolean()
              ? new Signer(knots.remove(0), scheme(r))
              : new Signer(pdnses.remove(0), scheme(r));
    } else {
      leaver = signers.get(r.nextInt(signers.size())).id();
    }
    List<Roll> rolls = new ArrayList<>();
    for (Signer s : signers) {
      if (s.id().equals(leaver)) {
        continue;
      }
      RollKind kind =
          s.scheme() == KeyScheme.CSK
              ? RollKind.CSK
              : r.nextBoolean() ? RollKind.ZSK : RollKind.KSK;
      rolls.add(new Roll(s.id(), kind, r.nextInt(31)));
    }
    return new SoakScenario(
        index,
        seed,
        List.copyOf(signers),
        joiner,
        leaver,
        r.nextBoolean(),
        List.copyOf(rolls),
        r.nextInt(31));
  }

  private static KeyScheme scheme(SplittableRandom r) {
    return r.nextInt(3) == 0 ? KeyScheme.CSK : KeyScheme.KSK_ZSK;
  }

  /** The soak's parent zone: every scenario's zone is delegated from it. */
  public static final String PARENT = "test.";

  /**
   * The scenario's zone on the shared signers: {@code s<seed>-<index>.test.}, e.g. {@code
   * s1-007.test.} (scenarios of several seeds can share a lab).
   */
  public String zone() {
    return String.format("s%d-%03d.%s", seed, index, PARENT);
  }

  /**
   * The key scheme the lab signer {@code labId} signs this scenario's zone with: the scenario's for
   * its members and joiner, KSK+ZSK at the shared signers it does not use.
   */
  public KeyScheme schemeAt(String labId) {
    List<Signer> all = new ArrayList<>(signers);
    if (joiner != null) {
      all.add(joiner);
    }
    return all.stream()
        .filter(s -> s.id().equals(labId))
        .map(Signer::scheme)
        .findFirst()
        .orElse(KeyScheme.KSK_ZSK);
  }

  /** Every lab signer id a scenario may use: the shared signers of the soak's lab. */
  public static List<String> labSignerIds() {
    List<String> ids = new ArrayList<>(KNOT_IDS);
    ids.addAll(PDNS_IDS);
    return ids;
  }

  /** "knot-a,pdns-b(csk)" plus "+knot-c" for a joiner. */
  public String signerColumn() {
    String s = signers.stream().map(Signer::toString).collect(Collectors.joining(","));
    return joiner == null ? s : s + " +" + joiner;
  }

  /** "KSK+ZSK", "CSK" or "mixed". */
  public String schemeColumn() {
    List<Signer> all = new ArrayList<>(signers);
    if (joiner != null) {
      all.add(joiner);
    }
    long csk = all.stream().filter(s -> s.scheme() == KeyScheme.CSK).count();
    String keys = csk == 0 ? "KSK+ZSK" : csk == all.size() ? "CSK" : "mixed";
    return keys + (cdsScan ? ", CDS scan" : ", DS UPDATE");
  }

  /** The events: rolls and the member change, each with its start second. */
  public String eventColumn() {
    List<String> events = new ArrayList<>();
    rolls.forEach(r -> events.add(r.toString()));
    events.add(
        (joiner != null ? "join " + joiner.id() : "leave " + leaver)
            + "+"
            + memberChangeAtSecond
            + "s");
    return String.join(" ", events);
  }
}
