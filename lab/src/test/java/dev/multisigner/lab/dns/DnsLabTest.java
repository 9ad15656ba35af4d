package dev.multisigner.lab.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class DnsLabTest {

  static DnsLab lab;

  @BeforeAll
  static void start() {
    lab =
        DnsLab.builder()
            .zone("example.test.")
            .knotSigner("knot-a")
            .pdnsSigner("pdns-b")
            .parentDsForAllSigners()
            .withValidator()
            .start();
    System.out.println("startup_ms=" + lab.startupTime().toMillis());
  }

  @AfterAll
  static void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void validatesEachSignerAlone() {
    UnboundValidator v = lab.validator();
    for (LabSigner s : lab.signers()) {
      v.flushZone();
      v.useOnly(s);
      Message m = v.query(Name.fromConstantString("www.example.test."), Type.A);
      assertThat(Rcode.string(m.getRcode())).as(s.id() + "\n" + v.logTail()).isEqualTo("NOERROR");
      assertThat(m.getHeader().getFlag(Flags.AD)).isTrue();
    }
  }

  @Test
  void knotListsItsOwnKeys() {
    List<KnotKey> keys = lab.knot("knot-a").keymgrList();
    System.out.println(keys);
    assertThat(keys).hasSize(2);
  }
}
