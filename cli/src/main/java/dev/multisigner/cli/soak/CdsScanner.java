package dev.multisigner.cli.soak;

import dev.multisigner.dnsquery.Signatures;
import dev.multisigner.lab.dns.LabSigner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The parent's CDS scanner for a scenario whose DS channel is {@code CDS_SCAN} (RFC 7344 §4.1, RFC
 * 9975 for many signers): a parental agent that, every scan, asks every nameserver in the parent's
 * delegation for its CDS RRset and replaces the DS RRset only when all of them serve the identical,
 * non-empty set (while the delegation still names the lab's in-zone hosts, the scenario's members
 * stand for them) and each one's CDS RRset validates through its DNSKEY RRset from the current DS
 * (a zone still without DS is bootstrapped on identical CDS seen on two scans in a row, RFC 8078
 * §3's "accept after delay" shortened for the lab). It writes the DS with the policy's DS TTL.
 */
final class CdsScanner {

  private final ZoneView view;
  private final Supplier<List<LabSigner>> members;
  private final long dsTtlSeconds;
  private Set<String> pendingBootstrap;
  private int updates;
  private volatile String lastRefusal = "not scanned yet";

  CdsScanner(ZoneView view, Supplier<List<LabSigner>> members, long dsTtlSeconds) {
    this.members = members;
    this.view = view;
    this.dsTtlSeconds = dsTtlSeconds;
  }

  /** Why the last scan that found a change did not act on it (for a failure's reason). */
  String lastRefusal() {
    return lastRefusal;
  }

  /** How many times the scanner changed the parent's DS. */
  int updates() {
    return updates;
  }

  /** One scan; true when it changed the parent's DS RRset. */
  boolean scan() {
    Set<String> hosts = view.parentNs();
    List<LabSigner> delegated =
        view.lab().signers().stream().filter(s -> hosts.contains(view.host(s.id()))).toList();
    if (delegated.isEmpty()) {
      // the lab's first delegation names in-zone hosts (ns1/ns2) that stand for the members
      delegated = members.get();
    } else if (delegated.size() != hosts.size()) {
      return refuse("delegation " + hosts + " names hosts outside the lab");
    }
    if (delegated.isEmpty()) {
      return refuse("no member to ask");
    }
    List<DSRecord> current = view.lab().parent().ds(view.name());
    Set<String> cds = null;
    Set<Integer> cdsTags = Set.of();
    List<CDSRecord> records = List.of();
    for (LabSigner s : delegated) {
      List<Record> answer = view.records(s, Type.CDS);
      List<CDSRecord> set =
          answer.stream().filter(r -> r instanceof CDSRecord).map(r -> (CDSRecord) r).toList();
      Set<String> rdata =
          set.stream().map(Record::rdataToString).collect(Collectors.toCollection(TreeSet::new));
      if (set.isEmpty()) {
        return refuse(s.id() + " serves no CDS");
      }
      if (cds != null && !cds.equals(rdata)) {
        return refuse(s.id() + "'s CDS " + tags(set) + " differ from the others' " + cdsTags);
      }
      if (!current.isEmpty() && !authentic(s, answer, current)) {
        return refuse(s.id() + "'s CDS do not validate from the parent's DS");
      }
      cdsTags = tags(set);
      cds = rdata;
      records = set;
    }
    Set<String> now =
        current.stream().map(Record::rdataToString).collect(Collectors.toCollection(TreeSet::new));
    if (now.equals(cds)) {
      pendingBootstrap = null;
      return false;
    }
    if (current.isEmpty() && !cds.equals(pendingBootstrap)) {
      pendingBootstrap = cds;
      return refuse("bootstrap: waiting for a second identical scan");
    }
    List<DSRecord> ds = new ArrayList<>();
    for (CDSRecord c : records) {
      ds.add(
          new DSRecord(
              c.getName(),
              c.getDClass(),
              dsTtlSeconds,
              c.getFootprint(),
              c.getAlgorithm(),
              c.getDigestID(),
              c.getDigest()));
    }
    view.lab().parent().putDs(view.name(), ds, dsTtlSeconds);
    pendingBootstrap = null;
    updates++;
    lastRefusal = "none (DS " + cdsTags + " written)";
    return true;
  }

  private boolean refuse(String why) {
    lastRefusal = why;
    return false;
  }

  private static Set<Integer> tags(List<CDSRecord> set) {
    return set.stream().map(CDSRecord::getFootprint).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * True when {@code signer}'s DNSKEY RRset is signed by a key the current DS names and its CDS
   * RRset ({@code cdsAnswer}, with RRSIGs) is signed by a key of that DNSKEY RRset.
   */
  private boolean authentic(LabSigner signer, List<Record> cdsAnswer, List<DSRecord> ds) {
    RRset dnskeys = rrset(view.records(signer, Type.DNSKEY), Type.DNSKEY);
    RRset cds = rrset(cdsAnswer, Type.CDS);
    if (dnskeys == null || cds == null) {
      return false;
    }
    List<DNSKEYRecord> keys = new ArrayList<>();
    dnskeys.rrs().forEach(r -> keys.add((DNSKEYRecord) r));
    List<DNSKEYRecord> anchored =
        keys.stream().filter(k -> ds.stream().anyMatch(d -> matches(d, k))).toList();
    Instant now = Instant.now();
    return !anchored.isEmpty()
        && Signatures.verify(dnskeys, anchored, now).isEmpty()
        && Signatures.verify(cds, keys, now).isEmpty();
  }

  private static boolean matches(DSRecord ds, DNSKEYRecord key) {
    if (ds.getFootprint() != key.getFootprint() || ds.getAlgorithm() != key.getAlgorithm()) {
      return false;
    }
    DSRecord computed = new DSRecord(key.getName(), key.getDClass(), 0, ds.getDigestID(), key);
    return java.util.Arrays.equals(computed.getDigest(), ds.getDigest());
  }

  private static RRset rrset(List<Record> answer, int type) {
    RRset set = null;
    for (Record r : answer) {
      if (r.getType() == type || r.getRRsetType() == type) {
        if (set == null) {
          set = new RRset(r);
        } else {
          set.addRR(r);
        }
      }
    }
    return set;
  }
}
