package dev.multisigner.providers.rfc2136;

import dev.multisigner.providers.PlanChange;
import dev.multisigner.providers.ProviderPlan;
import dev.multisigner.providers.ZoneKeySnapshot;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Turns a plan into one DNS UPDATE (RFC 2136 §2). For every RRset the plan touches (DNSKEY,
 * CDNSKEY, CDS, apex NS, CSYNC), the prerequisite section pins it to exactly what the plan's basis
 * saw (§2.4.2 "RRset exists, value dependent", or §2.4.3 "RRset does not exist" when it was empty),
 * so the server refuses the update with NXRRSET if anyone changed it in between.
 */
final class Rfc2136Converter {

  private static final int[] TYPES = {Type.DNSKEY, Type.CDNSKEY, Type.CDS, Type.NS, Type.CSYNC};

  private Rfc2136Converter() {}

  static Update toUpdate(ProviderPlan plan) {
    ZoneKeySnapshot basis = plan.basis();
    Name apex = basis.zone().toName();
    Update update = new Update(apex, DClass.IN);
    for (int type : TYPES) {
      if (!plan.touches(type)) {
        continue;
      }
      List<? extends Record> served = basis.records(type);
      if (served.isEmpty()) {
        update.absent(apex, type);
      } else {
        // RFC 2136 §2.4.2: TTL 0 in a prerequisite; Knot answers FORMERR otherwise.
        served.forEach(r -> update.present(atTtl(r, 0)));
      }
    }
    for (PlanChange change : plan.changes()) {
      Record r = atTtl(change.record(), ttlFor(basis, change.type(), change.record().getTTL()));
      if (change.action() == PlanChange.Action.ADD) {
        update.add(r);
      } else {
        update.delete(r);
      }
    }
    return update;
  }

  /**
   * Added key records take the TTL of the served RRset (the signer's DNSKEY TTL): Knot would
   * otherwise reset the whole RRset's TTL to the new record's (RECIPE pitfall 9). NS and CSYNC
   * records keep their own TTL: the caller chose it ({@code publishNs} takes the served NS TTL).
   */
  static long ttlFor(ZoneKeySnapshot basis, int type, long fallback) {
    if (type == Type.NS || type == Type.CSYNC) {
      return fallback;
    }
    List<? extends Record> served = basis.records(type);
    if (!served.isEmpty()) {
      return served.get(0).getTTL();
    }
    return basis.dnskeys().isEmpty() ? fallback : basis.dnskeys().get(0).getTTL();
  }

  private static Record atTtl(Record r, long ttl) {
    return Record.newRecord(r.getName(), r.getType(), r.getDClass(), ttl, r.rdataToWireCanonical());
  }
}
