package dev.multisigner.lab.parent;

import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabException;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.PdnsSigner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Puts a child's apex NS RRset and CSYNC record in place at a lab signer as its operator would (DNS
 * UPDATE with TSIG at Knot, the HTTP API at PowerDNS) and waits until the signer serves them; and
 * reads what a signer serves. For tests that play the coordinator's part of a CSYNC change.
 */
public final class ChildApex {

  /** TTL of the NS and CSYNC records written (within the lab signers' zone-max-ttl). */
  public static final long TTL = 60;

  private ChildApex() {}

  /**
   * Makes {@code s} serve exactly {@code ns} as the apex NS RRset and {@code csync} as its CSYNC
   * (empty: none), and waits until it does.
   *
   * @throws LabException when the signer refuses the change or does not serve it within 10 s
   */
  public static void put(LabSigner s, List<Name> ns, Optional<CsyncRdata> csync) {
    if (ns.isEmpty()) {
      throw new IllegalArgumentException("a zone needs at least one apex NS");
    }
    if (s instanceof KnotSigner k) {
      knot(k, ns, csync);
    } else if (s instanceof PdnsSigner p) {
      pdns(p, ns, csync);
    } else {
      throw new IllegalArgumentException("no way to change the apex of " + s);
    }
    SignerWrites.awaitServed(
        () -> ns(s).equals(sorted(ns)) && csync(s).equals(csync),
        () ->
            s.id()
                + " does not serve NS "
                + sorted(ns)
                + " and CSYNC "
                + csync
                + " (serves "
                + ns(s)
                + ", "
                + csync(s)
                + ")");
  }

  /**
   * Knot: one UPDATE that adds the new NS records first and then deletes the old ones one by one
   * (RFC 2136 §3.4.2.3-4: deleting the whole apex NS RRset is ignored, and so is deleting its last
   * record), and replaces the CSYNC RRset.
   */
  private static void knot(KnotSigner k, List<Name> ns, Optional<CsyncRdata> csync) {
    Name zone = k.zone();
    Update u = new Update(zone);
    for (Name n : ns) {
      u.add(new NSRecord(zone, DClass.IN, TTL, n));
    }
    for (Name old : ns(k)) {
      if (!sorted(ns).contains(old)) {
        u.delete(new NSRecord(zone, DClass.IN, 0, old));
      }
    }
    u.delete(zone, Type.CSYNC);
    csync.ifPresent(c -> u.add(c.toRecord(zone, TTL)));
    SignerWrites.knotUpdate(k, u, "apex");
  }

  /** PowerDNS: one API PATCH replacing the NS RRset and replacing or deleting the CSYNC RRset. */
  private static void pdns(PdnsSigner p, List<Name> ns, Optional<CsyncRdata> csync) {
    String zone = p.zone().toString();
    String nsRecords =
        ns.stream()
            .map(n -> "{\"content\":\"" + n + "\",\"disabled\":false}")
            .collect(Collectors.joining(","));
    String csyncRrset =
        csync
            .map(
                c ->
                    "{\"name\":\""
                        + zone
                        + "\",\"type\":\"CSYNC\",\"ttl\":"
                        + TTL
                        + ",\"changetype\":\"REPLACE\",\"records\":[{\"content\":\""
                        + c.presentation()
                        + "\",\"disabled\":false}]}")
            .orElse("{\"name\":\"" + zone + "\",\"type\":\"CSYNC\",\"changetype\":\"DELETE\"}");
    String body =
        "{\"rrsets\":[{\"name\":\""
            + zone
            + "\",\"type\":\"NS\",\"ttl\":"
            + TTL
            + ",\"changetype\":\"REPLACE\",\"records\":["
            + nsRecords
            + "]},"
            + csyncRrset
            + "]}";
    SignerWrites.pdnsPatch(p, body, "apex");
  }

  /** The apex NS set {@code s} serves, canonical order, lower case. */
  public static List<Name> ns(LabSigner s) {
    return sorted(answer(s, Type.NS).stream().map(r -> ((NSRecord) r).getTarget()).toList());
  }

  /** The CSYNC {@code s} serves, if any. */
  public static Optional<CsyncRdata> csync(LabSigner s) {
    return answer(s, Type.CSYNC).stream().findFirst().map(CsyncRdata::of);
  }

  /** The DNSKEY RRset {@code s} serves. */
  public static List<DNSKEYRecord> dnskeys(LabSigner s) {
    return answer(s, Type.DNSKEY).stream().map(r -> (DNSKEYRecord) r).toList();
  }

  /** The SOA serial {@code s} serves. */
  public static long serial(LabSigner s) {
    List<Record> soa = answer(s, Type.SOA);
    if (soa.isEmpty()) {
      throw new LabException(s.id() + " serves no SOA for " + s.zone());
    }
    return ((SOARecord) soa.get(0)).getSerial();
  }

  /** {@code names} lower case, without duplicates, in canonical order. */
  public static List<Name> sorted(List<Name> names) {
    return names.stream().map(Name::canonicalize).distinct().sorted().toList();
  }

  private static List<Record> answer(LabSigner s, int type) {
    SimpleResolver r = AuthoritativeDns.resolver(s.dnsAddress(), Duration.ofSeconds(3));
    try {
      Message m = r.send(Message.newQuery(Record.newRecord(s.zone(), type, DClass.IN)));
      return m.getSection(Section.ANSWER).stream().filter(x -> x.getType() == type).toList();
    } catch (IOException e) {
      throw new LabException(s.id() + " did not answer " + Type.string(type), e);
    }
  }
}
