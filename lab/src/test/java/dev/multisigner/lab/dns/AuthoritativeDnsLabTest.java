package dev.multisigner.lab.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.dnsquery.Signatures;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * The dns-query module against the lab's real daemons: a signed Knot child and the BIND parent. Its
 * queries get authoritative, signed answers over TCP; its verification accepts what they sign and
 * refuses it under another key; a TSIG-signed UPDATE's response verifies, a wrong key's does not.
 */
class AuthoritativeDnsLabTest {

  private static final Name ZONE = Name.fromConstantString("example.test.");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @TempDir static Path dir;
  static DnsLab lab;

  @BeforeAll
  static void start() {
    lab =
        DnsLab.builder()
            .zone("example.test.")
            .knotSigner("knot-a")
            .withParent()
            .workDir(dir)
            .start();
  }

  @AfterAll
  static void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void asksOverTcpWithDoAndRdClearAndGetsTheSignedRrset() throws IOException {
    InetSocketAddress knot = lab.signers().get(0).dnsAddress();

    Message m = AuthoritativeDns.query(knot, ZONE, Type.DNSKEY, TIMEOUT);

    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(m.getHeader().getFlag(Flags.RD)).as("RD echoed from the query").isFalse();
    assertThat(m.getOPT()).as("EDNS0 in the answer").isNotNull();
    RRset keys = AuthoritativeDns.answer(m, ZONE, Type.DNSKEY);
    assertThat(keys).isNotNull();
    assertThat(keys.sigs()).as("DO set: RRSIGs come with the RRset").isNotEmpty();
  }

  @Test
  void verifiesWhatTheSignerSignsAndRefusesItUnderTheParentsKeys() throws IOException {
    InetSocketAddress knot = lab.signers().get(0).dnsAddress();
    RRset keys =
        AuthoritativeDns.answer(
            AuthoritativeDns.query(knot, ZONE, Type.DNSKEY, TIMEOUT), ZONE, Type.DNSKEY);
    RRset soa =
        AuthoritativeDns.answer(
            AuthoritativeDns.query(knot, ZONE, Type.SOA, TIMEOUT), ZONE, Type.SOA);
    List<DNSKEYRecord> childKeys = keys.rrs().stream().map(r -> (DNSKEYRecord) r).toList();

    assertThat(Signatures.verify(keys, childKeys, Instant.now())).isEmpty();
    assertThat(Signatures.verify(soa, childKeys, Instant.now())).isEmpty();
    assertThat(Signatures.verify(soa, lab.parent().trustAnchor(), Instant.now()))
        .hasValueSatisfying(why -> assertThat(why).contains("key not in the DNSKEY RRset"));
    assertThat(Signatures.verify(soa, childKeys, Instant.now().plus(Duration.ofDays(3650))))
        .as("signatures expire")
        .isPresent();
  }

  @Test
  void aSignedUpdatesResponseVerifiesAndAWrongKeysDoesNot() throws IOException {
    BindParent parent = lab.parent();
    Update ok = dsUpdate(parent.zone(), 1);
    Message good =
        AuthoritativeDns.signed(parent.dnsAddress(), TIMEOUT, parent.tsig().toTsig()).send(ok);

    assertThat(good.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(AuthoritativeDns.unverifiedTsig(good)).isEmpty();

    TSIG wrong =
        new TSIG(
            TSIG.HMAC_SHA256,
            parent.tsig().name(),
            TsigCredentials.randomHmacSha256(parent.tsig().name()).secret());
    Message bad =
        AuthoritativeDns.signed(parent.dnsAddress(), TIMEOUT, wrong)
            .send(dsUpdate(parent.zone(), 2));

    assertThat(bad.getRcode()).isEqualTo(Rcode.NOTAUTH);
    assertThat(AuthoritativeDns.unverifiedTsig(bad)).isPresent();
  }

  @Test
  void aServerThatNeverAnswersTimesOutWithinTheTimeout() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InetSocketAddress at =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
      long t0 = System.nanoTime();

      assertThatThrownBy(() -> AuthoritativeDns.query(at, ZONE, Type.SOA, Duration.ofMillis(500)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Timed out");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
  }

  /** Replaces the DS RRset of a name under the parent (what its update policy grants). */
  private static Update dsUpdate(Name zone, int fill) throws IOException {
    byte[] digest = new byte[32];
    java.util.Arrays.fill(digest, (byte) fill);
    Update u = new Update(zone);
    u.replace(
        new DSRecord(Name.fromString("dns-query-test", zone), DClass.IN, 60, 4711, 13, 2, digest));
    return u;
  }
}
