package dev.multisigner.domain.decide;

import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.model.KeyData;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every DNSKEY a signer serves must be accounted for: it is the signer's own (its API or key
 * manager lists it) or another member's key the decider imported. A key that neither explains, for
 * example one written into a provider's records table by hand, is never taken for the signer's own
 * and never imported elsewhere; the zone halts with {@link HaltCause#UNACCOUNTABLE_KEY} instead, as
 * it does when a signer serves more keys than any roll needs ({@link #MAX_OWN_KEYS}).
 *
 * <p>A signer without a listing (an RFC 2136 signer with no key manager) cannot disown a key: a key
 * new to the group counts as its own, as before listings existed.
 */
final class KeyAccounting {

  private KeyAccounting() {}

  /**
   * The most keys a signer may serve that are its own or new to the group. An algorithm rollover
   * (RFC 6781 §4.1.4) during which both algorithms' ZSKs roll by pre-publication (RFC 7583 §3.2)
   * needs 8: a KSK and two ZSKs per algorithm, with margin for a retiring KSK or CSK.
   */
  static final int MAX_OWN_KEYS = 8;

  /**
   * Halts the zone when {@code obs} shows {@code m} serving more than {@link #MAX_OWN_KEYS} keys
   * that are not another member's: the observation is then not recorded, so none of those keys
   * enters the group or its state.
   */
  static boolean overBound(Draft w, Member m, SignerObservation obs) {
    List<KeyData> own = new ArrayList<>();
    for (KeyData d : obs.dnskeys()) {
      KeyRecord k = w.key(d);
      if (k == null || k.owner().equals(m.id())) {
        own.add(d);
      }
    }
    if (own.size() <= MAX_OWN_KEYS) {
      return false;
    }
    w.halt(
        HaltCause.UNACCOUNTABLE_KEY,
        "signer "
            + m.id()
            + " serves "
            + own.size()
            + " DNSKEYs of its own or new to the group in zone "
            + w.zone
            + ", more than the "
            + MAX_OWN_KEYS
            + " a signer may have; none is recorded or imported (tags "
            + tags(own)
            + ")");
    return true;
  }

  /**
   * Once every member has been observed, halts the zone if a member serves a key the group does not
   * know: the member's listing disowned it (so the key ledger did not record it) and no other
   * member holds it. Before that, such a key may still be a member's not yet observed; it is only
   * not imported.
   */
  static void haltOnUnaccountedKeys(Draft w) {
    if (w.members.isEmpty() || w.members.values().stream().anyMatch(m -> !m.observed())) {
      return;
    }
    for (Member m : w.members.values()) {
      List<KeyData> unknown = new ArrayList<>();
      for (KeyData d : m.served()) {
        // A model 1 member's unknown KSK is its key ledger's business (a second KSK holder).
        if (w.key(d) == null && !(w.signedByHolder(m) && d.sep())) {
          unknown.add(d);
        }
      }
      if (!unknown.isEmpty()) {
        w.halt(
            HaltCause.UNACCOUNTABLE_KEY,
            "signer "
                + m.id()
                + " serves DNSKEY "
                + tags(unknown)
                + " in zone "
                + w.zone
                + " that its own key list does not name and no other signer of the group holds;"
                + " it is imported nowhere. Remove it from "
                + m.id()
                + " (or make the signer list it as its key), then resume");
        return;
      }
    }
  }

  private static String tags(List<KeyData> keys) {
    return keys.stream()
        .map(d -> d.keyTag() + " (flags " + d.flags() + ", algorithm " + d.algorithm() + ")")
        .collect(Collectors.joining(", "));
  }
}
