package dev.multisigner.lab.dns;

import dev.multisigner.dnsquery.AuthoritativeDns;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** DNS queries to lab daemons with dnsjava: DO set, RD as asked, and readiness polling. */
final class DnsQueries {

  private DnsQueries() {}

  static Message query(
      InetSocketAddress server, Name name, int type, boolean rd, boolean tcp, Duration timeout)
      throws IOException {
    SimpleResolver r = AuthoritativeDns.resolver(server, timeout);
    r.setTCP(tcp);
    Message q = AuthoritativeDns.newQuery(name, type);
    if (rd) {
      q.getHeader().setFlag(Flags.RD);
    }
    return r.send(q);
  }

  /** True when the answer is NOERROR with at least one {@code type} record and its RRSIG. */
  static boolean signedAnswer(Message m, int type) {
    if (m.getRcode() != Rcode.NOERROR) {
      return false;
    }
    List<Record> answer = m.getSection(Section.ANSWER);
    return answer.stream().anyMatch(r -> r.getType() == type)
        && answer.stream().anyMatch(r -> r.getType() == Type.RRSIG);
  }

  /**
   * Polls {@code server} (UDP, 200 ms per try) until {@code ready} accepts an answer, failing with
   * the daemon's log when the daemon exits or the deadline passes.
   */
  static Message awaitAnswer(
      Daemon daemon,
      InetSocketAddress server,
      Name name,
      int type,
      boolean rd,
      Predicate<Message> ready,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      daemon.checkAlive();
      try {
        Message m = query(server, name, type, rd, false, Duration.ofMillis(200));
        if (ready.test(m)) {
          return m;
        }
        last =
            "answer "
                + Rcode.string(m.getRcode())
                + " with "
                + m.getSection(Section.ANSWER).size()
                + " records";
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw daemon.failure("interrupted while waiting for an answer", e);
      }
    }
    throw daemon.failure(
        "did not answer "
            + name
            + " "
            + Type.string(type)
            + " at "
            + server
            + " within "
            + timeout
            + " (last: "
            + last
            + ")",
        null);
  }

  /** Waits until each of {@code zones} serves a signed DNSKEY RRset, all within {@code timeout}. */
  static void awaitSignedDnskeys(
      Daemon daemon, InetSocketAddress server, List<Name> zones, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Name z : zones) {
      Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
      awaitAnswer(daemon, server, z, Type.DNSKEY, false, m -> signedAnswer(m, Type.DNSKEY), left);
    }
  }
}
