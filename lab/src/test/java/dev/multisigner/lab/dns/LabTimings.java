package dev.multisigner.lab.dns;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Measures (does not test) the lab: start-up of parent + Knot + PowerDNS + validator, DDNS round
 * trips to Knot and API PATCH round trips to PowerDNS. Run: {@code java -cp <test classpath>
 * dev.multisigner.lab.dns.LabTimings [starts] [updates]}.
 */
public final class LabTimings {

  private LabTimings() {}

  public static void main(String[] args) throws Exception {
    int starts = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int updates = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    List<Long> startup = new ArrayList<>();
    for (int i = 0; i < starts; i++) {
      try (DnsLab lab = world()) {
        startup.add(lab.startupTime().toMillis());
      }
    }
    System.out.println("startup parent+knot+pdns+validator ms: " + stats(startup));
    try (DnsLab lab = world()) {
      KnotSigner k = lab.knot("knot-a");
      SimpleResolver r = new SimpleResolver(k.dnsAddress());
      r.setTCP(true);
      r.setTimeout(Duration.ofSeconds(5));
      r.setTSIGKey(k.tsig().toTsig());
      Name owner = Name.fromConstantString("timing.example.test.");
      List<Long> ddns = new ArrayList<>();
      for (int i = 0; i < updates; i++) {
        Update u = new Update(k.zone());
        u.replace(owner, Type.TXT, 10, "\"run " + i + "\"");
        long t0 = System.nanoTime();
        Message m = r.send(u);
        ddns.add((System.nanoTime() - t0) / 1_000);
        if (m.getRcode() != Rcode.NOERROR) {
          throw new IllegalStateException("DDNS refused: " + Rcode.string(m.getRcode()));
        }
      }
      System.out.println("DDNS+TSIG to Knot (TCP) us: " + stats(ddns));
      PdnsSigner p = lab.pdns("pdns-b");
      HttpClient http = HttpClient.newHttpClient();
      URI zone = URI.create(p.apiUrl() + "/servers/localhost/zones/example.test.");
      List<Long> patch = new ArrayList<>();
      for (int i = 0; i < updates; i++) {
        String body =
            "{\"rrsets\":[{\"name\":\"timing.example.test.\",\"type\":\"TXT\",\"ttl\":10,"
                + "\"changetype\":\"REPLACE\",\"records\":[{\"content\":\"\\\"run "
                + i
                + "\\\"\",\"disabled\":false}]}]}";
        HttpRequest req =
            HttpRequest.newBuilder(zone)
                .header("X-API-Key", p.apiKey())
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .build();
        long t0 = System.nanoTime();
        HttpResponse<Void> resp = http.send(req, HttpResponse.BodyHandlers.discarding());
        patch.add((System.nanoTime() - t0) / 1_000);
        if (resp.statusCode() != 204) {
          throw new IllegalStateException("PATCH answered " + resp.statusCode());
        }
      }
      System.out.println("API PATCH to PowerDNS us: " + stats(patch));
    }
  }

  private static DnsLab world() {
    return DnsLab.builder()
        .zone("example.test.")
        .knotSigner("knot-a")
        .pdnsSigner("pdns-b")
        .parentDsForAllSigners()
        .withValidator()
        .start();
  }

  private static String stats(List<Long> values) {
    List<Long> s = new ArrayList<>(values);
    Collections.sort(s);
    return "n="
        + s.size()
        + " min="
        + s.get(0)
        + " median="
        + s.get(s.size() / 2)
        + " max="
        + s.get(s.size() - 1);
  }
}
