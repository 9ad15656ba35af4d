package dev.multisigner.lab.parent;

import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.dnsquery.DsDigests;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabException;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Makes a lab signer serve a given CDS set as its operator would (DNS UPDATE with TSIG at Knot, the
 * HTTP API's records table at PowerDNS) and waits until it does. Each signer publishes the CDS of
 * its own KSKs by itself (Knot {@code cds-cdnskey-publish}, PowerDNS {@code PUBLISH-CDS}), so only
 * the other records are written; a wanted set must include the signer's own. For tests that play
 * the coordinator's part of a CDS change.
 */
public final class ChildCds {

  private static final long TTL = 10;

  private ChildCds() {}

  /** The CDS (SHA-256) of {@code key} at the zone apex. */
  public static CDSRecord of(DNSKEYRecord key) {
    return new CDSRecord(key.getName(), DClass.IN, TTL, DSRecord.SHA256_DIGEST_ID, key);
  }

  /**
   * Makes {@code s} serve exactly {@code wanted} as its CDS RRset and waits until it does.
   *
   * @throws LabException when the signer refuses or does not serve the set within 10 s
   */
  public static void put(LabSigner s, List<CDSRecord> wanted) {
    Set<String> want = rdata(wanted);
    List<DNSKEYRecord> own = ownKsks(s);
    List<CDSRecord> foreign =
        wanted.stream().filter(c -> own.stream().noneMatch(k -> DsDigests.covers(c, k))).toList();
    if (s instanceof KnotSigner k) {
      knot(k, foreign, own);
    } else if (s instanceof PdnsSigner p) {
      pdns(p, foreign);
    } else {
      throw new IllegalArgumentException("no way to change the CDS of " + s);
    }
    SignerWrites.awaitServed(
        () -> rdata(served(s)).equals(want),
        () -> s.id() + " does not serve CDS " + want + " (serves " + rdata(served(s)) + ")");
  }

  /** Knot: one UPDATE adding the missing foreign records and deleting foreign ones not wanted. */
  private static void knot(KnotSigner k, List<CDSRecord> foreign, List<DNSKEYRecord> own) {
    Set<String> keep = rdata(foreign);
    Update u = new Update(k.zone());
    for (CDSRecord c : foreign) {
      u.add(c);
    }
    for (CDSRecord c : served(k)) {
      boolean ownCds = own.stream().anyMatch(key -> DsDigests.covers(c, key));
      if (!ownCds && !keep.contains(c.rdataToString())) {
        u.delete(c);
      }
    }
    SignerWrites.knotUpdate(k, u, "CDS");
  }

  /** PowerDNS: one API PATCH replacing the records table's CDS RRset (its own CDS stays). */
  private static void pdns(PdnsSigner p, List<CDSRecord> foreign) {
    String zone = p.zone().toString();
    String rrset =
        foreign.isEmpty()
            ? "{\"name\":\"" + zone + "\",\"type\":\"CDS\",\"changetype\":\"DELETE\"}"
            : "{\"name\":\""
                + zone
                + "\",\"type\":\"CDS\",\"ttl\":"
                + TTL
                + ",\"changetype\":\"REPLACE\",\"records\":["
                + foreign.stream()
                    .map(c -> "{\"content\":\"" + c.rdataToString() + "\",\"disabled\":false}")
                    .collect(Collectors.joining(","))
                + "]}";
    SignerWrites.pdnsPatch(p, "{\"rrsets\":[" + rrset + "]}", "CDS");
  }

  /** The CDS RRset {@code s} serves. */
  public static List<CDSRecord> served(LabSigner s) {
    return answer(s, Type.CDS).stream()
        .filter(r -> r instanceof CDSRecord)
        .map(r -> (CDSRecord) r)
        .toList();
  }

  /** The KSKs that sign {@code s}'s DNSKEY RRset: the ones it publishes CDS for by itself. */
  public static List<DNSKEYRecord> ownKsks(LabSigner s) {
    List<Record> rrs = answer(s, Type.DNSKEY);
    Set<Integer> signing =
        rrs.stream()
            .filter(r -> r instanceof RRSIGRecord)
            .map(r -> ((RRSIGRecord) r).getFootprint())
            .collect(Collectors.toSet());
    return rrs.stream()
        .filter(r -> r instanceof DNSKEYRecord k && (k.getFlags() & 1) == 1)
        .map(r -> (DNSKEYRecord) r)
        .filter(k -> signing.contains(k.getFootprint()))
        .toList();
  }

  private static Set<String> rdata(List<? extends Record> records) {
    return records.stream()
        .map(Record::rdataToString)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<Record> answer(LabSigner s, int type) {
    try {
      Message m = AuthoritativeDns.query(s.dnsAddress(), s.zone(), type, Duration.ofSeconds(3));
      return m.getSection(Section.ANSWER).stream()
          .filter(r -> r.getName().equals(s.zone()))
          .toList();
    } catch (IOException e) {
      throw new LabException(s.id() + " did not answer " + Type.string(type), e);
    }
  }
}
