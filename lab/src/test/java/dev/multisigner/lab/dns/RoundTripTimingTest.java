package dev.multisigner.lab.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Every DNS UPDATE to Knot and every API PATCH to PowerDNS is accepted and then served; the round
 * trips (request sent to response received) and the time until a query shows the change are logged
 * as medians, for the numbers.
 */
class RoundTripTimingTest {

  private static final Logger LOG = LoggerFactory.getLogger(RoundTripTimingTest.class);
  static final int RUNS = 20;
  static final Name ZONE = Name.fromConstantString("example.test.");
  static final Name TIMING = Name.fromConstantString("timing.example.test.");
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

  @Test
  void everyDdnsUpdateToKnotIsAcceptedAndServed() throws Exception {
    KnotSigner k = lab.knot("knot-a");
    SimpleResolver r = new SimpleResolver(k.dnsAddress());
    r.setTCP(true);
    r.setTimeout(Duration.ofSeconds(5));
    r.setTSIGKey(k.tsig().toTsig());
    List<Long> rtt = new ArrayList<>();
    List<Long> visible = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      Update u = new Update(ZONE);
      u.replace(TIMING, Type.TXT, 10, "\"run " + i + "\"");
      long t0 = System.nanoTime();
      Message resp = r.send(u);
      rtt.add(System.nanoTime() - t0);
      assertThat(Rcode.string(resp.getRcode())).isEqualTo("NOERROR");
      awaitTxt(k, "run " + i);
      visible.add(System.nanoTime() - t0);
    }
    LOG.info(
        "event=timing provider=knot zone={} what=ddns_tsig runs={} rtt_median_ms={} rtt_max_ms={} visible_median_ms={}",
        ZONE,
        RUNS,
        medianMs(rtt),
        maxMs(rtt),
        medianMs(visible));
  }

  @Test
  void everyApiPatchToPdnsIsAcceptedAndServed() throws Exception {
    PdnsSigner p = lab.pdns("pdns-b");
    HttpClient http = HttpClient.newHttpClient();
    URI zoneUri = URI.create(p.apiUrl() + "/servers/" + p.serverId() + "/zones/" + ZONE);
    List<Long> rtt = new ArrayList<>();
    List<Long> visible = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      String body =
          "{\"rrsets\":[{\"name\":\""
              + TIMING
              + "\",\"type\":\"TXT\",\"ttl\":10,\"changetype\":\"REPLACE\",\"records\":[{\"content\":\"\\\"run "
              + i
              + "\\\"\",\"disabled\":false}]}]}";
      HttpRequest req =
          HttpRequest.newBuilder(zoneUri)
              .header("X-API-Key", p.apiKey())
              .header("Content-Type", "application/json")
              .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
              .build();
      long t0 = System.nanoTime();
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      rtt.add(System.nanoTime() - t0);
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(204);
      awaitTxt(p, "run " + i);
      visible.add(System.nanoTime() - t0);
    }
    LOG.info(
        "event=timing provider=pdns zone={} what=api_patch runs={} rtt_median_ms={} rtt_max_ms={} visible_median_ms={}",
        ZONE,
        RUNS,
        medianMs(rtt),
        maxMs(rtt),
        medianMs(visible));
  }

  static void awaitTxt(LabSigner s, String text) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      Message m =
          DnsQueries.query(s.dnsAddress(), TIMING, Type.TXT, false, false, Duration.ofSeconds(1));
      for (Record r : m.getSection(Section.ANSWER)) {
        if (r instanceof TXTRecord t && t.getStrings().contains(text)) {
          return;
        }
      }
      Thread.sleep(1);
    }
    throw new AssertionError(
        s.id() + " does not serve TXT '" + text + "' after 5 s\n" + s.logTail());
  }

  static String medianMs(List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return String.format("%.1f", sorted.get(sorted.size() / 2) / 1e6);
  }

  static String maxMs(List<Long> nanos) {
    return String.format("%.1f", Collections.max(nanos) / 1e6);
  }
}
