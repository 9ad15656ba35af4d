package dev.multisigner.checker;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.DNSKEYRecord;

/**
 * The parent zone's nameserver and the keys the checker trusts for it.
 *
 * @param address a nameserver of the parent zone
 * @param trustAnchor the parent's SEP DNSKEY(s); empty: trust whatever DNSKEY RRset it serves (the
 *     DS RRset is then still checked against that RRset's signature)
 */
public record ParentEndpoint(InetSocketAddress address, List<DNSKEYRecord> trustAnchor) {

  public ParentEndpoint {
    Objects.requireNonNull(address, "address");
    trustAnchor = List.copyOf(trustAnchor);
  }
}
