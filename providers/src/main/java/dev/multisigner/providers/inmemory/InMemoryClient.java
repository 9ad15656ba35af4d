package dev.multisigner.providers.inmemory;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.Secret;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Record;

/**
 * The in-memory "provider" itself: per zone, the signer's own keys (from which it derives its CDS
 * and CDNSKEY, as Knot and PowerDNS do), the apex NS RRset, and the records added through the
 * adapter (foreign DNSKEYs, CDS, CDNSKEY, CSYNC). It checks a token, so the wrong-credentials
 * contract case has something to refuse.
 */
public final class InMemoryClient {

  /** One zone's state. */
  static final class ZoneState {
    final List<DNSKEYRecord> ownKeys;
    final Set<Record> ns;
    final Set<Record> added = new LinkedHashSet<>();
    long serial = 1;

    ZoneState(List<DNSKEYRecord> ownKeys, List<NSRecord> ns) {
      this.ownKeys = List.copyOf(ownKeys);
      this.ns = new LinkedHashSet<>(ns);
    }
  }

  private final Secret token;
  private final Map<ZoneName, ZoneState> zones = new HashMap<>();

  public InMemoryClient(Secret token) {
    this.token = token;
  }

  /** Serves {@code zone} with the given own keys (KSK and ZSK, or a CSK) and NS records. */
  public synchronized void addZone(ZoneName zone, List<DNSKEYRecord> ownKeys, List<NSRecord> ns) {
    zones.put(zone, new ZoneState(ownKeys, ns));
  }

  synchronized boolean authorized(Secret presented) {
    return token.equals(presented);
  }

  synchronized Optional<ZoneState> zone(ZoneName zone) {
    return Optional.ofNullable(zones.get(zone));
  }

  /** A copy of the records added to {@code zone} (for assertions in tests). */
  public synchronized List<Record> added(ZoneName zone) {
    return zone(zone).map(z -> List.copyOf(new ArrayList<>(z.added))).orElse(List.of());
  }
}
