package dev.multisigner.providers.dns;

import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.CSYNCRecord;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import dev.multisigner.providers.ZoneKeySnapshot;
import dev.multisigner.providers.ZoneKeySnapshot.OwnKeySource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Reads DNSKEY, CDS, CDNSKEY, NS, CSYNC and SOA with their RRSIGs from one authoritative server,
 * over TCP with the DO bit (RFC 3225), and tells its own keys from foreign ones with a {@link
 * OwnKeys} strategy.
 */
public final class DnsKeyReader {

  private static final Logger LOG = LoggerFactory.getLogger(DnsKeyReader.class);
  private static final int[] TYPES = {
    Type.SOA, Type.DNSKEY, Type.CDS, Type.CDNSKEY, Type.NS, Type.CSYNC
  };

  static {
    // dnsjava 3.7.1 has no CSYNC class of its own: answers parse into ours from here on
    CSYNCRecord.register();
  }

  private final SignerId provider;
  private final InetSocketAddress server;
  private final Duration timeout;

  public DnsKeyReader(SignerId provider, InetSocketAddress server, Duration timeout) {
    this.provider = provider;
    this.server = server;
    this.timeout = timeout;
  }

  /** Zones whose last key-manager listing an adapter keeps ({@link KeyManagerListing}). */
  static final int KEPT_LISTINGS = 20_000;

  /** How an adapter learns which served DNSKEYs are the provider's own. */
  @FunctionalInterface
  public interface OwnKeys {
    /** The own keys among {@code served}; {@code signers} holds the DNSKEY/SOA signer tags. */
    Set<DNSKEYRecord> own(ZoneName zone, List<DNSKEYRecord> served, Set<Integer> signers);

    /** The source to report in the snapshot. */
    default OwnKeySource source() {
      return OwnKeySource.SIGNATURES;
    }

    /**
     * The strategy for a read that must not reuse anything remembered (the collector's full
     * resync): this one, unless it keeps listings ({@link KeyManagerListing}).
     */
    default OwnKeys afresh() {
      return this;
    }

    /**
     * This strategy, told the keys the zone's other signers list as their own ({@link
     * dev.multisigner.providers.DnsProvider#read(ZoneName, Set)}): this one, unless it asks a key
     * manager about keys that sign nothing ({@link KeyManagerListing}).
     */
    default OwnKeys knowing(Set<DNSKEYRecord> listedByOthers) {
      return this;
    }

    /**
     * Own keys are the served keys whose tags a key manager lists (Knot: {@code keymgr <zone>
     * list}), so a pre-published own key that does not sign yet is still known as own. The listing
     * is reused while no new key is served, and not asked when every served key signs ({@link
     * KeyManagerListing}): for a signer that signs only with keys it holds.
     */
    static OwnKeys fromKeyManager(Function<ZoneName, Set<Integer>> ownTags) {
      return fromKeyManager(ownTags, true);
    }

    /**
     * As {@link #fromKeyManager(Function)}; with {@code signingKeysAreOwn} false, for a signer
     * whose DNSKEY RRset is signed by a key it may not hold (Knot with an offline KSK), a read that
     * finds a key not seen at the last listing lists even when all keys sign.
     */
    static OwnKeys fromKeyManager(
        Function<ZoneName, Set<Integer>> ownTags, boolean signingKeysAreOwn) {
      return new KeyManagerListing(ownTags, KEPT_LISTINGS, signingKeysAreOwn);
    }

    /**
     * The own keys when the answer tells them without asking the signer, for a signer that signs
     * only with keys it holds: at least one served key signs the DNSKEY RRset or the SOA, and every
     * served key either signs (own) or signs nothing and is listed by another signer of the zone as
     * its own (in model 2 a key's private half is held by one signer, so not this signer's). Null
     * when a key is neither: a pre-published own key, an imported key no other signer lists, a
     * planted one, which only the signer's listing can tell apart.
     */
    static Set<DNSKEYRecord> toldByAnswer(
        List<DNSKEYRecord> served, Set<Integer> signers, Set<DNSKEYRecord> listedByOthers) {
      Set<DNSKEYRecord> own = new HashSet<>();
      for (DNSKEYRecord k : served) {
        if (signers.contains(k.getFootprint())) {
          own.add(k);
        } else if (!listedByOthers.contains(k)) {
          return null;
        }
      }
      return own.isEmpty() ? null : own;
    }

    /** Own keys are the keys that sign the DNSKEY RRset or the SOA. */
    static OwnKeys fromSignatures() {
      return (zone, served, signers) -> {
        Set<DNSKEYRecord> own = new HashSet<>();
        served.stream().filter(k -> signers.contains(k.getFootprint())).forEach(own::add);
        return own;
      };
    }
  }

  public InetSocketAddress server() {
    return server;
  }

  /**
   * Reads the zone's key RRsets on one TCP connection of the read's own ({@link TcpExchange}: the
   * SOA, then the five others together); own keys from {@code ownKeys}.
   */
  public ZoneKeySnapshot read(ZoneName zone, OwnKeys ownKeys) {
    long started = System.nanoTime();
    List<Record> records = new ArrayList<>();
    List<Message> answers = TcpExchange.ask(provider, server, timeout, zone, TYPES);
    for (int i = 0; i < TYPES.length; i++) {
      records.addAll(answer(zone, TYPES[i], answers.get(i)));
    }
    ZoneKeySnapshot snapshot = snapshot(zone, records, ownKeys);
    LOG.debug(
        "zone={} provider={} event=keys_read server={} took_ms={} {}",
        zone,
        provider,
        server,
        (System.nanoTime() - started) / 1_000_000,
        snapshot.summary());
    return snapshot;
  }

  /** The snapshot of the answers to the {@link #TYPES} queries; own keys from {@code ownKeys}. */
  ZoneKeySnapshot snapshot(ZoneName zone, List<Record> records, OwnKeys ownKeys) {
    List<DNSKEYRecord> dnskeys = ofType(records, Type.DNSKEY, DNSKEYRecord.class);
    List<RRSIGRecord> sigs = ofType(records, Type.RRSIG, RRSIGRecord.class);
    Set<Integer> signers = new HashSet<>();
    sigs.stream()
        .filter(s -> s.getTypeCovered() == Type.DNSKEY || s.getTypeCovered() == Type.SOA)
        .forEach(s -> signers.add(s.getFootprint()));
    Optional<SOARecord> soa = ofType(records, Type.SOA, SOARecord.class).stream().findFirst();
    return new ZoneKeySnapshot(
        zone,
        provider,
        dnskeys,
        ofType(records, Type.CDS, CDSRecord.class),
        ofType(records, Type.CDNSKEY, CDNSKEYRecord.class),
        ofType(records, Type.NS, NSRecord.class),
        soa,
        sigs,
        served(ownKeys.own(zone, dnskeys, signers), dnskeys),
        ownKeys.source(),
        records.stream().filter(r -> r.getType() == Type.CSYNC).map(CSYNCRecord::of).toList());
  }

  /** The RRset types a read asks for, in the order it asks. */
  static int[] types() {
    return TYPES.clone();
  }

  /** Own keys that are served: a key the signer holds but does not publish yet is not listed. */
  private static Set<DNSKEYRecord> served(Set<DNSKEYRecord> own, List<DNSKEYRecord> served) {
    Set<DNSKEYRecord> result = new HashSet<>(served);
    result.retainAll(own);
    return result;
  }

  /** The zone's DNSKEY RRset as the server serves it: one query, no own-key listing. */
  public List<DNSKEYRecord> dnskeys(ZoneName zone) {
    return ofType(query(zone, Type.DNSKEY), Type.DNSKEY, DNSKEYRecord.class);
  }

  /** One query over TCP with DO; the answer section's records of {@code type} and their RRSIGs. */
  public List<Record> query(ZoneName zone, int type) {
    return answer(zone, type, send(zone, type));
  }

  private Message send(ZoneName zone, int type) {
    SimpleResolver resolver = AuthoritativeDns.resolver(server, timeout);
    try {
      return resolver.send(Message.newQuery(Record.newRecord(zone.toName(), type, DClass.IN)));
    } catch (SocketTimeoutException e) {
      throw ProviderException.of(
          Kind.TIMEOUT, zone, provider, "no answer from " + server + " within " + timeout, e);
    } catch (IOException e) {
      Kind kind =
          e.getMessage() != null && e.getMessage().toLowerCase().contains("timed out")
              ? Kind.TIMEOUT
              : Kind.UNAVAILABLE;
      throw ProviderException.of(
          kind, zone, provider, "cannot query " + server + ": " + e.getMessage(), e);
    }
  }

  private List<Record> answer(ZoneName zone, int type, Message response) {
    int rcode = response.getRcode();
    if (rcode == Rcode.NOERROR) {
      if (!response.getHeader().getFlag(Flags.AA)) {
        throw ProviderException.of(
            Kind.UNKNOWN_ZONE,
            zone,
            provider,
            "server " + server + " is not authoritative for the zone (no AA flag)");
      }
      return answerRecords(zone, type, response);
    }
    throw failure(zone, rcode, Type.string(type) + " query to " + server);
  }

  /** The answer section's records of {@code type} at the apex and the RRSIGs over them. */
  static List<Record> answerRecords(ZoneName zone, int type, Message response) {
    return response.getSection(Section.ANSWER).stream()
        .filter(r -> r.getName().equals(zone.toName()))
        .filter(
            r -> r.getType() == type || (r instanceof RRSIGRecord s && s.getTypeCovered() == type))
        .toList();
  }

  /** Maps a DNS response code of a query to a typed error. */
  public ProviderException failure(ZoneName zone, int rcode, String what) {
    String cause = what + " answered " + Rcode.string(rcode);
    return switch (rcode) {
      case Rcode.SERVFAIL -> ProviderException.of(Kind.UNAVAILABLE, zone, provider, cause);
      case Rcode.NXDOMAIN, Rcode.NOTAUTH, Rcode.REFUSED ->
          ProviderException.of(
              Kind.UNKNOWN_ZONE, zone, provider, cause + " (the server does not serve the zone)");
      case Rcode.FORMERR -> ProviderException.of(Kind.MALFORMED, zone, provider, cause);
      default -> ProviderException.of(Kind.UNAVAILABLE, zone, provider, cause);
    };
  }

  /** By type code: dnsjava's CDNSKEYRecord extends DNSKEYRecord, CDSRecord extends DSRecord. */
  private static <T extends Record> List<T> ofType(List<Record> records, int code, Class<T> type) {
    return records.stream().filter(r -> r.getType() == code).map(type::cast).toList();
  }
}
