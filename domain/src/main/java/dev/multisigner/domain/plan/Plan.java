package dev.multisigner.domain.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What is still to change for one zone to reach its desired state, as octoDNS shows a plan: changes
 * in a deterministic order with every addition before any removal, one line each, a hash so the
 * plan reviewed is the plan meant, and the reason it is refused if it is unsafe.
 */
public record Plan(List<Change> changes, Optional<String> refusal) {

  /** One change: what kind, where (a signer or "parent"), and what (key tags, names). */
  public record Change(Kind kind, String target, String what) {
    public String render() {
      return kind.verb
          + " "
          + what
          + (target.isEmpty() ? "" : " " + kind.preposition + " " + target);
    }
  }

  /** The kinds of change, additions first: the order in which they are safe to apply. */
  public enum Kind {
    ADD_DNSKEY("add DNSKEY", "at"),
    PUBLISH_CDS("publish CDS/CDNSKEY", "at"),
    ADD_DS("add DS", "at"),
    ADD_NS("add NS", "at"),
    REMOVE_NS("remove NS", "from"),
    REMOVE_DS("remove DS", "from"),
    REMOVE_DNSKEY("remove DNSKEY", "from");

    private final String verb;
    private final String preposition;

    Kind(String verb, String preposition) {
      this.verb = verb;
      this.preposition = preposition;
    }

    public boolean removes() {
      return ordinal() >= REMOVE_NS.ordinal();
    }
  }

  public Plan {
    List<Change> sorted = new ArrayList<>(changes);
    sorted.sort(
        Comparator.comparing(Change::kind)
            .thenComparing(Change::target)
            .thenComparing(Change::what));
    changes = List.copyOf(sorted);
  }

  public static Plan of(List<Change> changes, Optional<String> refusal) {
    return new Plan(changes, refusal);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** One line per change, additions first; a refused plan says so on its first line. */
  public List<String> render() {
    List<String> lines = new ArrayList<>();
    refusal.ifPresent(r -> lines.add("REFUSED: " + r));
    changes.forEach(c -> lines.add(c.render()));
    return lines;
  }

  /** The first 12 hex digits of SHA-256 over the rendered lines. */
  public String hash() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String line : render()) {
        sha.update(line.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
