package dev.multisigner.lab.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;

/** Several Knot and PowerDNS instances at once, with both key schemes, and a clean stop. */
class MultiInstanceLabTest {

  @Test
  void runsTwoKnotAndTwoPdnsSignersAtOnceAndStopsThemAll() {
    List<Long> pids = new ArrayList<>();
    try (DnsLab lab =
        DnsLab.builder()
            .zone("multi.example.")
            .knotSigner("knot-a")
            .knotSigner("knot-c", KeyScheme.CSK)
            .pdnsSigner("pdns-b")
            .pdnsSigner("pdns-d", KeyScheme.CSK)
            .start()) {
      assertThat(lab.signers()).hasSize(4);
      assertThat(lab.signers().stream().map(s -> s.dnsAddress().getPort()).distinct()).hasSize(4);
      for (LabSigner s : lab.signers()) {
        List<DNSKEYRecord> keys = DnsLab.servedDnskeys(s);
        boolean csk = s.id().endsWith("-c") || s.id().endsWith("-d");
        assertThat(keys)
            .as(s.id())
            .extracting(DNSKEYRecord::getFlags)
            .containsExactlyInAnyOrderElementsOf(csk ? List.of(257) : List.of(256, 257));
      }
      assertThat(new KnotKeystore(lab.knot("knot-c")).keys())
          .singleElement()
          .satisfies(k -> assertThat(k.ksk()).isTrue());
      assertThat(lab.knot("knot-a").tsig().name()).isNotEqualTo(lab.knot("knot-c").tsig().name());
      assertThat(lab.knot("knot-a").tsig().secret())
          .isNotEqualTo(lab.knot("knot-c").tsig().secret());
      assertThat(lab.pdns("pdns-b").apiKey()).isNotEqualTo(lab.pdns("pdns-d").apiKey());
      pids.add(lab.knot("knot-a").pid());
      pids.add(lab.knot("knot-c").pid());
      pids.add(lab.pdns("pdns-b").pid());
      pids.add(lab.pdns("pdns-d").pid());
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("pid %d", pid)
          .isFalse();
    }
  }
}
