package dev.multisigner.cli.soak;

import dev.multisigner.cli.soak.SoakScenario.RollKind;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabException;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.PdnsKeystore;
import dev.multisigner.lab.dns.PdnsKeystore.CryptoKey;
import dev.multisigner.lab.dns.PdnsSigner;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A provider's own operator rolling one key the way RFC 7583 says a careful one does, as the e2e
 * tests play them: Knot through {@code knotc} (its policy pre-publishes a ZSK; a KSK or CSK waits
 * for {@code zone-ksk-submitted}, sent once the parent's DS covers the new key and the DS TTL has
 * passed); PowerDNS through its cryptokeys API (a ZSK pre-published until every other member serves
 * it plus the DNSKEY TTL, then swapped, the old one deleted after the zone's largest TTL; a KSK or
 * CSK signing beside the old one until the parent's DS covers it and the DS TTL has passed). What
 * the soak proves is that Multisigner's imports, CDS and DS land inside those windows.
 *
 * <p>{@link #roll} returns null when the roll finished, else why it did not.
 */
final class ProviderOperator {

  /** The lab's timing: DNSKEY TTL, DS TTL, propagation and the zone's largest TTL. */
  static final Duration DNSKEY_TTL = Duration.ofSeconds(10);

  static final Duration DS_TTL = Duration.ofSeconds(10);
  static final Duration PROPAGATION = Duration.ofSeconds(2);
  static final Duration MAX_ZONE_TTL = Duration.ofSeconds(60);

  /**
   * The lab Knots' {@code propagation-delay}: a new Knot key is published this long plus the DNSKEY
   * TTL before it signs. 2 s (the single-zone lab's) left 12 s, and on a loaded machine the import
   * at PowerDNS took 20-30 s, so Unbound saw answers signed by a ZSK that a PowerDNS-served DNSKEY
   * RRset lacked. An operator sizes it to cover the multi-signer import the same way.
   */
  static final Duration KNOT_PROPAGATION = Duration.ofSeconds(30);

  private final ZoneView view;
  private final Supplier<List<LabSigner>> members;
  private final Duration patience;

  /**
   * @param members the zone's members now (a PowerDNS ZSK waits until every other one serves it)
   * @param patience how long one step may wait for Multisigner (the machine is loaded)
   */
  ProviderOperator(ZoneView view, Supplier<List<LabSigner>> members, Duration patience) {
    this.view = view;
    this.members = members;
    this.patience = patience;
  }

  String roll(LabSigner signer, RollKind kind) throws InterruptedException {
    if (signer instanceof KnotSigner knot) {
      return kind == RollKind.ZSK ? knotZsk(knot) : knotKsk(knot);
    }
    PdnsSigner pdns = (PdnsSigner) signer;
    return kind == RollKind.ZSK
        ? pdnsZsk(pdns)
        : pdnsKsk(pdns, kind == RollKind.CSK ? "csk" : "ksk");
  }

  private String knotZsk(KnotSigner knot) throws InterruptedException {
    KnotKeystore keystore = new KnotKeystore(knot, view.name());
    Set<Integer> before = ownTags(keystore);
    Set<Integer> oldZsks = view.soaSigners(knot);
    keystore.rollZsk();
    Integer added = awaitNewKey(knot, keystore, before);
    if (added == null) {
      return "knot ZSK roll at " + knot.id() + ": no new ZSK published";
    }
    // Knot signs with it after DNSKEY TTL + propagation, drops the old after the zone's max TTL
    if (!await(
        patience.plus(MAX_ZONE_TTL).plus(KNOT_PROPAGATION).plus(KNOT_PROPAGATION),
        () ->
            view.soaSigners(knot).contains(added)
                && view.dnskeys(knot).stream().noneMatch(oldZsks::contains))) {
      return "knot ZSK roll at " + knot.id() + ": " + added + " never replaced " + oldZsks;
    }
    return null;
  }

  private String knotKsk(KnotSigner knot) throws InterruptedException {
    KnotKeystore keystore = new KnotKeystore(knot, view.name());
    Set<Integer> before = ownTags(keystore);
    Set<Integer> oldKsks = view.ownKsks(knot);
    knot.knotc("zone-key-rollover", view.name().toString(), "ksk");
    Integer added = awaitNewKey(knot, keystore, before);
    if (added == null) {
      return "knot KSK roll at " + knot.id() + ": no new KSK published";
    }
    // Knot takes a submission only for a KSK that is ready: published DNSKEY TTL + propagation
    // ago. Multisigner can bring its DS to the parent sooner; submitting before then would
    // confirm the old KSK and leave the new one waiting for a submission forever.
    long ready = System.nanoTime() + DNSKEY_TTL.plus(KNOT_PROPAGATION).toNanos();
    String ds = awaitDsAndTtl(knot, added);
    if (ds != null) {
      return ds;
    }
    long early = ready - System.nanoTime();
    if (early > 0) {
      Thread.sleep(early / 1_000_000 + 1000);
    }
    knot.knotc("zone-ksk-submitted", view.name().toString());
    if (!await(
        patience.plus(MAX_ZONE_TTL),
        () -> view.dnskeys(knot).stream().noneMatch(oldKsks::contains))) {
      return "knot KSK roll at " + knot.id() + ": old " + oldKsks + " never withdrawn";
    }
    return null;
  }

  private String pdnsZsk(PdnsSigner pdns) throws InterruptedException {
    PdnsKeystore keys = new PdnsKeystore(pdns, view.name());
    List<CryptoKey> old = active(keys, "zsk");
    CryptoKey added = keys.add("zsk", false, true);
    if (!await(
        patience,
        () ->
            members.get().stream()
                .allMatch(m -> m == pdns || view.dnskeys(m).contains(added.keyTag())))) {
      return "pdns ZSK roll at " + pdns.id() + ": " + added.keyTag() + " not at every member";
    }
    Thread.sleep(DNSKEY_TTL.plus(PROPAGATION).toMillis());
    keys.set(added, true, true);
    for (CryptoKey k : old) {
      keys.set(k, false, true);
    }
    Thread.sleep(MAX_ZONE_TTL.plus(PROPAGATION).toMillis());
    for (CryptoKey k : old) {
      keys.delete(k);
    }
    return null;
  }

  private String pdnsKsk(PdnsSigner pdns, String type) throws InterruptedException {
    PdnsKeystore keys = new PdnsKeystore(pdns, view.name());
    List<CryptoKey> old = active(keys, type);
    CryptoKey added = keys.add(type, true, true);
    String ds = awaitDsAndTtl(pdns, added.keyTag());
    if (ds != null) {
      return ds;
    }
    for (CryptoKey k : old) {
      keys.set(k, false, false);
      keys.delete(k);
    }
    return null;
  }

  /** Waits until the parent's DS covers {@code tag}, then the DS TTL and twice the propagation. */
  private String awaitDsAndTtl(LabSigner signer, int tag) throws InterruptedException {
    if (!await(patience, () -> view.parentDs().contains(tag))) {
      return signer.id() + "'s new KSK " + tag + ": its DS never reached the parent";
    }
    Thread.sleep(DS_TTL.plus(PROPAGATION).plus(PROPAGATION).toMillis());
    return null;
  }

  /** Knot's own new key once it serves it (a key imported meanwhile is not Knot's own). */
  private Integer awaitNewKey(KnotSigner knot, KnotKeystore keystore, Set<Integer> before)
      throws InterruptedException {
    Set<Integer> added = new TreeSet<>();
    await(
        Duration.ofSeconds(30),
        () -> {
          added.clear();
          added.addAll(ownTags(keystore));
          added.removeAll(before);
          added.retainAll(view.dnskeys(knot));
          return !added.isEmpty();
        });
    return added.isEmpty() ? null : added.iterator().next();
  }

  private static Set<Integer> ownTags(KnotKeystore keystore) {
    Set<Integer> tags = new TreeSet<>();
    keystore.keys().forEach(k -> tags.add(k.keyTag()));
    return tags;
  }

  /**
   * The active keys of {@code type}: for "ksk" or "csk" every active SEP key (PowerDNS reports a
   * KSK left alone in a zone as a csk).
   */
  private static List<CryptoKey> active(PdnsKeystore keys, String type) {
    return keys.keys().stream()
        .filter(k -> k.active() && (type.equals("zsk") ? !k.sep() : k.sep()))
        .toList();
  }

  /**
   * Polls {@code condition} every 500 ms; true when it held before the timeout. A query that fails
   * (a daemon slow to answer on a loaded machine) counts as "not yet".
   */
  static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (holds(condition)) {
        return true;
      }
      Thread.sleep(500);
    }
    return holds(condition);
  }

  private static boolean holds(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (LabException e) {
      return false;
    }
  }
}
