package dev.multisigner.providers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A credential (TSIG secret, API key or token) that never shows itself: {@link #toString()} is
 * masked, and only {@link #reveal()} hands out the value, to the one call that puts it on the wire.
 */
public final class Secret {

  private static final String MASK = "****";

  private final String value;
  private final String origin;

  private Secret(String value, String origin) {
    this.value = Objects.requireNonNull(value, "secret");
    this.origin = origin;
    if (value.isBlank()) {
      throw new IllegalArgumentException("empty secret from " + origin);
    }
  }

  /** A secret given as a literal config value. */
  public static Secret of(String value) {
    return new Secret(value, "config");
  }

  /** A secret read from a file (its content, trimmed), for example a mounted credential. */
  public static Secret fromFile(Path file) {
    try {
      return new Secret(Files.readString(file, StandardCharsets.UTF_8).trim(), "file " + file);
    } catch (IOException e) {
      // The path is not secret; the content never reaches this message.
      throw new UncheckedIOException("cannot read secret file " + file, e);
    }
  }

  /**
   * Resolves a config value: {@code file:/path} reads the file, {@code env:NAME} reads the
   * environment, anything else is the secret itself.
   */
  public static Secret fromConfig(String configValue) {
    Objects.requireNonNull(configValue, "secret config value");
    if (configValue.startsWith("file:")) {
      return fromFile(Path.of(configValue.substring("file:".length())));
    }
    if (configValue.startsWith("env:")) {
      String name = configValue.substring("env:".length());
      String env = System.getenv(name);
      if (env == null) {
        throw new IllegalArgumentException("environment variable " + name + " is not set");
      }
      return new Secret(env, "env " + name);
    }
    return of(configValue);
  }

  /**
   * Resolves a reference given where a literal would leak (a command-line argument shows in the
   * process list and the shell's history): only {@code file:/path} and {@code env:NAME} are
   * accepted. {@code what} names the setting in the refusal; the value never appears in it.
   */
  public static Secret fromReference(String what, String reference) {
    Objects.requireNonNull(reference, what);
    if (!isReference(reference)) {
      throw new IllegalArgumentException(
          what
              + ": a literal secret is refused here (it would show in the process list): give"
              + " file:/path or env:NAME");
    }
    return fromConfig(reference);
  }

  /** Whether a config value names where the secret is ({@code file:} or {@code env:}). */
  public static boolean isReference(String configValue) {
    return configValue != null
        && (configValue.startsWith("file:") || configValue.startsWith("env:"));
  }

  /** The value, for the wire only: never log it, never put it in a message. */
  public String reveal() {
    return value;
  }

  /** Where the secret came from ("config", "file /run/…", "env NAME"): safe to log. */
  public String origin() {
    return origin;
  }

  /** Replaces every occurrence of this secret in {@code text} by a mask. */
  public String scrub(String text) {
    return text == null ? null : text.replace(value, MASK);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // equal secrets must hash equal; a constant leaks nothing about the value
  }

  @Override
  public String toString() {
    return "Secret[" + MASK + " from " + origin + "]";
  }
}
