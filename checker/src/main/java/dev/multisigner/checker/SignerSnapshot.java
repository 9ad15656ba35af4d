package dev.multisigner.checker;

import java.util.List;
import org.xbill.DNS.RRset;

/**
 * What one signer serves for the zone, with RRSIGs attached to each RRset.
 *
 * @param dnskey the apex DNSKEY RRset (empty RRset if none)
 * @param signed the RRsets whose signatures the matrix checks: the apex SOA, and the SOA and NSEC
 *     RRsets of an NXDOMAIN answer
 * @param cds the apex CDS RRset
 * @param cdnskey the apex CDNSKEY RRset
 * @param problems fetch problems (timeouts, unexpected RCODEs); a non-empty list fails the check
 */
public record SignerSnapshot(
    SignerEndpoint signer,
    RRset dnskey,
    List<RRset> signed,
    RRset cds,
    RRset cdnskey,
    List<String> problems) {

  public SignerSnapshot {
    signed = List.copyOf(signed);
    problems = List.copyOf(problems);
  }
}
