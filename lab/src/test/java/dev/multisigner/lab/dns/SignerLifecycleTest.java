package dev.multisigner.lab.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Update;

/** Restarts keep foreign keys (RECIPE 4.8); signers can join and leave a running lab. */
class SignerLifecycleTest {

  static final Name ZONE = Name.fromConstantString("example.test.");
  static DnsLab lab;

  @BeforeAll
  static void start() {
    lab = DnsLab.builder().zone("example.test.").knotSigner("knot-a").pdnsSigner("pdns-b").start();
  }

  @AfterAll
  static void stop() {
    if (lab != null) {
      lab.close();
    }
  }

  static DNSKEYRecord foreignZsk() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return new DNSKEYRecord(ZONE, DClass.IN, 10, 256, 3, 13, g.generateKeyPair().getPublic());
  }

  static boolean serves(LabSigner s, DNSKEYRecord key) {
    return DnsLab.servedDnskeys(s).stream()
        .anyMatch(k -> k.rdataToString().equals(key.rdataToString()));
  }

  @Test
  void knotKeepsADdnsAddedForeignZskAcrossARestart() throws Exception {
    KnotSigner k = lab.knot("knot-a");
    DNSKEYRecord foreign = foreignZsk();
    Update u = new Update(ZONE);
    u.add(foreign);
    SimpleResolver r = new SimpleResolver(k.dnsAddress());
    r.setTCP(true);
    r.setTSIGKey(k.tsig().toTsig());
    r.setTimeout(Duration.ofSeconds(5));
    Message resp = r.send(u);
    assertThat(Rcode.string(resp.getRcode())).isEqualTo("NOERROR");
    assertThat(serves(k, foreign)).isTrue();
    long before = k.pid();

    k.restart();

    assertThat(k.pid()).isNotEqualTo(before);
    assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(serves(k, foreign)).as(k.logTail()).isTrue();
  }

  @Test
  void pdnsKeepsAnApiAddedForeignZskAcrossARestart() throws Exception {
    PdnsSigner p = lab.pdns("pdns-b");
    DNSKEYRecord foreign = foreignZsk();
    String body =
        "{\"rrsets\":[{\"name\":\"example.test.\",\"type\":\"DNSKEY\",\"ttl\":10,\"changetype\":\"REPLACE\","
            + "\"records\":[{\"content\":\""
            + foreign.rdataToString()
            + "\",\"disabled\":false}]}]}";
    HttpResponse<String> resp =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(p.apiUrl() + "/servers/localhost/zones/example.test."))
                    .header("X-API-Key", p.apiKey())
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(204);
    assertThat(serves(p, foreign)).isTrue();

    p.restart();

    assertThat(serves(p, foreign)).as(p.logTail()).isTrue();
  }

  @Test
  void signersJoinAndLeaveARunningLab() {
    KnotSigner joined = lab.addKnotSigner("knot-e");
    PdnsSigner joinedP = lab.addPdnsSigner("pdns-f");
    assertThat(lab.signers()).extracting(LabSigner::id).contains("knot-e", "pdns-f");
    assertThat(DnsLab.servedDnskeys(joined)).hasSize(2);
    assertThat(DnsLab.servedDnskeys(joinedP)).hasSize(2);
    assertThatThrownBy(() -> lab.addKnotSigner("knot-e")).hasMessageContaining("duplicate");
    long pid = joined.pid();
    long pidP = joinedP.pid();

    lab.removeSigner("knot-e");
    lab.removeSigner("pdns-f");

    assertThat(lab.signers()).extracting(LabSigner::id).doesNotContain("knot-e", "pdns-f");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(ProcessHandle.of(pidP).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }
}
