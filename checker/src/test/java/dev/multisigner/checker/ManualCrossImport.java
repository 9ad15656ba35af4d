package dev.multisigner.checker;

import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KnotKeystore;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * The RFC 8901 model-2 ZSK and CDS/CDNSKEY cross-import done by hand, as small test helpers (the
 * real adapters live in the providers module): raw DNS UPDATE + TSIG to Knot, HTTP PATCH to
 * PowerDNS. It remembers each signer's own records from before the first import.
 */
final class ManualCrossImport {

  static final long TTL = 10;
  private static final int[] TYPES = {Type.DNSKEY, Type.CDS, Type.CDNSKEY};

  private final DnsLab lab;
  private final Map<String, Map<Integer, List<Record>>> own = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private boolean kskToo = true;

  /** Call before anything was imported: records every signer's own DNSKEY/CDS/CDNSKEY. */
  ManualCrossImport(DnsLab lab) {
    this.lab = lab;
    for (LabSigner s : lab.signers()) {
      Map<Integer, List<Record>> byType = new LinkedHashMap<>();
      for (int t : TYPES) {
        byType.put(t, served(s, t));
      }
      own.put(s.id(), byType);
    }
  }

  /**
   * Re-reads a Knot signer's own DNSKEYs after a key roll: the served keys whose tags {@code keymgr
   * list} knows.
   */
  void refreshOwnKeys(KnotSigner k) {
    java.util.Set<Integer> tags =
        new KnotKeystore(k)
            .keys().stream()
                .map(dev.multisigner.lab.dns.KnotKey::keyTag)
                .collect(Collectors.toSet());
    List<Record> keys =
        served(k, Type.DNSKEY).stream()
            .filter(r -> tags.contains(((DNSKEYRecord) r).getFootprint()))
            .toList();
    own.get(k.id()).put(Type.DNSKEY, keys);
  }

  /** The records of {@code type} the other signers own that {@code s} must also serve. */
  private List<Record> foreign(LabSigner s, int type) {
    List<Record> out = new ArrayList<>();
    own.forEach(
        (id, byType) -> {
          if (!id.equals(s.id())) {
            for (Record r : byType.get(type)) {
              // model 2: the other signers' ZSKs go into the DNSKEY RRset, and their KSKs too
              // unless the old ZSK-only import is asked for; all KSKs' CDS/CDNSKEY
              if (type != Type.DNSKEY
                  || kskToo
                  || (((DNSKEYRecord) r).getFlags() & DNSKEYRecord.Flags.SEP_KEY) == 0) {
                out.add(r);
              }
            }
          }
        });
    return out;
  }

  /**
   * Imports the other signers' KSKs and ZSKs and CDS/CDNSKEY into every signer (model 2 as
   * Multisigner runs it: every DNSKEY RRset carries every signer's KSK, issue 16).
   */
  void importAll() throws Exception {
    kskToo = true;
    for (LabSigner s : lab.signers()) {
      apply(s, true);
    }
  }

  /** The import before issue 16: the other signers' ZSKs only, and CDS/CDNSKEY. */
  void importZsksOnly() throws Exception {
    kskToo = false;
    for (LabSigner s : lab.signers()) {
      apply(s, true);
    }
  }

  /** Withdraws everything {@link #importAll()} adds. */
  void withdrawAll() throws Exception {
    kskToo = true;
    for (LabSigner s : lab.signers()) {
      apply(s, false);
    }
  }

  private void apply(LabSigner s, boolean add) throws Exception {
    if (s instanceof KnotSigner k) {
      knotUpdate(k, add);
    } else if (s instanceof PdnsSigner p) {
      pdnsPatch(p, add);
    } else {
      throw new IllegalArgumentException("unknown signer kind " + s);
    }
  }

  private void knotUpdate(KnotSigner k, boolean add) throws IOException {
    Update u = new Update(k.zone());
    for (int t : TYPES) {
      for (Record r : foreign(k, t)) {
        Record withTtl = Record.newRecord(k.zone(), t, DClass.IN, TTL, r.rdataToWireCanonical());
        if (add) {
          u.add(withTtl);
        } else {
          u.delete(withTtl);
        }
      }
    }
    SimpleResolver res = new SimpleResolver(k.dnsAddress());
    res.setTCP(true);
    res.setTimeout(Duration.ofSeconds(5));
    res.setTSIGKey(k.tsig().toTsig());
    Message resp = res.send(u);
    if (resp.getRcode() != Rcode.NOERROR) {
      throw new IllegalStateException(
          "Knot " + k.id() + " refused the update: " + Rcode.string(resp.getRcode()));
    }
  }

  private void pdnsPatch(PdnsSigner p, boolean add) throws IOException, InterruptedException {
    List<String> rrsets = new ArrayList<>();
    for (int t : TYPES) {
      String type = Type.string(t);
      if (add) {
        String records =
            foreign(p, t).stream()
                .map(r -> "{\"content\":\"" + r.rdataToString() + "\",\"disabled\":false}")
                .collect(Collectors.joining(","));
        rrsets.add(
            "{\"name\":\""
                + p.zone()
                + "\",\"type\":\""
                + type
                + "\",\"ttl\":"
                + TTL
                + ",\"changetype\":\"REPLACE\",\"records\":["
                + records
                + "]}");
      } else {
        rrsets.add(
            "{\"name\":\"" + p.zone() + "\",\"type\":\"" + type + "\",\"changetype\":\"DELETE\"}");
      }
    }
    String body = "{\"rrsets\":[" + String.join(",", rrsets) + "]}";
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(p.apiUrl() + "/servers/" + p.serverId() + "/zones/" + p.zone()))
            .header("X-API-Key", p.apiKey())
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 204) {
      throw new IllegalStateException(
          "PowerDNS " + p.id() + " PATCH answered " + r.statusCode() + ": " + r.body());
    }
  }

  /** The RRSIGs over {@code s}'s apex RRset of {@code type}. */
  static List<org.xbill.DNS.RRSIGRecord> signatures(LabSigner s, int type) {
    try {
      SimpleResolver r = new SimpleResolver(s.dnsAddress());
      r.setTCP(true);
      r.setEDNS(0, 4096, ExtendedFlags.DO, List.of());
      Message m = r.send(Message.newQuery(Record.newRecord(s.zone(), type, DClass.IN)));
      return m.getSection(Section.ANSWER).stream()
          .filter(x -> x instanceof org.xbill.DNS.RRSIGRecord sig && sig.getTypeCovered() == type)
          .map(x -> (org.xbill.DNS.RRSIGRecord) x)
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException(s.id() + " did not answer " + Type.string(type), e);
    }
  }

  static List<Record> served(LabSigner s, int type) {
    try {
      SimpleResolver r = new SimpleResolver(s.dnsAddress());
      r.setTCP(true);
      r.setEDNS(0, 4096, ExtendedFlags.DO, List.of());
      Message m = r.send(Message.newQuery(Record.newRecord(s.zone(), type, DClass.IN)));
      return m.getSection(Section.ANSWER).stream().filter(x -> x.getType() == type).toList();
    } catch (IOException e) {
      throw new IllegalStateException(s.id() + " did not answer " + Type.string(type), e);
    }
  }
}
