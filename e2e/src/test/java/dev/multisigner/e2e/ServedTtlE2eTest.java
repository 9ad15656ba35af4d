package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.ZoneEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 9 on the real parts: the lab's Knot (its policy's {@code dnskey-ttl: 10}) and
 * PowerDNS serve their DNSKEY RRsets with TTL 10 s; the zone is enrolled with a policy that says 2
 * s. The collector reads the TTL served, and the first CDS/DS of the insecure zone waits
 * DNSKEY-Wait-Time after the keys were cross-published with it: at least the 10 s served, not the
 * policy's 2 + 2 s (a resolver that fetched a DNSKEY RRset before the imports holds it for the TTL
 * it was given).
 */
class ServedTtlE2eTest {

  private static final Pattern PUBLISHED = Pattern.compile("\\(observed ([^)]+)\\)");

  @TempDir Path dir;

  @Test
  void theFirstDsWaitsOutTheDnskeyTtlTheSignersServeNotThePolicys() throws Exception {
    try (E2eWorld w = E2eWorld.start(dir, false)) {
      long t0 = System.nanoTime();
      w.enroll(GroupPolicy.newBuilder(E2eWorld.policy()).setDnskeyTtlSeconds(2).build());
      assertThat(await(Duration.ofMinutes(3), () -> w.converged() && !w.parentDsTags().isEmpty()))
          .as("secure:\n%s\n%s", w.check().render(), w.auditText())
          .isTrue();
      double secure = E2eWorld.secondsSince(t0);
      List<ZoneEvent> audit = w.audit();
      String text = E2eWorld.render(audit);

      assertThat(audit)
          .as(text)
          .anyMatch(
              e ->
                  e.getType().equals("ServedTtlLonger")
                      && e.getSummary()
                          .contains(
                              "signer="
                                  + E2eWorld.KNOT
                                  + " serves its DNSKEY RRset with TTL 10 s, longer than the"
                                  + " policy's 2 s: DNSKEY-Wait-Time uses 10 s"));
      String served =
          audit.stream()
              .filter(e -> e.getType().equals("ServedTtlLonger"))
              .map(ZoneEvent::getSummary)
              .toList()
              .toString();
      Instant published =
          audit.stream()
              .filter(e -> e.getType().equals("SignerKeysPublished"))
              .map(e -> observedAt(e.getSummary()))
              .max(Instant::compareTo)
              .orElseThrow(() -> new AssertionError("no SignerKeysPublished:\n" + text));
      Instant firstDs =
          audit.stream()
              .filter(e -> e.getType().equals("DsChangeRequested"))
              .map(e -> e.getEnvelope().getOccurredAt())
              .findFirst()
              .orElseThrow(() -> new AssertionError("no DsChangeRequested:\n" + text));
      Duration waited = Duration.between(published, firstDs);
      // the policy alone would wait 2 + 2 s; the TTL served is 10 s (+ 2 s propagation)
      assertThat(waited)
          .as("DNSKEY-Wait-Time with the served TTL\n%s", text)
          .isGreaterThanOrEqualTo(Duration.ofSeconds(10));
      assertThat(E2eWorld.kinds(audit)).doesNotContain("ZoneHalted", "InputFailed");

      w.assertNoBogus(
          "served DNSKEY TTL",
          String.format(
              "secure %.0f s after enrollment; the first DS waited %.1f s after cross-publication"
                  + " (policy DNSKEY TTL 2 s); served: %s",
              secure, waited.toMillis() / 1000.0, served),
          5);
    }
  }

  private static Instant observedAt(String summary) {
    Matcher m = PUBLISHED.matcher(summary);
    if (!m.find()) {
      throw new AssertionError("no observation time in: " + summary);
    }
    return Instant.parse(m.group(1));
  }
}
