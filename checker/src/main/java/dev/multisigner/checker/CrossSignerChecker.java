package dev.multisigner.checker;

import dev.multisigner.dnsquery.Signatures;
import dev.multisigner.domain.model.ZoneName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Checks, with real signatures, whether a multi-signer zone validates whichever signer answers (RFC
 * 8901 §5, model 2):
 *
 * <ol type="a">
 *   <li>each signer's DNSKEY RRset chains to the parent's DS RRset;
 *   <li>each signer's signed answers validate with <em>every</em> signer's DNSKEY RRset (the
 *       answer-signer × key-source matrix: a resolver may have cached the DNSKEY RRset from one
 *       provider and get the answer from another);
 *   <li>CDS and CDNSKEY are identical at every signer.
 * </ol>
 *
 * <p>All signatures are verified at the instant given by {@link Signatures}, the verification the
 * ds-publisher and the lab's parent agent use too (one rule: any one RRSIG by a matching zone key
 * verifies). The checker is not kept as an independent implementation on purpose: its independent
 * oracle is Unbound, which the lab tests hold it to ({@code CheckerAgreesWithUnboundTest}).
 */
public final class CrossSignerChecker {

  private final DnsFetcher fetcher;

  public CrossSignerChecker() {
    this(Duration.ofSeconds(3));
  }

  public CrossSignerChecker(Duration queryTimeout) {
    this.fetcher = new DnsFetcher(queryTimeout);
  }

  public CheckReport check(
      ZoneName zone, List<SignerEndpoint> signers, ParentEndpoint parent, Instant now) {
    Name zoneName = zone.toName();
    List<SignerSnapshot> snapshots =
        signers.stream().map(s -> fetcher.snapshot(s, zoneName)).toList();
    List<String> parentProblems = new ArrayList<>();
    List<DSRecord> ds = parentDs(zoneName, parent, now, parentProblems);
    return evaluate(zone, snapshots, ds, parentProblems, now);
  }

  /** The pure part: judges already fetched data (also usable with recorded snapshots). */
  static CheckReport evaluate(
      ZoneName zone,
      List<SignerSnapshot> snapshots,
      List<DSRecord> parentDs,
      List<String> parentProblems,
      Instant now) {
    List<String> ids = snapshots.stream().map(s -> s.signer().id()).toList();
    List<String> fetchProblems = new ArrayList<>();
    for (SignerSnapshot s : snapshots) {
      s.problems().forEach(p -> fetchProblems.add(s.signer().id() + ": " + p));
    }
    List<ChainResult> chains = new ArrayList<>();
    for (SignerSnapshot s : snapshots) {
      chains.add(chain(s, parentDs, parentProblems, now));
    }
    List<PairResult> matrix = new ArrayList<>();
    for (SignerSnapshot answers : snapshots) {
      for (SignerSnapshot keys : snapshots) {
        matrix.add(pair(answers, keys, now));
      }
    }
    List<PairResult> cdsSignatures = new ArrayList<>();
    for (SignerSnapshot answers : snapshots) {
      for (SignerSnapshot keys : snapshots) {
        cdsSignatures.add(cdsPair(answers, keys, now));
      }
    }
    return new CheckReport(
        zone,
        now,
        ids,
        parentProblems,
        chains,
        matrix,
        cds(snapshots),
        cdsSignatures,
        fetchProblems);
  }

  /** The parent's DS RRset for the zone, verified with the parent's (anchored) DNSKEY RRset. */
  private List<DSRecord> parentDs(
      Name zone, ParentEndpoint parent, Instant now, List<String> problems) {
    RRset ds = fetcher.rrset(parent.address(), zone, Type.DS, problems);
    if (ds.isEmpty()) {
      if (problems.isEmpty()) {
        problems.add("no DS RRset for " + zone + " at the parent " + parent.address());
      }
      return List.of();
    }
    if (ds.sigs().isEmpty()) {
      problems.add("DS RRset for " + zone + " is not signed");
      return List.of();
    }
    Name parentZone = ds.sigs().get(0).getSigner();
    RRset parentKeys = fetcher.rrset(parent.address(), parentZone, Type.DNSKEY, problems);
    List<DNSKEYRecord> keys = dnskeys(parentKeys);
    List<DNSKEYRecord> anchor = parent.trustAnchor().isEmpty() ? keys : parent.trustAnchor();
    Optional<String> keysBad = Signatures.verify(parentKeys, anchor, now);
    if (keysBad.isPresent()) {
      problems.add("parent DNSKEY RRset not valid with the trust anchor: " + keysBad.get());
      return List.of();
    }
    Optional<String> dsBad = Signatures.verify(ds, keys, now);
    if (dsBad.isPresent()) {
      problems.add("parent DS RRset not valid: " + dsBad.get());
      return List.of();
    }
    return ds.rrs().stream().map(r -> (DSRecord) r).toList();
  }

  static ChainResult chain(
      SignerSnapshot s, List<DSRecord> ds, List<String> parentProblems, Instant now) {
    String id = s.signer().id();
    if (!parentProblems.isEmpty()) {
      return new ChainResult(id, false, "parent: " + String.join("; ", parentProblems));
    }
    List<DNSKEYRecord> keys = dnskeys(s.dnskey());
    if (keys.isEmpty()) {
      return new ChainResult(id, false, "no DNSKEY RRset");
    }
    List<DNSKEYRecord> matched = new ArrayList<>();
    for (DSRecord d : ds) {
      for (DNSKEYRecord k : keys) {
        if (matches(d, k)) {
          matched.add(k);
        }
      }
    }
    if (matched.isEmpty()) {
      return new ChainResult(
          id,
          false,
          "no DS matches a key of this DNSKEY RRset: DS "
              + ds.stream().map(d -> Integer.toString(d.getFootprint())).sorted().toList()
              + ", keys "
              + Signatures.tags(keys));
    }
    Optional<String> bad = Signatures.verify(s.dnskey(), matched, now);
    if (bad.isPresent()) {
      return new ChainResult(
          id, false, "DS matches, but the DNSKEY RRset signature does not: " + bad.get());
    }
    return new ChainResult(
        id,
        true,
        "DS matches and signs the DNSKEY RRset: "
            + matched.stream()
                .map(k -> Integer.toString(k.getFootprint()))
                .collect(Collectors.joining(" ")));
  }

  static boolean matches(DSRecord ds, DNSKEYRecord key) {
    if (ds.getFootprint() != key.getFootprint() || ds.getAlgorithm() != key.getAlgorithm()) {
      return false;
    }
    try {
      DSRecord computed = new DSRecord(key.getName(), key.getDClass(), 0, ds.getDigestID(), key);
      return Arrays.equals(computed.getDigest(), ds.getDigest());
    } catch (IllegalArgumentException e) {
      return false; // unsupported digest type
    }
  }

  static PairResult pair(SignerSnapshot answers, SignerSnapshot keys, Instant now) {
    List<String> reasons = new ArrayList<>();
    if (!answers.problems().isEmpty()) {
      reasons.add(answers.signer().id() + " could not be fetched completely");
    }
    if (!keys.problems().isEmpty() && keys != answers) {
      reasons.add(keys.signer().id() + " could not be fetched completely");
    }
    List<DNSKEYRecord> keySet = dnskeys(keys.dnskey());
    if (answers.signed().isEmpty()) {
      reasons.add("no signed RRsets fetched from " + answers.signer().id());
    }
    for (RRset rrset : answers.signed()) {
      Signatures.verify(rrset, keySet, now)
          .ifPresent(
              why ->
                  reasons.add(
                      why
                          + " (answer from "
                          + answers.signer().id()
                          + ", keys of "
                          + keys.signer().id()
                          + ")"));
    }
    // the apex SOA also comes back in the NXDOMAIN's authority section: report each reason once
    List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(reasons));
    return new PairResult(answers.signer().id(), keys.signer().id(), distinct.isEmpty(), distinct);
  }

  /** Do {@code answers}' CDS/CDNSKEY RRsets validate with {@code keys}' DNSKEY RRset? */
  static PairResult cdsPair(SignerSnapshot answers, SignerSnapshot keys, Instant now) {
    List<String> reasons = new ArrayList<>();
    List<DNSKEYRecord> keySet = dnskeys(keys.dnskey());
    for (RRset rrset : List.of(answers.cds(), answers.cdnskey())) {
      if (!rrset.isEmpty()) {
        Signatures.verify(rrset, keySet, now).ifPresent(reasons::add);
      }
    }
    return new PairResult(answers.signer().id(), keys.signer().id(), reasons.isEmpty(), reasons);
  }

  static CdsResult cds(List<SignerSnapshot> snapshots) {
    Map<String, Set<String>> cds = new LinkedHashMap<>();
    Map<String, Set<String>> cdnskey = new LinkedHashMap<>();
    for (SignerSnapshot s : snapshots) {
      cds.put(s.signer().id(), rdata(s.cds()));
      cdnskey.put(s.signer().id(), rdata(s.cdnskey()));
    }
    List<String> reasons = new ArrayList<>();
    differences("CDS", cds, reasons);
    differences("CDNSKEY", cdnskey, reasons);
    return new CdsResult(reasons.isEmpty(), cds, cdnskey, reasons);
  }

  private static void differences(
      String type, Map<String, Set<String>> sets, List<String> reasons) {
    if (sets.isEmpty()) {
      return;
    }
    Map.Entry<String, Set<String>> first = sets.entrySet().iterator().next();
    for (Map.Entry<String, Set<String>> e : sets.entrySet()) {
      if (!e.getValue().equals(first.getValue())) {
        reasons.add(
            type
                + " at "
                + e.getKey()
                + " "
                + summary(type, e.getValue())
                + " differs from "
                + first.getKey()
                + " "
                + summary(type, first.getValue()));
      }
    }
  }

  private static String summary(String type, Set<String> rdata) {
    // CDS rdata starts with the key tag; CDNSKEY rdata is long: show flags and the key's tail
    return rdata.stream()
        .map(
            r ->
                type.equals("CDS")
                    ? r.split(" ")[0]
                    : r.substring(0, 9) + "…" + r.substring(Math.max(9, r.length() - 8)))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static Set<String> rdata(RRset rrset) {
    Set<String> out = new TreeSet<>();
    for (Record r : rrset.rrs()) {
      out.add(r.rdataToString());
    }
    return out;
  }

  static List<DNSKEYRecord> dnskeys(RRset rrset) {
    List<DNSKEYRecord> out = new ArrayList<>();
    for (Record r : rrset.rrs()) {
      if (r instanceof DNSKEYRecord k) {
        out.add(k);
      }
    }
    return out;
  }

  /** The RRSIG key tags over an RRset, for messages. */
  static String signedBy(RRset rrset) {
    return rrset.sigs().stream()
        .map(RRSIGRecord::getFootprint)
        .map(String::valueOf)
        .collect(Collectors.joining(" "));
  }
}
