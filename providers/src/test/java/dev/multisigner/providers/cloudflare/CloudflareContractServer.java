package dev.multisigner.providers.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.multisigner.providers.TestKeys;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * CONTRACT SERVER, not Cloudflare: a local stand-in that implements the parts of Cloudflare's
 * documented API v4 the adapter uses, and serves the zone over DNS (TCP) signed live, as
 * Cloudflare's nameservers do. No real Cloudflare is reachable from these tests; this server
 * encodes our reading of the documentation:
 *
 * <ul>
 *   <li>{@code Authorization: Bearer <token>}; a wrong token gets HTTP 403 with error code 10000
 *       "Authentication error" (documented v4 envelope);
 *   <li>{@code GET /zones?name=}; {@code GET|PATCH /zones/{id}/dnssec} with {@code status} and
 *       {@code dnssec_multi_signer}; {@code GET /zones/{id}/dnssec/zsk} (documented shape, with
 *       {@code DNSKEY.Flags/Protocol/Algorithm/PublicKey} and a {@code SigningKey.privkey});
 *   <li>{@code GET|POST /zones/{id}/dns_records}, {@code DELETE /zones/{id}/dns_records/{rid}},
 *       DNSKEY records with {@code data {flags, protocol, algorithm, public_key}}, accepted only
 *       while {@code dnssec_multi_signer} is true ("required for DNSKEY records … to be added");
 *   <li>CDS/CDNSKEY are not record types of the API (rejected), and Cloudflare publishes CDS and
 *       CDNSKEY for its own KSK.
 * </ul>
 *
 * Assumed where the documentation is silent (marked ASSUMED below): the error code and HTTP status
 * for a DNSKEY record while multi-signer is off, and for an unsupported record type.
 */
final class CloudflareContractServer implements AutoCloseable {

  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY each exchange
    // waits for a delayed ACK (~40 ms). Read once, when the server classes load.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long DNSKEY_TTL = 3600;

  private final Name apex;
  private final String zoneId = UUID.randomUUID().toString().replace("-", "");
  private final String token;
  private final KeyPair kskPair = TestKeys.p256();
  private final KeyPair zskPair = TestKeys.p256();
  private final DNSKEYRecord ksk;
  private final DNSKEYRecord zsk;
  private final Map<String, ObjectNode> records = new LinkedHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private boolean multiSigner;
  private boolean dnssecActive;
  private long serial = 2026112901;
  private int rateLimitNext;

  private final HttpServer http;
  private final ServerSocket dns;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  CloudflareContractServer(Name apex, String token) throws IOException {
    this.apex = apex;
    this.token = token;
    this.ksk = key(DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY, kskPair);
    this.zsk = key(DNSKEYRecord.Flags.ZONE_KEY, zskPair);
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/client/v4/", this::handle);
    http.setExecutor(pool);
    http.start();
    dns = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.submit(this::acceptDns);
  }

  private DNSKEYRecord key(int flags, KeyPair pair) {
    return (DNSKEYRecord) TestKeys.dnskey(apex, flags, pair).withName(apex);
  }

  URI apiBase() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/client/v4");
  }

  InetSocketAddress nameserver() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), dns.getLocalPort());
  }

  synchronized List<DNSKEYRecord> ownKeys() {
    return List.of(ksk, zsk);
  }

  synchronized int dnskeyRecordCount() {
    return records.size();
  }

  /** The next {@code n} API calls get HTTP 429 (documented global rate limit behaviour). */
  synchronized void rateLimitNext(int n) {
    rateLimitNext = n;
  }

  int requests() {
    return requests.get();
  }

  // ---- HTTP API ----------------------------------------------------------------------------

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.equals("Bearer " + token)) {
        send(ex, 403, error(10000, "Authentication error"));
        return;
      }
      synchronized (this) {
        if (rateLimitNext > 0) {
          rateLimitNext--;
          ex.getResponseHeaders().add("Retry-After", "300");
          send(ex, 429, error(10429, "Rate limited. Please wait and consider throttling."));
          return;
        }
      }
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath().substring("/client/v4".length());
      Map<String, String> query = query(ex.getRequestURI().getRawQuery());
      JsonNode body =
          ex.getRequestBody().available() > 0 || "POST PATCH".contains(method)
              ? readBody(ex)
              : JSON.nullNode();
      String[] p = path.split("/");
      synchronized (this) {
        if (path.equals("/zones") && method.equals("GET")) {
          ArrayNode result = JSON.createArrayNode();
          if (bare().equals(query.get("name"))) {
            result.addObject().put("id", zoneId).put("name", bare()).put("status", "active");
          }
          send(ex, 200, ok(result));
        } else if (p.length >= 3 && p[1].equals("zones") && !p[2].equals(zoneId)) {
          send(
              ex,
              404,
              error(
                  7003,
                  "Could not route to " + path + ", perhaps your object identifier is invalid?"));
        } else if (path.equals("/zones/" + zoneId + "/dnssec") && method.equals("GET")) {
          send(ex, 200, ok(dnssecResult()));
        } else if (path.equals("/zones/" + zoneId + "/dnssec") && method.equals("PATCH")) {
          if (body.has("status")) {
            dnssecActive = "active".equals(body.path("status").asText());
          }
          if (body.has("dnssec_multi_signer")) {
            multiSigner = body.path("dnssec_multi_signer").asBoolean();
          }
          send(ex, 200, ok(dnssecResult()));
        } else if (path.equals("/zones/" + zoneId + "/dnssec/zsk") && method.equals("GET")) {
          ArrayNode result = JSON.createArrayNode();
          ObjectNode entry = result.addObject();
          ObjectNode k = entry.putObject("DNSKEY");
          k.put("Algorithm", 13).put("Flags", 256).put("Protocol", 3);
          k.putObject("Hdr")
              .put("Class", 1)
              .put("Name", apex.toString())
              .put("Rrtype", 48)
              .put("Ttl", DNSKEY_TTL);
          k.put("PublicKey", Base64.getEncoder().encodeToString(zsk.getKey()));
          entry.put("Location", "database").put("Name", "zsk_default").put("Tag", "active");
          entry
              .putObject("SigningKey")
              .put("kek", "edge_kek_default")
              .put("privkey", "ENCRYPTED-PRIVATE-KEY-MUST-NEVER-BE-LOGGED")
              .put("pubkey", zsk.rdataToString());
          send(ex, 200, ok(result));
        } else if (path.equals("/zones/" + zoneId + "/dns_records") && method.equals("GET")) {
          ArrayNode result = JSON.createArrayNode();
          for (ObjectNode r : records.values()) {
            if ((query.get("type") == null || query.get("type").equals(r.path("type").asText()))
                && (query.get("name") == null
                    || query.get("name").equals(r.path("name").asText()))) {
              result.add(r);
            }
          }
          ObjectNode answer = ok(result);
          answer
              .putObject("result_info")
              .put("page", 1)
              .put("per_page", 100)
              .put("count", result.size())
              .put("total_count", result.size())
              .put("total_pages", 1);
          send(ex, 200, answer);
        } else if (path.equals("/zones/" + zoneId + "/dns_records") && method.equals("POST")) {
          createRecord(ex, body);
        } else if (p.length == 5 && p[3].equals("dns_records") && method.equals("DELETE")) {
          if (records.remove(p[4]) == null) {
            send(ex, 404, error(81044, "Record does not exist."));
          } else {
            serial++;
            send(ex, 200, ok(JSON.createObjectNode().put("id", p[4])));
          }
        } else {
          send(ex, 404, error(7000, "No route for that URI"));
        }
      }
    }
  }

  private void createRecord(HttpExchange ex, JsonNode body) throws IOException {
    String type = body.path("type").asText();
    if (!type.equals("DNSKEY")) {
      // ASSUMED: HTTP 400, code 1004 (DNS Validation Error) for a type the API does not take.
      send(ex, 400, error(1004, "DNS Validation Error: unsupported record type " + type));
      return;
    }
    if (!multiSigner) {
      // ASSUMED: code and status; the documented rule is that DNSKEY records need multi-signer.
      send(
          ex, 400, error(1004, "DNS Validation Error: DNSKEY records require multi-signer DNSSEC"));
      return;
    }
    long ttl = body.path("ttl").asLong(1);
    if (ttl != 1 && (ttl < 60 || ttl > 86400)) {
      send(ex, 400, error(1004, "DNS Validation Error: TTL must be between 60 and 86400 or 1"));
      return;
    }
    if (!bare().equals(body.path("name").asText())) {
      send(ex, 400, error(1004, "DNS Validation Error: DNSKEY only at the zone apex here"));
      return;
    }
    JsonNode d = body.path("data");
    String id = UUID.randomUUID().toString().replace("-", "");
    ObjectNode rec = JSON.createObjectNode();
    rec.put("id", id).put("type", "DNSKEY").put("name", bare()).put("ttl", ttl);
    rec.set("data", d.deepCopy());
    rec.put(
        "content",
        d.path("flags").asInt()
            + " "
            + d.path("protocol").asInt()
            + " "
            + d.path("algorithm").asInt()
            + " "
            + d.path("public_key").asText());
    rec.put("proxiable", false).put("proxied", false);
    records.put(id, rec);
    serial++;
    send(ex, 200, ok(rec));
  }

  private ObjectNode dnssecResult() {
    ObjectNode r = JSON.createObjectNode();
    r.put("algorithm", "13");
    r.put("digest_algorithm", "SHA256");
    r.put("digest_type", "2");
    r.put("dnssec_multi_signer", multiSigner);
    r.put("dnssec_presigned", false);
    r.put("dnssec_use_nsec3", false);
    r.put("flags", 257);
    r.put("key_tag", ksk.getFootprint());
    r.put("key_type", "ECDSAP256SHA256");
    r.put("public_key", Base64.getEncoder().encodeToString(ksk.getKey()));
    r.put("status", dnssecActive ? "active" : "disabled");
    CDSRecord ds = new CDSRecord(apex, DClass.IN, DNSKEY_TTL, DNSSEC.Digest.SHA256, ksk);
    r.put("ds", ds.toString());
    return r;
  }

  private String bare() {
    String s = apex.toString();
    return s.substring(0, s.length() - 1);
  }

  private static ObjectNode ok(JsonNode result) {
    ObjectNode o = JSON.createObjectNode();
    o.put("success", true);
    o.putArray("errors");
    o.putArray("messages");
    o.set("result", result);
    return o;
  }

  private static ObjectNode error(int code, String message) {
    ObjectNode o = JSON.createObjectNode();
    o.put("success", false);
    o.putArray("errors").addObject().put("code", code).put("message", message);
    o.putArray("messages");
    o.putNull("result");
    return o;
  }

  private static JsonNode readBody(HttpExchange ex) throws IOException {
    byte[] b = ex.getRequestBody().readAllBytes();
    return b.length == 0 ? JSON.nullNode() : JSON.readTree(b);
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new HashMap<>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        String[] p = kv.split("=", 2);
        m.put(
            URLDecoder.decode(p[0], StandardCharsets.UTF_8),
            p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
      }
    }
    return m;
  }

  // ---- DNS (TCP), signed live ------------------------------------------------------------

  private void acceptDns() {
    while (!dns.isClosed()) {
      try {
        Socket s = dns.accept();
        pool.submit(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try {
      s.setTcpNoDelay(true);
    } catch (IOException e) {
      return;
    }
    try (s;
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
      while (true) {
        int len = in.readUnsignedShort();
        byte[] q = new byte[len];
        in.readFully(q);
        byte[] answer = answer(new Message(q)).toWire(65535);
        byte[] framed = new byte[answer.length + 2];
        framed[0] = (byte) (answer.length >>> 8);
        framed[1] = (byte) answer.length;
        System.arraycopy(answer, 0, framed, 2, answer.length);
        out.write(framed); // one segment: a split length prefix meets delayed ACKs (40 ms)
        out.flush();
      }
    } catch (EOFException e) {
      // client closed the connection
    } catch (Exception e) {
      // a broken query ends the connection, as a real server would
    }
  }

  private synchronized Message answer(Message query) throws Exception {
    Message r = new Message(query.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    Record question = query.getQuestion();
    r.addRecord(question, Section.QUESTION);
    OPTRecord opt = query.getOPT();
    boolean dnssecOk = opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
    if (opt != null) {
      r.addRecord(new OPTRecord(1232, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
    }
    if (!question.getName().equals(apex)) {
      r.getHeader().setRcode(Rcode.REFUSED);
      return r;
    }
    r.getHeader().setFlag(Flags.AA);
    List<Record> rrs = rrset(question.getType());
    if (rrs.isEmpty()) {
      return r;
    }
    RRset set = new RRset();
    rrs.forEach(set::addRR);
    rrs.forEach(x -> r.addRecord(x, Section.ANSWER));
    if (dnssecOk && dnssecActive) {
      boolean keySet =
          question.getType() == Type.DNSKEY
              || question.getType() == Type.CDS
              || question.getType() == Type.CDNSKEY;
      Instant now = Instant.now();
      r.addRecord(
          DNSSEC.sign(
              set,
              keySet ? ksk : zsk,
              keySet ? kskPair.getPrivate() : zskPair.getPrivate(),
              now.minus(Duration.ofHours(1)),
              now.plus(Duration.ofDays(2))),
          Section.ANSWER);
    }
    return r;
  }

  private List<Record> rrset(int type) throws Exception {
    List<Record> out = new ArrayList<>();
    switch (type) {
      case Type.SOA ->
          out.add(
              new SOARecord(
                  apex,
                  DClass.IN,
                  3600,
                  new Name("ns1", apex),
                  new Name("dns", apex),
                  serial,
                  10000,
                  2400,
                  604800,
                  1800));
      case Type.NS -> {
        out.add(
            new NSRecord(
                apex,
                DClass.IN,
                86400,
                Name.fromConstantString("ada.ns.cloudflare-contract.test.")));
        out.add(
            new NSRecord(
                apex,
                DClass.IN,
                86400,
                Name.fromConstantString("bob.ns.cloudflare-contract.test.")));
      }
      case Type.DNSKEY -> {
        if (dnssecActive) {
          out.add(ttl(ksk));
          out.add(ttl(zsk));
          for (ObjectNode rec : records.values()) {
            out.add(ttl(CloudflareConverter.fromDnsRecord(rec, apex)));
          }
        }
      }
      case Type.CDS -> {
        if (dnssecActive) {
          out.add(new CDSRecord(apex, DClass.IN, DNSKEY_TTL, DNSSEC.Digest.SHA256, ksk));
        }
      }
      case Type.CDNSKEY -> {
        if (dnssecActive) {
          out.add(
              new CDNSKEYRecord(
                  apex,
                  DClass.IN,
                  DNSKEY_TTL,
                  ksk.getFlags(),
                  3,
                  ksk.getAlgorithm(),
                  ksk.getKey()));
        }
      }
      default -> {}
    }
    return out;
  }

  private Record ttl(DNSKEYRecord k) {
    return new DNSKEYRecord(
        apex, DClass.IN, DNSKEY_TTL, k.getFlags(), k.getProtocol(), k.getAlgorithm(), k.getKey());
  }

  @Override
  public void close() throws IOException {
    http.stop(0);
    dns.close();
    pool.shutdownNow();
  }
}
