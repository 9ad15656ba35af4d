package dev.multisigner.lab.dns;

import java.util.List;

/** Masks the lab's secrets (TSIG secrets, API keys) in text that leaves the lab: logs, errors. */
final class Redactor {

  private final List<String> secrets;

  Redactor(List<String> secrets) {
    this.secrets = secrets.stream().filter(s -> s != null && !s.isEmpty()).toList();
  }

  static Redactor none() {
    return new Redactor(List.of());
  }

  String mask(String text) {
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, "****");
    }
    return out;
  }
}
