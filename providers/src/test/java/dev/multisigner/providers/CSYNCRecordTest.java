package dev.multisigner.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * CSYNC (RFC 7477) as dnsjava 3.7.1 lacks it: wire, text, and what dnsjava parses after loading.
 */
class CSYNCRecordTest {

  private static final Name EXAMPLE = Name.fromConstantString("example.com.");

  /** RFC 7477 §2.2: {@code example.com. 3600 IN CSYNC 66 3 A NS AAAA}. */
  private static final String RFC_7477_RDATA = "00000042" + "0003" + "0004" + "60000008";

  @Test
  void encodesTheRfc7477ExampleOnTheWire() {
    CSYNCRecord r =
        CSYNCRecord.of(
            EXAMPLE,
            3600,
            66,
            CSYNCRecord.Flags.IMMEDIATE | CSYNCRecord.Flags.SOA_MINIMUM,
            Type.AAAA,
            Type.NS,
            Type.A);

    assertThat(HexFormat.of().formatHex(r.rdataToWireCanonical())).isEqualTo(RFC_7477_RDATA);
    assertThat(r.rdataToString()).isEqualTo("66 3 A NS AAAA");
    assertThat(r.getTypes()).containsExactly(Type.A, Type.NS, Type.AAAA);
    assertThat(r.hasType(Type.NS)).isTrue();
    assertThat(r.hasType(Type.MX)).isFalse();
  }

  @Test
  void dnsjavaParsesCsyncIntoThisClassFromWireAndText() throws Exception {
    CSYNCRecord.register();
    byte[] rdata = HexFormat.of().parseHex(RFC_7477_RDATA);

    Record fromWire = Record.newRecord(EXAMPLE, Type.CSYNC, DClass.IN, 3600, rdata);
    Record fromText =
        Record.fromString(EXAMPLE, Type.CSYNC, DClass.IN, 3600, "66 3 NS AAAA A", EXAMPLE);
    Record fromGeneric =
        Record.fromString(
            EXAMPLE, Type.CSYNC, DClass.IN, 3600, "\\# 12 " + RFC_7477_RDATA, EXAMPLE);

    assertThat(fromWire).isInstanceOf(CSYNCRecord.class);
    assertThat(fromText).isInstanceOf(CSYNCRecord.class).isEqualTo(fromWire);
    assertThat(fromGeneric).isEqualTo(fromWire);
    assertThat(CSYNCRecord.of(fromWire)).isSameAs(fromWire);
    CSYNCRecord c = (CSYNCRecord) fromWire;
    assertThat(c.getSerial()).isEqualTo(66);
    assertThat(c.getFlags()).isEqualTo(3);
    assertThat(c.toString()).isEqualTo("example.com.\t\t3600\tIN\tCSYNC\t66 3 A NS AAAA");
  }

  @Test
  void recordsCompareByRdataNotByTtlOrTypeOrder() {
    CSYNCRecord a = CSYNCRecord.of(EXAMPLE, 60, 0, CSYNCRecord.Flags.IMMEDIATE, Type.NS, Type.A);
    CSYNCRecord b = CSYNCRecord.of(EXAMPLE, 3600, 0, CSYNCRecord.Flags.IMMEDIATE, Type.A, Type.NS);
    CSYNCRecord other = CSYNCRecord.of(EXAMPLE, 60, 1, CSYNCRecord.Flags.IMMEDIATE, Type.NS);

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(other);
    assertThat(a.withName(Name.fromConstantString("example.net.")))
        .isInstanceOf(CSYNCRecord.class)
        .extracting(r -> ((CSYNCRecord) r).getTypes())
        .isEqualTo(new int[] {Type.A, Type.NS});
  }

  @Test
  void refusesWhatIsNotACsync() {
    assertThatThrownBy(() -> CSYNCRecord.of(EXAMPLE, 60, -1, 0, Type.NS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CSYNCRecord.of(EXAMPLE, 60, 0, 0x10000, Type.NS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Record.fromString(EXAMPLE, Type.CSYNC, DClass.IN, 60, "0 1 NS BOGUS", EXAMPLE))
        .hasMessageContaining("BOGUS");
    assertThatThrownBy(() -> CSYNCRecord.of(TestKeys.zsk(EXAMPLE)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
