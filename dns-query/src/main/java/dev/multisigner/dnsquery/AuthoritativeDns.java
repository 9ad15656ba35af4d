package dev.multisigner.dnsquery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;

/**
 * One authoritative server asked the one way this project asks: over TCP (answers with RRSIGs
 * outgrow UDP and TCP cannot be spoofed off-path), EDNS0 with the DO bit (RFC 4035 §3.2.1) and a
 * 1232-byte payload (DNS flag day 2020), RD clear, and a timeout per exchange. Signed exchanges
 * (UPDATE) add TSIG (RFC 8945); dnsjava verifies the response's TSIG and {@link #unverifiedTsig}
 * says when it did not.
 */
public final class AuthoritativeDns {

  /** The EDNS0 UDP payload size advertised (DNS flag day 2020). */
  public static final int EDNS_PAYLOAD = 1232;

  private AuthoritativeDns() {}

  /**
   * A resolver for {@code server}: TCP, EDNS0 with DO and {@link #EDNS_PAYLOAD}, {@code timeout}.
   */
  public static SimpleResolver resolver(InetSocketAddress server, Duration timeout) {
    SimpleResolver r = new SimpleResolver(server);
    r.setTCP(true);
    r.setTimeout(timeout);
    r.setEDNS(0, EDNS_PAYLOAD, ExtendedFlags.DO, List.of());
    return r;
  }

  /**
   * {@link #resolver} that signs each message with {@code key} and verifies the response's TSIG.
   */
  public static SimpleResolver signed(InetSocketAddress server, Duration timeout, TSIG key) {
    SimpleResolver r = resolver(server, timeout);
    r.setTSIGKey(key);
    return r;
  }

  /** A query for {@code name}/{@code type} in class IN with RD clear (authoritative data only). */
  public static Message newQuery(Name name, int type) {
    Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    q.getHeader().unsetFlag(Flags.RD);
    return q;
  }

  /** Asks {@code server} for {@code name}/{@code type} over TCP with DO, RD clear. */
  public static Message query(InetSocketAddress server, Name name, int type, Duration timeout)
      throws IOException {
    return resolver(server, timeout).send(newQuery(name, type));
  }

  /** The answer section's RRset of {@code type} at {@code name} with its RRSIGs, or null. */
  public static RRset answer(Message m, Name name, int type) {
    for (RRset set : m.getSectionRRsets(Section.ANSWER)) {
      if (set.getName().equals(name) && set.getType() == type) {
        return set;
      }
    }
    return null;
  }

  /**
   * Why the response to a TSIG-signed message cannot be trusted, or empty when its TSIG verified
   * (RFC 8945 §5.3: a response to a signed request must be signed with the same key). A response
   * without TSIG, or whose MAC or time failed, may come from anyone on the path.
   */
  public static Optional<String> unverifiedTsig(Message response) {
    if (response.isVerified()) {
      return Optional.empty();
    }
    if (response.getTSIG() == null) {
      return Optional.of("the response carries no TSIG");
    }
    return Optional.of(
        "the response's TSIG did not verify (TSIG error "
            + org.xbill.DNS.Rcode.TSIGstring(response.getTSIG().getError())
            + ")");
  }
}
