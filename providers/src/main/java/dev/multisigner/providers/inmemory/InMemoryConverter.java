package dev.multisigner.providers.inmemory;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.CSYNCRecord;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.ZoneKeySnapshot.OwnKeySource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Turns the in-memory zone state into the RRsets a signer would serve (unsigned). */
final class InMemoryConverter {

  private InMemoryConverter() {}

  static ZoneKeySnapshot snapshot(SignerId provider, ZoneName zone, InMemoryClient.ZoneState z) {
    List<DNSKEYRecord> dnskeys = new ArrayList<>(z.ownKeys);
    List<CDSRecord> cds = new ArrayList<>();
    List<CDNSKEYRecord> cdnskeys = new ArrayList<>();
    for (DNSKEYRecord own : z.ownKeys) {
      if ((own.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0) {
        // Like Knot (cds-cdnskey-publish: always) and PowerDNS (default-publish-cds=2).
        cds.add(new CDSRecord(own.getName(), DClass.IN, own.getTTL(), DNSSEC.Digest.SHA256, own));
        cdnskeys.add(
            new CDNSKEYRecord(
                own.getName(),
                DClass.IN,
                own.getTTL(),
                own.getFlags(),
                own.getProtocol(),
                own.getAlgorithm(),
                own.getKey()));
      }
    }
    List<CSYNCRecord> csync = new ArrayList<>();
    for (Record r : z.added) {
      // By type code: dnsjava's CDNSKEYRecord extends DNSKEYRecord, CDSRecord extends DSRecord.
      switch (r.getType()) {
        case Type.DNSKEY -> dnskeys.add((DNSKEYRecord) r);
        case Type.CDS -> cds.add((CDSRecord) r);
        case Type.CDNSKEY -> cdnskeys.add((CDNSKEYRecord) r);
        case Type.CSYNC -> csync.add(CSYNCRecord.of(r));
        default -> throw new IllegalStateException("not a key or CSYNC record: " + r);
      }
    }
    return new ZoneKeySnapshot(
        zone,
        provider,
        dnskeys,
        cds,
        cdnskeys,
        z.ns.stream().map(NSRecord.class::cast).toList(),
        Optional.empty(),
        List.of(),
        Set.copyOf(z.ownKeys),
        OwnKeySource.DECLARED,
        csync);
  }
}
