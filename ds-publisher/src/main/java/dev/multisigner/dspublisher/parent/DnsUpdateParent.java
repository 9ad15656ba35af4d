package dev.multisigner.dspublisher.parent;

import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.dnsquery.Signatures;
import dev.multisigner.providers.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * A parent zone reached by DNS UPDATE with TSIG (RFC 2136, RFC 8945): replaces a child's DS RRset
 * or delegation NS RRset in one message (delete the RRset, add the desired records, so the parent
 * never serves a partial set) and reads it back over TCP with DO, validating its RRSIG (or, for no
 * DS, the NSEC proving its absence) with the parent's DNSKEY RRset, itself validated from the
 * parent's trust anchor, which every parent must have. The response to an UPDATE counts only when
 * its TSIG verifies (RFC 8945 §5.3): an unsigned "NOERROR" may come from anyone on the path.
 */
public final class DnsUpdateParent {

  private final ParentConfig config;
  private final Name zone;
  private final InetSocketAddress server;
  private final List<InetSocketAddress> verifyServers;
  private final TSIG tsig;
  private final DNSKEYRecord anchor;

  /**
   * RRsets of this parent found authentic, remembered until their RRSIGs expire: a watch that reads
   * every child's unchanged DS RRset each pass verifies it once per re-signing, not once per read.
   */
  private final Signatures.Memo verified = new Signatures.Memo(100_000);

  public DnsUpdateParent(ParentConfig config) {
    this.config = config;
    try {
      this.zone = Name.fromString(config.getZone(), Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(config + ": bad zone name", e);
    }
    this.server = parse(config.getServer());
    this.verifyServers =
        config.getVerifyServers().isEmpty()
            ? List.of(server)
            : config.getVerifyServers().stream().map(DnsUpdateParent::parse).toList();
    this.tsig = tsig(config);
    this.anchor = anchor(config, zone);
  }

  /**
   * The TSIG key UPDATEs are signed with; null for a parent configured without one (it takes DS
   * changes only from what the signers publish: CDS scanning, NOTIFY(CDS)).
   */
  private static TSIG tsig(ParentConfig config) {
    if (config.getTsigSecretFile() == null && config.getTsigSecret() == null) {
      return null;
    }
    Secret secret =
        config.getTsigSecretFile() != null
            ? Secret.fromFile(Path.of(config.getTsigSecretFile()))
            : Secret.fromConfig(config.getTsigSecret());
    return new TSIG(
        TSIG.algorithmToName(config.getTsigAlgorithm().toLowerCase(Locale.ROOT)),
        config.getTsigKeyName(),
        secret.reveal());
  }

  /** The parent's trust anchor: required, a DNSKEY of the parent zone. */
  private static DNSKEYRecord anchor(ParentConfig config, Name zone) {
    if (config.getTrustAnchor() == null || config.getTrustAnchor().isBlank()) {
      throw new IllegalArgumentException(
          config
              + ": trust-anchor is required (the parent's KSK as DNSKEY rdata, e.g. \"257 3 13"
              + " <base64>\"): DS answers are only trusted when they validate from it");
    }
    try {
      return (DNSKEYRecord)
          Record.fromString(zone, Type.DNSKEY, DClass.IN, 0, config.getTrustAnchor(), Name.root);
    } catch (IOException | ClassCastException e) {
      throw new IllegalArgumentException(
          config + ": trust-anchor is not DNSKEY rdata: " + e.getMessage(), e);
    }
  }

  /** The parent zone's name. */
  public Name zone() {
    return zone;
  }

  /** The configured name of this parent (as in {@code multisigner.ds-publisher.parents.<name>}). */
  public String name() {
    return config.getName();
  }

  /**
   * The outcome of reading the parent's DS RRset for a child; {@code ttl} is the TTL it is served
   * with (0 without DS).
   */
  public record Observed(List<DSRecord> ds, boolean validated, String validationNote, long ttl) {

    Observed(List<DSRecord> ds, boolean validated, String validationNote) {
      this(ds, validated, validationNote, ds.stream().mapToLong(Record::getTTL).max().orElse(0));
    }
  }

  /**
   * The parent's delegation of a child: the NS host names (absolute, lower case, sorted) and the
   * TTL the NS RRset is served with (0 when the parent names none).
   */
  public record Delegation(List<String> names, long ttl) {}

  /**
   * Replaces the child's DS RRset at the parent with {@code desired}.
   *
   * @throws ParentException naming child, parent and cause (never the TSIG secret)
   */
  public void replaceDs(Name child, List<DSRecord> desired) {
    replaceDs(Map.of(child, desired));
  }

  /**
   * Replaces the DS RRset of every child in {@code desired} in one UPDATE (RFC 2136 §3: the parent
   * applies all of it or nothing), so a parent that serializes its UPDATEs and re-signs per UPDATE
   * does that once for many children. Each child's RRset is deleted and its new records added in
   * the same message, as for one child.
   *
   * @throws ParentException naming the first child, the parent and the cause; nothing was applied
   *     unless the cause is a NOERROR whose TSIG did not verify
   */
  public void replaceDs(Map<Name, List<DSRecord>> desired) {
    Map<Name, List<Record>> records = new LinkedHashMap<>();
    desired.forEach(
        (child, set) -> {
          List<Record> rrs = new ArrayList<>();
          for (DSRecord ds : set) {
            rrs.add(
                new DSRecord(
                    child,
                    DClass.IN,
                    config.getDsTtl(),
                    ds.getFootprint(),
                    ds.getAlgorithm(),
                    ds.getDigestID(),
                    ds.getDigest()));
          }
          records.put(child, rrs);
        });
    replace(Type.DS, records);
  }

  /**
   * Replaces the child's delegation NS RRset at the parent with {@code nameservers} (TTL {@code
   * ns-ttl}), in one UPDATE: the RRset is deleted and the new records added in the same message, so
   * the parent never serves a partial set. Glue is not written: the caller keeps names inside the
   * child out.
   *
   * @throws ParentException naming child, parent and cause (never the TSIG secret)
   */
  public void replaceNs(Name child, List<Name> nameservers) {
    if (nameservers.isEmpty()) {
      throw new ParentException(child, config.getName(), "an empty NS set cannot delegate", false);
    }
    List<Record> records = new ArrayList<>();
    for (Name ns : nameservers) {
      records.add(new NSRecord(child, DClass.IN, config.getNsTtl(), ns));
    }
    replace(Type.NS, Map.of(child, records));
  }

  /**
   * For each child, deletes its {@code type} RRset and adds its records, all in one TSIG-signed
   * UPDATE.
   */
  private void replace(int type, Map<Name, List<Record>> byChild) {
    Name child = byChild.keySet().iterator().next();
    String children =
        byChild.size() == 1 ? "" : " (one UPDATE for " + byChild.size() + " children)";
    if (tsig == null) {
      throw new ParentException(
          child,
          config.getName(),
          "no TSIG key is configured for this parent, so the ds-publisher sends it no "
              + Type.string(type)
              + " UPDATE (it takes changes from the signers: CDS scan, NOTIFY(CDS))",
          false);
    }
    Update update = new Update(zone);
    byChild.forEach(
        (name, records) -> {
          update.delete(name, type);
          records.forEach(update::add);
        });
    Message response = send(child, update, true, server);
    int rcode = response.getRcode();
    if (rcode != Rcode.NOERROR) {
      boolean retryable = rcode == Rcode.SERVFAIL;
      throw new ParentException(
          child,
          config.getName(),
          Type.string(type)
              + " update answered "
              + Rcode.string(rcode)
              + tsigNote(response)
              + children,
          retryable);
    }
    AuthoritativeDns.unverifiedTsig(response)
        .ifPresent(
            why -> {
              throw new ParentException(
                  child,
                  config.getName(),
                  Type.string(type)
                      + " update to "
                      + server
                      + " answered NOERROR but "
                      + why
                      + ": not taken as done"
                      + children,
                  true);
            });
  }

  /** The parent's nameservers a DS change is verified at (the update server by default). */
  public List<InetSocketAddress> verifyServers() {
    return verifyServers;
  }

  /** Reads the child's DS RRset at the update server and validates it where possible. */
  public Observed readDs(Name child, Instant now) {
    return readDs(child, now, server);
  }

  /**
   * Reads the child's DS RRset at {@code at} and validates it (or the proof that there is none)
   * from the parent's trust anchor.
   */
  public Observed readDs(Name child, Instant now, InetSocketAddress at) {
    return readDs(child, now, at, () -> keys(now, at, child));
  }

  /**
   * The parent's DNSKEY RRset as {@code at} serves it, validated from the trust anchor at {@code
   * now}: either the keys or why they cannot be used. One read of it serves the validation of many
   * children's DS answers from the same server ({@link #readDs(Name, Instant, InetSocketAddress,
   * Keys)}), as a resolver's cached copy would.
   */
  public Keys keys(Instant now, InetSocketAddress at) {
    return keys(now, at, zone);
  }

  /** {@link #keys(Instant, InetSocketAddress)}, a failure to ask naming {@code about}. */
  private Keys keys(Instant now, InetSocketAddress at, Name about) {
    RRset keys = answer(query(about, zone, Type.DNSKEY, at), zone, Type.DNSKEY);
    if (keys == null) {
      return new Keys(List.of(), "parent serves no DNSKEY RRset");
    }
    String keysNote = verifiedBy(keys, List.of(anchor), now);
    if (keysNote != null) {
      return new Keys(List.of(), "parent DNSKEY RRset: " + keysNote);
    }
    List<DNSKEYRecord> parentKeys = new ArrayList<>();
    keys.rrs().forEach(r -> parentKeys.add((DNSKEYRecord) r));
    return new Keys(List.copyOf(parentKeys), null);
  }

  /**
   * The parent's DNSKEY RRset validated from its trust anchor ({@code failure} null), or why not
   * ({@code keys} empty).
   */
  public record Keys(List<DNSKEYRecord> keys, String failure) {}

  /**
   * Reads the child's DS RRset at {@code at} and validates it (or the proof that there is none)
   * with the parent's {@code keys}, read and validated from the trust anchor before.
   */
  public Observed readDs(Name child, Instant now, InetSocketAddress at, Keys keys) {
    return readDs(child, now, at, () -> keys);
  }

  private Observed readDs(
      Name child, Instant now, InetSocketAddress at, Supplier<Keys> parentKeys) {
    Message dsAnswer = query(child, Type.DS, at);
    RRset ds = answer(dsAnswer, child, Type.DS);
    List<DSRecord> records = new ArrayList<>();
    if (ds != null) {
      ds.rrs().forEach(r -> records.add((DSRecord) r));
    }
    Keys keys = parentKeys.get();
    if (keys.failure() != null) {
      return new Observed(records, false, keys.failure());
    }
    if (ds == null) {
      return verified
          .noData(dsAnswer, child, Type.DS, keys.keys(), now)
          .map(why -> new Observed(records, false, why))
          .orElseGet(() -> new Observed(records, true, "no DS, proven by the parent's NSEC"));
    }
    String dsNote = verifiedBy(ds, keys.keys(), now);
    return dsNote == null
        ? new Observed(records, true, "DS RRset validated from the parent's trust anchor")
        : new Observed(records, false, "DS RRset: " + dsNote);
  }

  /** The configuration this parent was built from (no secret in it is logged). */
  public ParentConfig config() {
    return config;
  }

  /** The server UPDATEs go to, and what the parent's own records are read from. */
  public InetSocketAddress server() {
    return server;
  }

  /**
   * The {@code type} RRset at {@code owner} in the parent zone, read at the update server and
   * validated from the parent's trust anchor; empty when the parent serves none (NXDOMAIN or no
   * data; the denial is not validated: an absent record is not acted on).
   *
   * @throws ParentException when the RRset is served but does not validate, or the server fails
   */
  public Optional<RRset> readValidated(Name owner, int type, Instant now) {
    RRset set = answer(query(owner, type, server), owner, type);
    if (set == null) {
      return Optional.empty();
    }
    RRset keys = answer(query(zone, Type.DNSKEY, server), zone, Type.DNSKEY);
    String why =
        keys == null ? "the parent serves no DNSKEY RRset" : verifiedBy(keys, List.of(anchor), now);
    if (why == null) {
      List<DNSKEYRecord> parentKeys = new ArrayList<>();
      keys.rrs().forEach(r -> parentKeys.add((DNSKEYRecord) r));
      why = verifiedBy(set, parentKeys, now);
    }
    if (why != null) {
      throw new ParentException(
          owner,
          config.getName(),
          Type.string(type) + " at " + owner + " does not validate: " + why,
          false);
    }
    return Optional.of(set);
  }

  /** The NS RRset the parent delegates the child to (from the referral), sorted host names. */
  public List<String> readNs(Name child) {
    return readDelegation(child, server).names();
  }

  /**
   * The NS RRset {@code at} delegates the child to (from the referral): absolute lower-case host
   * names, sorted.
   */
  public List<String> readNs(Name child, InetSocketAddress at) {
    return readDelegation(child, at).names();
  }

  /** The parent's delegation of the child at the update server, with its TTL. */
  public Delegation readDelegation(Name child) {
    return readDelegation(child, server);
  }

  /**
   * The delegation {@code at} serves for the child (from the referral), with the TTL of its NS
   * RRset: NS-Wait-Time counts on how long resolvers may cache it.
   */
  public Delegation readDelegation(Name child, InetSocketAddress at) {
    Message response = query(child, Type.NS, at);
    List<String> names = new ArrayList<>();
    long ttl = 0;
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
      for (Record r : response.getSection(section)) {
        if (r instanceof NSRecord ns && r.getName().equals(child)) {
          names.add(ns.getTarget().toString().toLowerCase(Locale.ROOT));
          ttl = Math.max(ttl, r.getTTL());
        }
      }
    }
    return new Delegation(names.stream().distinct().sorted().toList(), ttl);
  }

  /** Null when some RRSIG over {@code set} verifies with one of {@code keys}, else why not. */
  private String verifiedBy(RRset set, List<DNSKEYRecord> keys, Instant now) {
    return verified.verify(set, keys, now).orElse(null);
  }

  /**
   * Signature checks this parent's reads have made, and how many more were answered by an RRset
   * found authentic before and still signed: {@code [made, remembered]}.
   */
  public long[] signatureChecks() {
    return new long[] {verified.verifications(), verified.remembered()};
  }

  private Message query(Name name, int type, InetSocketAddress at) {
    return query(name, name, type, at);
  }

  /** A query for {@code name}; a failure names {@code about} as the zone it was for. */
  private Message query(Name about, Name name, int type, InetSocketAddress at) {
    Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    Message response = send(about, query, false, at);
    if (response.getRcode() != Rcode.NOERROR && response.getRcode() != Rcode.NXDOMAIN) {
      throw new ParentException(
          about,
          config.getName(),
          Type.string(type) + " query to " + at + " answered " + Rcode.string(response.getRcode()),
          true);
    }
    return response;
  }

  private Message send(Name child, Message message, boolean signed, InetSocketAddress at) {
    SimpleResolver resolver =
        signed
            ? AuthoritativeDns.signed(at, config.getTimeout(), tsig)
            : AuthoritativeDns.resolver(at, config.getTimeout());
    try {
      return resolver.send(message);
    } catch (IOException e) {
      throw new ParentException(
          child, config.getName(), "no answer from " + at + ": " + e.getMessage(), true);
    }
  }

  private static RRset answer(Message m, Name name, int type) {
    return AuthoritativeDns.answer(m, name, type);
  }

  private static String tsigNote(Message response) {
    return response.getTSIG() == null ? "" : " (TSIG error " + response.getTSIG().getError() + ")";
  }

  private static InetSocketAddress parse(String hostPort) {
    int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("parent server must be host:port, got '" + hostPort + "'");
    }
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  /** Convenience for logs: the parent's name and server, no secret. */
  @Override
  public String toString() {
    return config.toString();
  }
}
