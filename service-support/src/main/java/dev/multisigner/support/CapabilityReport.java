package dev.multisigner.support;

import java.util.Map;

/**
 * What a service can do now, by name: "built", or "not built yet: why". Shown in /health and logged
 * at start, so nobody mistakes a missing capability for a working one.
 */
public interface CapabilityReport {

  /** Marks a capability that works. */
  String BUILT = "built";

  /** Marks a capability that does not exist yet, with the reason. */
  static String notBuiltYet(String why) {
    return "not built yet: " + why;
  }

  /** Capability name to status, in a stable order. */
  Map<String, String> capabilities();
}
