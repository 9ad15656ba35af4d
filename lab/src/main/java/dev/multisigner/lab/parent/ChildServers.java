package dev.multisigner.lab.parent;

import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.dnsquery.Signatures;
import dev.multisigner.lab.dns.BindParent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * What the lab's parental agents (CSYNC, CDS) ask in common: one RRset at one of a child's
 * nameservers, authoritatively, and the parent's DS RRset for the child, validated from the
 * parent's trust anchor. A failed check is a {@link Refused} with the reason for people.
 */
final class ChildServers {

  private ChildServers() {}

  /** A check failed: leave the parent alone, for this reason. */
  static final class Refused extends Exception {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  /** The {@code type} RRset at {@code name} (with its RRSIGs) as {@code server} serves it. */
  static RRset rrset(Name name, int type, Name server, InetSocketAddress at, Duration timeout)
      throws Refused {
    Message answer;
    try {
      answer = AuthoritativeDns.query(at, name, type, timeout);
    } catch (IOException e) {
      throw new Refused(
          server + " (" + at + ") did not answer " + Type.string(type) + ": " + e.getMessage());
    }
    if (answer.getRcode() != Rcode.NOERROR || !answer.getHeader().getFlag(Flags.AA)) {
      throw new Refused(
          server
              + " ("
              + at
              + ") answered "
              + name
              + " "
              + Type.string(type)
              + " with "
              + Rcode.string(answer.getRcode())
              + (answer.getHeader().getFlag(Flags.AA) ? "" : ", not authoritatively"));
    }
    return AuthoritativeDns.answer(answer, name, type);
  }

  /**
   * The parent's DS RRset for {@code child}, validated from the parent's trust anchor; empty when
   * the parent serves none. Reasons start with {@code what} + " not validated: ".
   */
  static List<DSRecord> validatedDs(
      BindParent parent, Name child, Instant now, Duration timeout, String what) throws Refused {
    Name p = parent.zone();
    RRset keys = rrset(p, Type.DNSKEY, p, parent.dnsAddress(), timeout);
    if (keys == null) {
      throw new Refused(what + " not validated: the parent " + p + " serves no DNSKEY RRset");
    }
    String why = unverified(keys, parent.trustAnchor(), now);
    if (why != null) {
      throw new Refused(
          what
              + " not validated: the parent's DNSKEY RRset does not validate from its trust"
              + " anchor: "
              + why);
    }
    RRset ds = rrset(child, Type.DS, p, parent.dnsAddress(), timeout);
    if (ds == null) {
      return List.of();
    }
    why = unverified(ds, records(keys, DNSKEYRecord.class), now);
    if (why != null) {
      throw new Refused(what + " not validated: the parent's DS RRset: " + why);
    }
    return records(ds, DSRecord.class);
  }

  /** Null when an RRSIG over {@code set} verifies with one of {@code keys} now, else why not. */
  static String unverified(RRset set, List<DNSKEYRecord> keys, Instant now) {
    return Signatures.verify(set, keys, now).orElse(null);
  }

  static <R extends Record> List<R> records(RRset set, Class<R> type) {
    return set.rrs().stream().filter(type::isInstance).map(type::cast).toList();
  }
}
