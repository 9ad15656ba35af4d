package dev.multisigner.domain.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The operator's name for one signer (a DNS provider account that signs a zone), for example {@code
 * knot-a} or {@code pdns-b}. Lower-case letters, digits and dashes.
 */
public record SignerId(String value) implements Comparable<SignerId> {

  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  public SignerId {
    Objects.requireNonNull(value, "signer id");
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "signer id must be 1-63 lower-case letters, digits or dashes: '" + value + "'");
    }
  }

  public static SignerId of(String value) {
    return new SignerId(value);
  }

  @Override
  public int compareTo(SignerId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
