package dev.multisigner.providers;

import java.util.Collection;
import java.util.Set;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;

/**
 * What one provider should serve for the keys Multisigner manages there: the foreign DNSKEYs (the
 * other signers' keys, RFC 8901 §5.2: every ZSK in every signer's DNSKEY RRset), and the group's
 * CDS/CDNSKEY set, identical at every provider (RFC 8901 §8, RFC 9975). The provider's own keys,
 * and the CDS/CDNSKEY it derives from them, are its own business and not listed here.
 */
public record DesiredKeys(
    Set<DNSKEYRecord> foreignDnskeys, Set<CDSRecord> cds, Set<CDNSKEYRecord> cdnskeys) {

  public DesiredKeys {
    foreignDnskeys = Set.copyOf(foreignDnskeys);
    cds = Set.copyOf(cds);
    cdnskeys = Set.copyOf(cdnskeys);
  }

  public static DesiredKeys none() {
    return new DesiredKeys(Set.of(), Set.of(), Set.of());
  }

  public static DesiredKeys foreign(Collection<DNSKEYRecord> keys) {
    return new DesiredKeys(Set.copyOf(keys), Set.of(), Set.of());
  }

  public DesiredKeys withCds(Collection<CDSRecord> cdsSet, Collection<CDNSKEYRecord> cdnskeySet) {
    return new DesiredKeys(foreignDnskeys, Set.copyOf(cdsSet), Set.copyOf(cdnskeySet));
  }
}
