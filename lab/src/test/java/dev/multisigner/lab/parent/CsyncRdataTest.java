package dev.multisigner.lab.parent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** CSYNC rdata in wire and presentation form (RFC 7477 §2.1, the example of §2.2). */
class CsyncRdataTest {

  @Test
  void writesAndReadsTheRfcExample() {
    // RFC 7477 §2.2: "example.com. 3600 IN CSYNC 66 3 A NS AAAA"
    CsyncRdata csync = new CsyncRdata(66, 3, List.of(Type.AAAA, Type.NS, Type.A));

    byte[] wire = csync.toWire();

    assertThat(HexFormat.of().formatHex(wire)).isEqualTo("000000420003" + "000460000008");
    assertThat(CsyncRdata.fromWire(wire)).isEqualTo(csync);
    assertThat(csync.presentation()).isEqualTo("66 3 A NS AAAA");
    assertThat(csync.immediate()).isTrue();
    assertThat(csync.soaMinimum()).isTrue();
    assertThat(csync.covers(Type.NS)).isTrue();
    assertThat(csync.covers(Type.DS)).isFalse();
  }

  @Test
  void goesThroughDnsjavaAsAnUnknownRecordType() throws Exception {
    CsyncRdata csync = new CsyncRdata(4_000_000_000L, 1, List.of(Type.NS, 300));
    Name owner = Name.fromConstantString("example.test.");

    Record r = csync.toRecord(owner, 60);
    Record back = Record.fromWire(r.toWireCanonical(), org.xbill.DNS.Section.ANSWER);

    assertThat(back.getType()).isEqualTo(Type.CSYNC);
    assertThat(CsyncRdata.of(back)).isEqualTo(csync);
    assertThat(CsyncRdata.immediateNsAndAddresses().presentation()).isEqualTo("0 1 A NS AAAA");
  }

  @Test
  void refusesMalformedRdata() {
    assertThatThrownBy(() -> CsyncRdata.fromWire(new byte[] {0, 0, 0, 1, 0}))
        .hasMessageContaining("too short");
    assertThatThrownBy(() -> CsyncRdata.fromWire(new byte[] {0, 0, 0, 1, 0, 1, 0, 40, 1}))
        .hasMessageContaining("bad length");
  }

  @Test
  void serialArithmeticFollowsRfc1982() {
    assertThat(CsyncParentAgent.serialBelow(5, 6)).isTrue();
    assertThat(CsyncParentAgent.serialBelow(6, 6)).isFalse();
    assertThat(CsyncParentAgent.serialBelow(7, 6)).isFalse();
    // wrapped: 1 comes after 0xFFFFFFF0
    assertThat(CsyncParentAgent.serialBelow(1, 0xFFFF_FFF0L)).isFalse();
    assertThat(CsyncParentAgent.serialBelow(0xFFFF_FFF0L, 1)).isTrue();
  }
}
