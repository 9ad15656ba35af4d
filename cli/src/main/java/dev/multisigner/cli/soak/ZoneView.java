package dev.multisigner.cli.soak;

import dev.multisigner.checker.CheckReport;
import dev.multisigner.checker.CrossSignerChecker;
import dev.multisigner.checker.ParentEndpoint;
import dev.multisigner.checker.SignerEndpoint;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.lab.dns.MultiZoneLab;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.dns.DnsKeyReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * What one scenario's zone (one of the shared lab's) looks like from outside, asked of the real
 * daemons: each signer's DNSKEY RRset, the keys it signs with, its CDS/CDNSKEY, and the parent's DS
 * and NS; {@link #verdict} says whether a group of signers has converged, and if not, why.
 */
final class ZoneView {

  private final DnsLab lab;
  private final Name name;
  private final ZoneName zone;
  private final CrossSignerChecker checker = new CrossSignerChecker(Duration.ofSeconds(3));

  /** {@code zone} of the shared lab's signers and parent ({@link MultiZoneLab#lab()}). */
  ZoneView(DnsLab lab, Name zone) {
    this.lab = lab;
    this.name = zone;
    this.zone = ZoneName.of(zone.toString());
  }

  Name name() {
    return name;
  }

  DnsLab lab() {
    return lab;
  }

  /**
   * Null when {@code group} has converged: the parent's NS set names exactly the group's hosts and
   * its DS set is exactly the DS of the group's KSKs (CSKs); every member serves exactly every
   * member's keys (model 2 shares ZSKs and KSKs), no more (a withdrawn key is gone); CDS and
   * CDNSKEY are identical at every member and cover exactly those KSKs; and the cross-provider
   * checker finds every chain, pair and CDS signature valid. Otherwise the first reason it has not.
   */
  String verdict(List<? extends LabSigner> group) {
    Set<String> hosts = new TreeSet<>();
    group.forEach(s -> hosts.add(host(s.id())));
    Set<String> ns = parentNs();
    if (!ns.equals(hosts)) {
      return "parent NS " + ns + " is not " + hosts;
    }
    Set<Integer> ksks = new TreeSet<>();
    Set<Integer> keys = new TreeSet<>();
    for (LabSigner s : group) {
      Set<Integer> own = ownKsks(s);
      if (own.isEmpty()) {
        return s.id() + " serves no signed DNSKEY RRset";
      }
      ksks.addAll(own);
      keys.addAll(own);
      keys.addAll(soaSigners(s));
    }
    Set<Integer> ds = parentDs();
    if (!ds.equals(ksks)) {
      return "parent DS " + ds + " is not the members' KSKs " + ksks;
    }
    Set<String> cds = null;
    Set<String> cdnskey = null;
    for (LabSigner s : group) {
      Set<Integer> served = dnskeys(s);
      if (!served.equals(keys)) {
        return s.id() + " serves DNSKEY " + served + ", not the members' keys " + keys;
      }
      Set<String> c = rdata(s, Type.CDS);
      Set<String> k = rdata(s, Type.CDNSKEY);
      if (cds == null) {
        cds = c;
        cdnskey = k;
        Set<Integer> tags =
            c.stream()
                .map(x -> Integer.parseInt(x.split(" ")[0]))
                .collect(Collectors.toCollection(TreeSet::new));
        if (!tags.equals(ksks)) {
          return s.id() + " CDS tags " + tags + " are not the KSKs " + ksks;
        }
      } else if (!cds.equals(c) || !cdnskey.equals(k)) {
        return s.id() + "'s CDS/CDNSKEY differ from " + group.get(0).id() + "'s";
      }
    }
    CheckReport report = check(group);
    return report.allValid() ? null : "checker: " + firstLine(report);
  }

  private static String firstLine(CheckReport report) {
    List<String> lines = new ArrayList<>();
    report.failingChains().forEach(c -> lines.add(c.toString()));
    report.failingPairs().forEach(p -> lines.add(p.toString()));
    report.failingCdsSignatures().forEach(p -> lines.add("CDS " + p));
    return lines.isEmpty() ? "not valid" : lines.get(0);
  }

  CheckReport check(List<? extends LabSigner> group) {
    List<SignerEndpoint> endpoints =
        group.stream().map(s -> new SignerEndpoint(s.id(), s.dnsAddress())).toList();
    return checker.check(
        zone,
        endpoints,
        new ParentEndpoint(lab.parent().dnsAddress(), lab.parent().trustAnchor()),
        Instant.now());
  }

  /** The parent's NS host for a lab signer, lower case. */
  String host(String labId) {
    return lab.parent().providerNsHost(labId).toString().toLowerCase();
  }

  Set<String> parentNs() {
    return lab.parent().ns(name).stream()
        .map(Name::toString)
        .map(String::toLowerCase)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  Set<Integer> parentDs() {
    return lab.parent().ds(name).stream()
        .map(DSRecord::getFootprint)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Key tags of the DNSKEY RRset {@code signer} serves. */
  Set<Integer> dnskeys(LabSigner signer) {
    return records(signer, Type.DNSKEY).stream()
        .filter(r -> r instanceof DNSKEYRecord)
        .map(r -> ((DNSKEYRecord) r).getFootprint())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** SEP keys that sign {@code signer}'s DNSKEY RRset: its own KSKs (or CSKs). */
  Set<Integer> ownKsks(LabSigner signer) {
    List<Record> rrset = records(signer, Type.DNSKEY);
    Set<Integer> signing =
        rrset.stream()
            .filter(r -> r instanceof RRSIGRecord)
            .map(r -> ((RRSIGRecord) r).getFootprint())
            .collect(Collectors.toSet());
    return rrset.stream()
        .filter(r -> r instanceof DNSKEYRecord k && (k.getFlags() & 1) == 1)
        .map(r -> ((DNSKEYRecord) r).getFootprint())
        .filter(signing::contains)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Key tags of the RRSIGs over {@code signer}'s SOA: the keys it signs zone data with. */
  Set<Integer> soaSigners(LabSigner signer) {
    return records(signer, Type.SOA).stream()
        .filter(r -> r instanceof RRSIGRecord)
        .map(r -> ((RRSIGRecord) r).getFootprint())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The rdata of an RRset (no RRSIGs) as {@code signer} serves it, as text, sorted. */
  Set<String> rdata(LabSigner signer, int type) {
    return records(signer, type).stream()
        .filter(r -> r.getType() == type)
        .map(Record::rdataToString)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The RRset and its RRSIGs; empty when the signer cannot be asked. */
  List<Record> records(LabSigner signer, int type) {
    try {
      return new DnsKeyReader(SignerId.of(signer.id()), signer.dnsAddress(), Duration.ofSeconds(3))
          .query(zone, type);
    } catch (ProviderException e) {
      return List.of();
    }
  }
}
