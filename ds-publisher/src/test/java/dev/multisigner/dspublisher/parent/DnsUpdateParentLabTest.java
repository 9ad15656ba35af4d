package dev.multisigner.dspublisher.parent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.lab.dns.DnsLab;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/** The DNS UPDATE parent channel against a real BIND 9.18 parent with TSIG. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsUpdateParentLabTest {

  private static final Name CHILD = Name.fromConstantString("example.test.");
  private DnsLab lab;

  @BeforeAll
  void start() {
    lab = DnsLab.builder().zone(CHILD.toString()).withParent().start();
  }

  @AfterAll
  void stop() {
    lab.close();
  }

  @Test
  void replacesTheDsRrsetAndReadsItBackValidated() {
    DnsUpdateParent parent = new DnsUpdateParent(config(lab.parent().tsig().secret()));
    List<DSRecord> desired = List.of(ds(11111, (byte) 1), ds(22222, (byte) 2));

    parent.replaceDs(CHILD, desired);
    DnsUpdateParent.Observed seen = parent.readDs(CHILD, Instant.now());

    assertThat(seen.ds())
        .extracting(DSRecord::getFootprint)
        .containsExactlyInAnyOrder(11111, 22222);
    assertThat(seen.validated()).as(seen.validationNote()).isTrue();
    assertThat(parent.readNs(CHILD)).containsExactly("ns1.example.test.", "ns2.example.test.");

    parent.replaceDs(CHILD, List.of(ds(22222, (byte) 2)));
    assertThat(parent.readDs(CHILD, Instant.now()).ds())
        .extracting(DSRecord::getFootprint)
        .containsExactly(22222);
  }

  @Test
  void aWrongTsigSecretIsANonRetryableErrorNamingZoneAndParentButNotTheSecret() {
    String wrong =
        Base64.getEncoder().encodeToString("not-the-parent-key-0123456789abc".getBytes());
    DnsUpdateParent parent = new DnsUpdateParent(config(wrong));
    List<DSRecord> before = lab.parent().ds();

    assertThatThrownBy(() -> parent.replaceDs(CHILD, List.of(ds(33333, (byte) 3))))
        .isInstanceOfSatisfying(ParentException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("zone=example.test.")
        .hasMessageContaining("parent=lab")
        .hasMessageContaining("NOTAUTH")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong));
    assertThat(lab.parent().ds()).isEqualTo(before);
  }

  @Test
  void withoutATrustAnchorTheDsIsReportedButNotCalledValidated() {
    ParentConfig config = config(lab.parent().tsig().secret());
    config.setTrustAnchor(null);
    DnsUpdateParent parent = new DnsUpdateParent(config);
    parent.replaceDs(CHILD, List.of(ds(44444, (byte) 4)));

    DnsUpdateParent.Observed seen = parent.readDs(CHILD, Instant.now());

    assertThat(seen.ds()).extracting(DSRecord::getFootprint).containsExactly(44444);
    assertThat(seen.validated()).isFalse();
    assertThat(seen.validationNote()).contains("no trust anchor");
  }

  private ParentConfig config(String secret) {
    return LabParentConfig.of(lab.parent(), secret);
  }

  private static DSRecord ds(int tag, byte fill) {
    byte[] digest = new byte[32];
    java.util.Arrays.fill(digest, fill);
    return new DSRecord(CHILD, DClass.IN, 60, tag, 13, 2, digest);
  }
}
