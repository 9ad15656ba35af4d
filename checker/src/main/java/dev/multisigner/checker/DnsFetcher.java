package dev.multisigner.checker;

import dev.multisigner.dnsquery.AuthoritativeDns;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Fetches RRsets with their RRSIGs from one authoritative server: TCP, DO=1, RD=0. */
final class DnsFetcher {

  private final Duration timeout;

  DnsFetcher(Duration timeout) {
    this.timeout = timeout;
  }

  Message query(InetSocketAddress server, Name name, int type) throws IOException {
    return AuthoritativeDns.query(server, name, type, timeout);
  }

  /** The answer's RRset of {@code type} at {@code name}, with its RRSIGs; empty if none. */
  RRset rrset(InetSocketAddress server, Name name, int type, List<String> problems) {
    try {
      Message m = query(server, name, type);
      if (m.getRcode() != Rcode.NOERROR) {
        problems.add(Type.string(type) + " " + name + ": " + Rcode.string(m.getRcode()));
        return new RRset();
      }
      for (RRset s : m.getSectionRRsets(Section.ANSWER)) {
        if (s.getType() == type && s.getName().equals(name)) {
          return s;
        }
      }
      return new RRset();
    } catch (IOException e) {
      problems.add(
          Type.string(type)
              + " "
              + name
              + ": "
              + e.getClass().getSimpleName()
              + " "
              + e.getMessage());
      return new RRset();
    }
  }

  SignerSnapshot snapshot(SignerEndpoint signer, Name zone) {
    List<String> problems = new ArrayList<>();
    InetSocketAddress a = signer.address();
    RRset dnskey = rrset(a, zone, Type.DNSKEY, problems);
    List<RRset> signed = new ArrayList<>();
    RRset soa = rrset(a, zone, Type.SOA, problems);
    if (!soa.isEmpty()) {
      signed.add(soa);
    }
    signed.addAll(negativeAnswer(a, zone, problems));
    RRset cds = rrset(a, zone, Type.CDS, problems);
    RRset cdnskey = rrset(a, zone, Type.CDNSKEY, problems);
    if (dnskey.isEmpty()) {
      problems.add("no DNSKEY RRset at the apex");
    }
    return new SignerSnapshot(signer, dnskey, signed, cds, cdnskey, problems);
  }

  /** The authority RRsets (SOA, NSEC/NSEC3) of an NXDOMAIN for a random name under the zone. */
  private List<RRset> negativeAnswer(InetSocketAddress a, Name zone, List<String> problems) {
    Name missing;
    try {
      missing =
          Name.concatenate(
              Name.fromString(
                  "msc-nx-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1)),
              zone);
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      problems.add("cannot build a non-existent name under " + zone + ": " + e.getMessage());
      return List.of();
    }
    try {
      Message m = query(a, missing, Type.A);
      if (m.getRcode() != Rcode.NXDOMAIN) {
        problems.add("A " + missing + ": expected NXDOMAIN, got " + Rcode.string(m.getRcode()));
        return List.of();
      }
      List<RRset> out = new ArrayList<>();
      for (RRset s : m.getSectionRRsets(Section.AUTHORITY)) {
        if (s.getType() == Type.SOA || s.getType() == Type.NSEC || s.getType() == Type.NSEC3) {
          out.add(s);
        }
      }
      if (out.stream().noneMatch(s -> s.getType() == Type.NSEC || s.getType() == Type.NSEC3)) {
        problems.add("A " + missing + ": NXDOMAIN without NSEC/NSEC3 proof");
      }
      return out;
    } catch (IOException e) {
      problems.add("A " + missing + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
      return List.of();
    }
  }
}
