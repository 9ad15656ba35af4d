package dev.multisigner.providers.powerdns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multisigner.providers.CSYNCRecord;
import dev.multisigner.providers.http.JsonHttp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** PowerDNS JSON (rrsets, cryptokeys) to and from dnsjava records. */
final class PowerDnsConverter {

  static {
    // PowerDNS writes CSYNC as "0 1 NS A AAAA", which dnsjava 3.7.1 cannot parse on its own
    CSYNCRecord.register();
  }

  private PowerDnsConverter() {}

  /** The enabled records of one rrset at the apex in a {@code GET /zones/{zone}} answer. */
  static List<Record> rrset(JsonNode zoneJson, Name apex, int type) {
    List<Record> out = new ArrayList<>();
    for (JsonNode rrset : zoneJson.path("rrsets")) {
      if (!sameName(rrset.path("name").asText(), apex)
          || !Type.string(type).equals(rrset.path("type").asText())) {
        continue;
      }
      long ttl = rrset.path("ttl").asLong(0);
      for (JsonNode rec : rrset.path("records")) {
        if (!rec.path("disabled").asBoolean(false)) {
          out.add(parse(apex, type, ttl, rec.path("content").asText()));
        }
      }
    }
    return out;
  }

  /** Every key PowerDNS holds for the zone ({@code GET /zones/{zone}/cryptokeys}). */
  static Set<DNSKEYRecord> cryptokeys(JsonNode keys, Name apex) {
    Set<DNSKEYRecord> own = new HashSet<>();
    for (JsonNode key : keys) {
      String dnskey = key.path("dnskey").asText("");
      if (!dnskey.isEmpty()) {
        own.add((DNSKEYRecord) parse(apex, Type.DNSKEY, 0, dnskey));
      }
    }
    return own;
  }

  /** A {@code PATCH /zones/{zone}} body that replaces (or deletes, when empty) the rrsets. */
  static ObjectNode patch(Name apex, List<RrsetChange> changes) {
    ObjectNode body = JsonHttp.JSON.createObjectNode();
    ArrayNode rrsets = body.putArray("rrsets");
    for (RrsetChange c : changes) {
      ObjectNode rrset = rrsets.addObject();
      rrset.put("name", apex.toString());
      rrset.put("type", Type.string(c.type()));
      if (c.records().isEmpty()) {
        rrset.put("changetype", "DELETE");
        continue;
      }
      rrset.put("ttl", c.ttl());
      rrset.put("changetype", "REPLACE");
      ArrayNode records = rrset.putArray("records");
      for (Record r : c.records()) {
        records.addObject().put("content", r.rdataToString()).put("disabled", false);
      }
    }
    return body;
  }

  /** The new content of one records-table rrset. */
  record RrsetChange(int type, long ttl, List<Record> records) {}

  static Record parse(Name apex, int type, long ttl, String content) {
    try {
      return Record.fromString(apex, type, DClass.IN, ttl, content, apex);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "PowerDNS sent a " + Type.string(type) + " record dnsjava cannot parse: " + content, e);
    }
  }

  private static boolean sameName(String name, Name apex) {
    return name.equalsIgnoreCase(apex.toString());
  }
}
