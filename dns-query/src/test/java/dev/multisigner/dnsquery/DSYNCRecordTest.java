package dev.multisigner.dnsquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

class DSYNCRecordTest {

  private static final Name OWNER = Name.fromConstantString("_dsync.example.");
  private static final Name TARGET = Name.fromConstantString("Notify.Example.");

  static {
    DSYNCRecord.register();
  }

  @Test
  void parsesRfc9859PresentationForm() throws Exception {
    Record r =
        Record.fromString(
            OWNER, DSYNCRecord.TYPE, DClass.IN, 60, "CDS 1 5359 notify.example.", OWNER);

    assertThat(r).isInstanceOf(DSYNCRecord.class);
    DSYNCRecord d = (DSYNCRecord) r;
    assertThat(d.getRRType()).isEqualTo(Type.CDS);
    assertThat(d.getScheme()).isEqualTo(DSYNCRecord.SCHEME_NOTIFY);
    assertThat(d.getPort()).isEqualTo(5359);
    assertThat(d.getTarget()).isEqualTo(Name.fromConstantString("notify.example."));
    assertThat(d.rdataToString()).isEqualTo("CDS 1 5359 notify.example.");
    assertThat(Type.string(DSYNCRecord.TYPE)).isEqualTo("DSYNC");
    assertThat(Type.value("DSYNC")).isEqualTo(66);
  }

  @Test
  void theSchemeMnemonicNotifyIsScheme1() throws Exception {
    Record r =
        Record.fromString(
            OWNER, DSYNCRecord.TYPE, DClass.IN, 60, "CSYNC NOTIFY 53 t.example.", OWNER);

    assertThat(((DSYNCRecord) r).getScheme()).isEqualTo(1);
    assertThat(((DSYNCRecord) r).getRRType()).isEqualTo(Type.CSYNC);
  }

  @Test
  void wireFormIsTypeSchemePortAndAnUncompressedTargetAsGiven() {
    DSYNCRecord d = DSYNCRecord.notify(OWNER, 60, Type.CDS, 5359, TARGET);

    byte[] rdata = d.rdataToWireCanonical();

    assertThat(rdata).startsWith(0, 59, 1, 0x14, (byte) 0xEF, 6, 'N');
    Record back = Record.newRecord(OWNER, DSYNCRecord.TYPE, DClass.IN, 60, rdata);
    assertThat(back).isEqualTo(d);
    assertThat(DSYNCRecord.of(back)).isSameAs(back);
  }

  @Test
  void theRfc3597GenericFormOfType66ParsesIntoADsync() throws Exception {
    Record unknown =
        Record.fromString(OWNER, DSYNCRecord.TYPE, DClass.IN, 60, "\\# 8 003b010005017400", OWNER);

    DSYNCRecord d = DSYNCRecord.of(unknown);

    assertThat(d.getRRType()).isEqualTo(Type.CDS);
    assertThat(d.getPort()).isEqualTo(5);
    assertThat(d.getTarget()).isEqualTo(Name.fromConstantString("t."));
  }

  @Test
  void badInputIsRefusedWithTheField() {
    assertThatThrownBy(
            () ->
                Record.fromString(
                    OWNER, DSYNCRecord.TYPE, DClass.IN, 60, "CDS 999 53 t.example.", OWNER))
        .isInstanceOf(TextParseException.class)
        .hasMessageContaining("scheme");
    assertThatThrownBy(() -> DSYNCRecord.notify(OWNER, 60, Type.CDS, 70000, TARGET))
        .hasMessageContaining("port");
    assertThatThrownBy(
            () ->
                DSYNCRecord.of(
                    new org.xbill.DNS.ARecord(
                        OWNER,
                        DClass.IN,
                        1,
                        java.net.InetAddress.getByAddress(new byte[] {1, 2, 3, 4}))))
        .hasMessageContaining("not a DSYNC");
  }
}
