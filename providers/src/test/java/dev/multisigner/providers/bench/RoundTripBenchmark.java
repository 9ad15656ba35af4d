package dev.multisigner.providers.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import dev.multisigner.providers.DnsProvider;
import dev.multisigner.providers.LabAdapters;
import dev.multisigner.providers.PlanChange;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.TestKeys;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.dns.DnsKeyReader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Type;

/**
 * Measures, against the real lab signers, how long one adapter write takes (client side) and how
 * long until the change is served: import of one foreign ZSK, and its withdrawal. Run with {@code
 * ./mvnw -B -o test -pl providers -Dproviders.excludedGroups=none -Dtest=RoundTripBenchmark}.
 */
@Tag("benchmark")
class RoundTripBenchmark {

  private static final Logger LOG = LoggerFactory.getLogger(RoundTripBenchmark.class);
  private static final ZoneName ZONE = ZoneName.of("example.test.");
  private static final int ROUNDS = 30;

  @Test
  void measuresImportAndWithdrawRoundTrips() throws Exception {
    StringBuilder report = new StringBuilder();
    report.append("# Adapter round trips (lab, ").append(ROUNDS).append(" rounds each)\n\n");
    report.append("| adapter | write | apply median | apply p90 | apply max |");
    report.append(
        " served median | served p90 | served max |\n|---|---|---|---|---|---|---|---|\n");
    try (DnsLab lab =
        DnsLab.builder().zone(ZONE.value()).knotSigner("knot-a").pdnsSigner("pdns-b").start()) {
      KnotSigner knot = lab.knot("knot-a");
      PdnsSigner pdns = lab.pdns("pdns-b");
      DnsProvider knotAdapter = LabAdapters.knot(knot);
      DnsProvider pdnsAdapter = LabAdapters.pdns(pdns);
      measure(report, "RFC 2136 (Knot 3.2)", knotAdapter, knot.dnsAddress());
      measure(report, "PowerDNS 4.7 API", pdnsAdapter, pdns.dnsAddress());
    }
    Path out = Path.of("target", "round-trips.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString());
    LOG.info("event=round_trips_measured file={}\n{}", out.toAbsolutePath(), report);
  }

  private void measure(
      StringBuilder report, String name, DnsProvider adapter, InetSocketAddress dns) {
    DnsKeyReader reader = new DnsKeyReader(adapter.id(), dns, Duration.ofSeconds(3));
    List<Long> addApply = new ArrayList<>();
    List<Long> addServed = new ArrayList<>();
    List<Long> removeApply = new ArrayList<>();
    List<Long> removeServed = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      DNSKEYRecord key = TestKeys.zsk(ZONE.toName());
      round(adapter, reader, key, PlanChange.Action.ADD, addApply, addServed);
      round(adapter, reader, key, PlanChange.Action.REMOVE, removeApply, removeServed);
    }
    row(report, name, "import 1 DNSKEY", addApply, addServed);
    row(report, name, "withdraw 1 DNSKEY", removeApply, removeServed);
  }

  private void round(
      DnsProvider adapter,
      DnsKeyReader reader,
      DNSKEYRecord key,
      PlanChange.Action action,
      List<Long> apply,
      List<Long> served) {
    ZoneKeySnapshot basis = adapter.read(ZONE);
    ProviderPlan plan = new ProviderPlan(basis, List.of(new PlanChange(action, key)));
    long t0 = System.nanoTime();
    adapter.apply(plan);
    long t1 = System.nanoTime();
    boolean wanted = action == PlanChange.Action.ADD;
    while (reader.query(ZONE, Type.DNSKEY).contains(key) != wanted) {
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      Thread.onSpinWait();
    }
    long t2 = System.nanoTime();
    apply.add((t1 - t0) / 1_000);
    served.add((t2 - t0) / 1_000);
  }

  private static void row(
      StringBuilder report, String name, String write, List<Long> apply, List<Long> served) {
    report
        .append("| ")
        .append(name)
        .append(" | ")
        .append(write)
        .append(" | ")
        .append(ms(pct(apply, 50)))
        .append(" | ")
        .append(ms(pct(apply, 90)))
        .append(" | ")
        .append(ms(pct(apply, 100)))
        .append(" | ")
        .append(ms(pct(served, 50)))
        .append(" | ")
        .append(ms(pct(served, 90)))
        .append(" | ")
        .append(ms(pct(served, 100)))
        .append(" |\n");
  }

  private static long pct(List<Long> micros, int p) {
    List<Long> s = new ArrayList<>(micros);
    Collections.sort(s);
    int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
    return s.get(Math.max(0, Math.min(s.size() - 1, i)));
  }

  private static String ms(long micros) {
    return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
  }
}
