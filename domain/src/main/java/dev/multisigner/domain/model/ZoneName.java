package dev.multisigner.domain.model;

import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * A zone's canonical name: lower case, absolute (trailing dot). This is the key of every Kafka
 * record, so two spellings of one zone must compare equal.
 */
public record ZoneName(String value) implements Comparable<ZoneName> {

  public ZoneName {
    Objects.requireNonNull(value, "zone name");
    if (!value.endsWith(".") || !value.equals(value.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException(
          "zone name must be canonical (lower case, trailing dot): '" + value + "'");
    }
  }

  /** Parses and canonicalises a zone name ("Example.Test" becomes "example.test."). */
  public static ZoneName of(String text) {
    Objects.requireNonNull(text, "zone name");
    try {
      Name name = Name.fromString(text.trim(), Name.root);
      return new ZoneName(name.canonicalize().toString());
    } catch (TextParseException e) {
      throw new IllegalArgumentException(
          "not a valid zone name: '" + text + "': " + e.getMessage());
    }
  }

  /** The dnsjava name of this zone. */
  public Name toName() {
    return Name.fromConstantString(value);
  }

  @Override
  public int compareTo(ZoneName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
