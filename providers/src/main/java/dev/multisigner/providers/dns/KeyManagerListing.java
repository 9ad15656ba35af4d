package dev.multisigner.providers.dns;

import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ZoneKeySnapshot.OwnKeySource;
import dev.multisigner.providers.dns.DnsKeyReader.OwnKeys;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.xbill.DNS.DNSKEYRecord;

/**
 * Own keys from a key manager's listing (Knot: {@code keymgr <zone> list}, a process per call),
 * listed again only when the answer could differ for what is served: the tags a listing gave are
 * reused while every served DNSKEY was already served at that listing (same owner and rdata), and
 * the zone is listed anew when a key appears that the last listing did not see — a key Knot
 * introduced, one imported by Multisigner, or one planted by someone else, which the listing then
 * reports as not Knot's own — and at every {@link #afresh()} read (the collector's full resync).
 *
 * <p>What a reuse cannot see is a listing that changed for a key served all along (its private key
 * imported into or deleted from the key manager while the key stayed served): that shows at the
 * next afresh read. The listing is used for nothing else (no key timing is read from it). The last
 * {@code maxZones} zones' listings are kept, least recently used out first.
 *
 * <p>Where the signer can only sign with keys it holds (Knot signing on its own, model 2), a read
 * in which <em>every</em> served DNSKEY signs the DNSKEY RRset or the SOA needs no listing, afresh
 * or not: each of those keys is the signer's own by the answer itself, and there is no other key to
 * ask about. This is every zone's first read at a Knot that was not yet given a foreign key, so a
 * first pass over N zones no longer runs N {@code keymgr} processes. A key that signs nothing (a
 * pre-published own ZSK, an imported one, a planted one) is still listed. Not for a signer whose
 * DNSKEY RRset carries another party's signatures (Knot with an offline KSK, model 1): there a
 * signing key need not be held by the signer.
 *
 * <p>A read told the keys the zone's other signers list as their own ({@link #knowing}: their API
 * or key manager, at the collector's last reads of them) needs no listing either, afresh or not,
 * when every served key that signs nothing is one of those: in model 2 a key's private half is held
 * by one signer, so a key PowerDNS's cryptokeys list as PowerDNS's is not Knot's. That is every
 * zone's read after Multisigner imported the other signers' ZSKs, which before ran one {@code
 * keymgr} process per zone and another at every full resync. A key that signs nothing and no other
 * signer lists (a pre-published own ZSK, a planted key) is still listed.
 */
public final class KeyManagerListing implements OwnKeys {

  private record Listing(Set<DNSKEYRecord> served, Set<Integer> tags) {}

  private final Function<ZoneName, Set<Integer>> ownTags;
  private final Map<ZoneName, Listing> last;
  private final AtomicLong listings = new AtomicLong();
  private final AtomicLong reuses = new AtomicLong();
  private final AtomicLong allSigning = new AtomicLong();
  private final AtomicLong listedElsewhere = new AtomicLong();
  private final boolean signingKeysAreOwn;

  /**
   * @param signingKeysAreOwn whether a key that signs the DNSKEY RRset or the SOA at this signer is
   *     necessarily the signer's own (true for a signer that signs only with keys it holds)
   */
  public KeyManagerListing(
      Function<ZoneName, Set<Integer>> ownTags, int maxZones, boolean signingKeysAreOwn) {
    if (maxZones < 0) {
      throw new IllegalArgumentException("zones kept must be >= 0, got " + maxZones);
    }
    this.ownTags = ownTags;
    this.signingKeysAreOwn = signingKeysAreOwn;
    this.last =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<ZoneName, Listing> eldest) {
            return size() > maxZones;
          }
        };
  }

  @Override
  public Set<DNSKEYRecord> own(ZoneName zone, List<DNSKEYRecord> served, Set<Integer> signers) {
    return own(zone, served, signers, true, Set.of());
  }

  private Set<DNSKEYRecord> own(
      ZoneName zone,
      List<DNSKEYRecord> served,
      Set<Integer> signers,
      boolean reuse,
      Set<DNSKEYRecord> listedByOthers) {
    Set<DNSKEYRecord> told = toldByAnswer(served, signers, listedByOthers);
    if (told != null) {
      return told;
    }
    if (reuse) {
      Listing listing;
      synchronized (last) {
        listing = last.get(zone);
      }
      if (listing != null && listing.served().containsAll(served)) {
        reuses.incrementAndGet();
        return ownAmong(served, listing.tags());
      }
    }
    return list(zone, served);
  }

  private Set<DNSKEYRecord> list(ZoneName zone, List<DNSKEYRecord> served) {
    Set<Integer> tags = Set.copyOf(ownTags.apply(zone));
    listings.incrementAndGet();
    synchronized (last) {
      last.put(zone, new Listing(Set.copyOf(served), tags));
    }
    return ownAmong(served, tags);
  }

  /** {@link OwnKeys#toldByAnswer}, counted; null too when a signing key need not be this one's. */
  private Set<DNSKEYRecord> toldByAnswer(
      List<DNSKEYRecord> served, Set<Integer> signers, Set<DNSKEYRecord> listedByOthers) {
    if (!signingKeysAreOwn) {
      return null;
    }
    Set<DNSKEYRecord> own = OwnKeys.toldByAnswer(served, signers, listedByOthers);
    if (own != null) {
      (own.size() < served.size() ? listedElsewhere : allSigning).incrementAndGet();
    }
    return own;
  }

  private static Set<DNSKEYRecord> ownAmong(List<DNSKEYRecord> served, Set<Integer> tags) {
    Set<DNSKEYRecord> own = new HashSet<>();
    served.stream().filter(k -> tags.contains(k.getFootprint())).forEach(own::add);
    return own;
  }

  @Override
  public OwnKeySource source() {
    return OwnKeySource.KEY_MANAGER;
  }

  /** The same listing, asked anew for every read (and remembered for the next reuse). */
  @Override
  public OwnKeys afresh() {
    return view(false, Set.of());
  }

  @Override
  public OwnKeys knowing(Set<DNSKEYRecord> listedByOthers) {
    return view(true, listedByOthers);
  }

  private OwnKeys view(boolean reuse, Set<DNSKEYRecord> listedByOthers) {
    return new OwnKeys() {
      @Override
      public Set<DNSKEYRecord> own(ZoneName zone, List<DNSKEYRecord> served, Set<Integer> s) {
        return KeyManagerListing.this.own(zone, served, s, reuse, listedByOthers);
      }

      @Override
      public OwnKeySource source() {
        return OwnKeySource.KEY_MANAGER;
      }

      @Override
      public OwnKeys afresh() {
        return view(false, listedByOthers);
      }

      @Override
      public OwnKeys knowing(Set<DNSKEYRecord> others) {
        return view(reuse, others);
      }
    };
  }

  /** Key manager calls made since start. */
  public long listings() {
    return listings.get();
  }

  /** Reads whose served keys all signed, so that no listing was needed. */
  public long allSigning() {
    return allSigning.get();
  }

  /**
   * Reads whose served keys that sign nothing were all listed by other signers of the zone as
   * theirs, so that no listing was needed.
   */
  public long listedElsewhere() {
    return listedElsewhere.get();
  }

  /** Reads that reused the zone's last listing instead of calling the key manager. */
  public long reuses() {
    return reuses.get();
  }
}
