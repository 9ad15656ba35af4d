package dev.multisigner.lab.parent;

import java.net.InetSocketAddress;
import java.time.Instant;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * One NOTIFY that reached the lab's parental agent, and how it was answered.
 *
 * @param zone the question's name
 * @param type the question's type (CDS for a NOTIFY(CDS), RFC 9859 §3)
 * @param from the sender
 * @param id the message id
 * @param rcode the answer's rcode (NOERROR: accepted and a scan queued)
 * @param at when it arrived
 */
public record NotifyReceived(
    Name zone, int type, InetSocketAddress from, int id, int rcode, Instant at) {

  /** True when the NOTIFY was accepted and a scan queued. */
  public boolean accepted() {
    return rcode == Rcode.NOERROR;
  }

  @Override
  public String toString() {
    return "NOTIFY("
        + Type.string(type)
        + ") "
        + zone
        + " id="
        + id
        + " from="
        + from
        + " at="
        + at
        + " answered "
        + Rcode.string(rcode);
  }
}
