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
 *
 * <p>{@code withdrawable} names keys Multisigner knows to be foreign (the group's former keys). It
 * matters only when the adapter had to infer the provider's own keys from signatures: then a served
 * key that does not sign may be the provider's own pre-published key (a ZSK roll in progress), and
 * the planner removes it only when it is listed here.
 */
public record DesiredKeys(
    Set<DNSKEYRecord> foreignDnskeys,
    Set<CDSRecord> cds,
    Set<CDNSKEYRecord> cdnskeys,
    Set<DNSKEYRecord> withdrawable) {

  public DesiredKeys {
    foreignDnskeys = Set.copyOf(foreignDnskeys);
    cds = Set.copyOf(cds);
    cdnskeys = Set.copyOf(cdnskeys);
    withdrawable = Set.copyOf(withdrawable);
  }

  public DesiredKeys(
      Set<DNSKEYRecord> foreignDnskeys, Set<CDSRecord> cds, Set<CDNSKEYRecord> cdnskeys) {
    this(foreignDnskeys, cds, cdnskeys, Set.of());
  }

  public static DesiredKeys none() {
    return new DesiredKeys(Set.of(), Set.of(), Set.of());
  }

  public static DesiredKeys foreign(Collection<DNSKEYRecord> keys) {
    return new DesiredKeys(Set.copyOf(keys), Set.of(), Set.of());
  }

  public DesiredKeys withCds(Collection<CDSRecord> cdsSet, Collection<CDNSKEYRecord> cdnskeySet) {
    return new DesiredKeys(
        foreignDnskeys, Set.copyOf(cdsSet), Set.copyOf(cdnskeySet), withdrawable);
  }

  /** The same, with {@code keys} known to be foreign and removable when no longer desired. */
  public DesiredKeys withWithdrawable(Collection<DNSKEYRecord> keys) {
    return new DesiredKeys(foreignDnskeys, cds, cdnskeys, Set.copyOf(keys));
  }
}
