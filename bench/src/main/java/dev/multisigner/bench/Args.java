package dev.multisigner.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name=value} arguments with defaults; an unknown name is an error. */
final class Args {

  private final Map<String, String> values = new HashMap<>();

  Args(String[] args, Map<String, String> defaults) {
    values.putAll(defaults);
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException("expected --name=value, got " + a);
      }
      String name = a.substring(2, a.indexOf('='));
      if (!defaults.containsKey(name)) {
        throw new IllegalArgumentException(
            "unknown argument --" + name + " (known: " + defaults.keySet() + ")");
      }
      values.put(name, a.substring(a.indexOf('=') + 1));
    }
  }

  String string(String name) {
    return values.get(name);
  }

  int integer(String name) {
    return Integer.parseInt(values.get(name));
  }
}
