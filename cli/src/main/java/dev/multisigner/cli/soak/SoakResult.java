package dev.multisigner.cli.soak;

import dev.multisigner.cli.BogusWatch;
import java.time.Duration;
import java.util.Optional;

/**
 * What one scenario came to: seconds from the intent until the zone was secure on its first
 * signers, seconds from the first event's moment until the group converged again, Unbound's
 * cross-provider probe counts, and the first failure (empty: passed).
 */
public record SoakResult(
    SoakScenario scenario,
    Duration secure,
    Duration converge,
    BogusWatch.Counts counts,
    Optional<String> failure) {

  public boolean passed() {
    return failure.isEmpty();
  }

  /** One table row: scenario, seed, signers, scheme, events, times, probes, result. */
  public String row() {
    return String.format(
        "| %d | %d | %s | %s | %s | %s | %s | %d | %d | %d | %s |",
        scenario.index(),
        scenario.seed(),
        scenario.signerColumn(),
        scenario.schemeColumn(),
        scenario.eventColumn(),
        seconds(secure),
        seconds(converge),
        counts.probes(),
        counts.secure(),
        counts.bogus(),
        failure.map(f -> "FAIL: " + shorten(f.replace('|', '/').replace('\n', ' '))).orElse("ok"));
  }

  static String header() {
    return "| # | seed | signers | scheme | events | secure s | converge s | probes | secure |"
        + " bogus | result |\n|---|---|---|---|---|---|---|---|---|---|---|";
  }

  private static String shorten(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }

  private static String seconds(Duration d) {
    return d == null ? "-" : Long.toString(Math.round(d.toMillis() / 1000.0));
  }
}
