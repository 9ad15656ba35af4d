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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

  /** Asked together once the SOA is answered: pipelined on the server's TCP connection. */
  private static final int[] KEY_TYPES = {Type.DNSKEY, Type.CDS, Type.CDNSKEY, Type.NS, Type.CSYNC};

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
     * Own keys are the served keys whose tags a key manager lists (Knot: {@code keymgr <zone>
     * list}), so a pre-published own key that does not sign yet is still known as own.
     */
    static OwnKeys fromKeyManager(Function<ZoneName, Set<Integer>> ownTags) {
      return new OwnKeys() {
        @Override
        public Set<DNSKEYRecord> own(
            ZoneName zone, List<DNSKEYRecord> served, Set<Integer> signers) {
          Set<Integer> tags = ownTags.apply(zone);
          Set<DNSKEYRecord> own = new HashSet<>();
          served.stream().filter(k -> tags.contains(k.getFootprint())).forEach(own::add);
          return own;
        }

        @Override
        public OwnKeySource source() {
          return OwnKeySource.KEY_MANAGER;
        }
      };
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
   * Reads the zone's key RRsets; own keys from {@code ownKeys}, asked after the DNSKEY answer. The
   * SOA is asked first and alone, so the serial a read reports was served no later than the RRsets
   * it read; the other five queries then go out at once, pipelined on the server's TCP connection
   * (one round trip and one wake-up of this thread instead of five).
   */
  public ZoneKeySnapshot read(ZoneName zone, OwnKeys ownKeys) {
    long started = System.nanoTime();
    List<Record> records = new ArrayList<>(query(zone, Type.SOA));
    records.addAll(queryAll(zone, KEY_TYPES));
    List<DNSKEYRecord> dnskeys = ofType(records, Type.DNSKEY, DNSKEYRecord.class);
    List<RRSIGRecord> sigs = ofType(records, Type.RRSIG, RRSIGRecord.class);
    Set<Integer> signers = new HashSet<>();
    sigs.stream()
        .filter(s -> s.getTypeCovered() == Type.DNSKEY || s.getTypeCovered() == Type.SOA)
        .forEach(s -> signers.add(s.getFootprint()));
    Optional<SOARecord> soa = ofType(records, Type.SOA, SOARecord.class).stream().findFirst();
    ZoneKeySnapshot snapshot =
        new ZoneKeySnapshot(
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
    LOG.debug(
        "zone={} provider={} event=keys_read server={} took_ms={} {}",
        zone,
        provider,
        server,
        (System.nanoTime() - started) / 1_000_000,
        snapshot.summary());
    return snapshot;
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
    return answer(zone, type, send(zone, newQuery(zone, type)));
  }

  /**
   * The queries for {@code types} sent at once over TCP with DO, their answers in the same order
   * (as {@link #query} gives each); the first failure, in that order, is thrown.
   */
  List<Record> queryAll(ZoneName zone, int... types) {
    SimpleResolver resolver = AuthoritativeDns.resolver(server, timeout);
    List<CompletableFuture<Message>> sent = new ArrayList<>();
    for (int type : types) {
      sent.add(resolver.sendAsync(newQuery(zone, type)).toCompletableFuture());
    }
    List<Record> records = new ArrayList<>();
    try {
      for (int i = 0; i < types.length; i++) {
        records.addAll(answer(zone, types[i], await(zone, sent.get(i))));
      }
    } finally {
      sent.forEach(f -> f.cancel(false));
    }
    return records;
  }

  private static Message newQuery(ZoneName zone, int type) {
    return Message.newQuery(Record.newRecord(zone.toName(), type, DClass.IN));
  }

  /**
   * The answer of a query sent with {@link SimpleResolver#sendAsync}; failures mapped as {@link
   * #send} maps them. dnsjava's TCP client ends the exchange at the resolver's timeout; the wait
   * here has a margin over it only so that a lost completion cannot block a reader for good.
   */
  private Message await(ZoneName zone, CompletableFuture<Message> answer) {
    try {
      return answer.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProviderException.of(
          Kind.TIMEOUT, zone, provider, "interrupted while waiting for " + server, e);
    } catch (TimeoutException e) {
      throw ProviderException.of(
          Kind.TIMEOUT, zone, provider, "no answer from " + server + " within " + timeout, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
      throw cause instanceof IOException io
          ? sendFailure(zone, io)
          : ProviderException.of(
              Kind.UNAVAILABLE, zone, provider, "cannot query " + server + ": " + cause, cause);
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
      return response.getSection(Section.ANSWER).stream()
          .filter(r -> r.getName().equals(zone.toName()))
          .filter(
              r ->
                  r.getType() == type || (r instanceof RRSIGRecord s && s.getTypeCovered() == type))
          .toList();
    }
    throw failure(zone, rcode, Type.string(type) + " query to " + server);
  }

  private Message send(ZoneName zone, Message query) {
    SimpleResolver resolver = AuthoritativeDns.resolver(server, timeout);
    try {
      return resolver.send(query);
    } catch (IOException e) {
      throw sendFailure(zone, e);
    }
  }

  private ProviderException sendFailure(ZoneName zone, IOException e) {
    if (e instanceof SocketTimeoutException) {
      return ProviderException.of(
          Kind.TIMEOUT, zone, provider, "no answer from " + server + " within " + timeout, e);
    }
    Kind kind =
        e.getMessage() != null && e.getMessage().toLowerCase().contains("timed out")
            ? Kind.TIMEOUT
            : Kind.UNAVAILABLE;
    return ProviderException.of(
        kind, zone, provider, "cannot query " + server + ": " + e.getMessage(), e);
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
