package dev.multisigner.lab.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What the algorithm-rollover lab tests look at: the algorithms a signer serves (DNSKEY, RRSIG,
 * CDS) straight from the signer, the DS per algorithm, and Unbound's verdict through one signer.
 */
final class AlgorithmRollChecks {

  static final int ECDSA = 13;
  static final int ED25519 = 15;
  static final Name WWW = Name.fromConstantString("www.example.test.");

  private AlgorithmRollChecks() {}

  /** The algorithms of the RRSIGs over {@code name}/{@code type} as the signer serves them. */
  static Set<Integer> rrsigAlgorithms(LabSigner s, Name name, int type) {
    Set<Integer> algs = new TreeSet<>();
    for (Record r : answer(s, name, type)) {
      if (r instanceof RRSIGRecord sig && sig.getTypeCovered() == type) {
        algs.add(sig.getAlgorithm());
      }
    }
    return algs;
  }

  /** The algorithms of the DNSKEY RRset the signer serves. */
  static Set<Integer> dnskeyAlgorithms(LabSigner s) {
    Set<Integer> algs = new TreeSet<>();
    DnsLab.servedDnskeys(s).forEach(k -> algs.add(k.getAlgorithm()));
    return algs;
  }

  /** The algorithms of the CDS RRset the signer serves for its own KSKs. */
  static Set<Integer> cdsAlgorithms(LabSigner s) {
    Set<Integer> algs = new TreeSet<>();
    for (Record r : answer(s, s.zone(), Type.CDS)) {
      if (r instanceof CDSRecord cds) {
        algs.add(cds.getAlgorithm());
      }
    }
    return algs;
  }

  /** SOA, DNSKEY and www A are each signed with exactly {@code algs}. */
  static void assertSignedWith(LabSigner s, Set<Integer> algs) {
    assertThat(rrsigAlgorithms(s, s.zone(), Type.SOA)).as("RRSIG SOA algorithms").isEqualTo(algs);
    assertThat(rrsigAlgorithms(s, s.zone(), Type.DNSKEY))
        .as("RRSIG DNSKEY algorithms")
        .isEqualTo(algs);
    assertThat(rrsigAlgorithms(s, WWW, Type.A)).as("RRSIG www A algorithms").isEqualTo(algs);
  }

  /** The SHA-256 DS of the signer's served SEP keys of {@code algorithm}. */
  static List<DSRecord> dsOf(LabSigner s, int algorithm) {
    List<DNSKEYRecord> keys =
        DnsLab.servedDnskeys(s).stream().filter(k -> k.getAlgorithm() == algorithm).toList();
    return BindParent.dsFor(keys);
  }

  /**
   * Multisigner's DS steps while {@code s} double-signs: the parent's DS set goes from {@code
   * oldDs} to old + new (stage b), then to new only; Unbound validates after each. Returns the new
   * DS.
   */
  static List<DSRecord> moveDsToEd25519(DnsLab lab, LabSigner s, List<DSRecord> oldDs) {
    BindParent parent = lab.parent();
    List<DSRecord> newDs = dsOf(s, ED25519);
    assertThat(newDs).hasSize(1);
    List<DSRecord> both = new ArrayList<>(oldDs);
    both.addAll(newDs);
    parent.putDs(both);
    assertThat(dsAlgorithms(parent)).containsExactly(ECDSA, ED25519);
    assertSecure(lab, s, "(b) double-signed, DS 13 and 15");
    parent.putDs(newDs);
    assertThat(dsAlgorithms(parent)).containsExactly(ED25519);
    assertSecure(lab, s, "double-signed, DS 15 only");
    return newDs;
  }

  static Set<Integer> dsAlgorithms(BindParent parent) {
    Set<Integer> algs = new TreeSet<>();
    parent.ds().forEach(d -> algs.add(d.getAlgorithm()));
    return algs;
  }

  /**
   * Unbound, with nothing of the zone cached and only {@code s} as the zone's server, validates www
   * A, SOA and DNSKEY (NOERROR with AD) against the parent's DS set as it is now.
   */
  static void assertSecure(DnsLab lab, LabSigner s, String stage) {
    UnboundValidator v = lab.validator();
    v.flushZone();
    v.useOnly(s);
    for (int type : List.of(Type.A, Type.SOA, Type.DNSKEY)) {
      Name name = type == Type.A ? WWW : s.zone();
      Message m = v.query(name, type);
      assertThat(Rcode.string(m.getRcode()))
          .as("%s: %s %s via %s\n%s", stage, name, Type.string(type), s.id(), v.logTail())
          .isEqualTo("NOERROR");
      assertThat(m.getHeader().getFlag(Flags.AD))
          .as("%s: AD on %s %s", stage, name, Type.string(type))
          .isTrue();
    }
  }

  /** Unbound answers SERVFAIL (bogus) for www A through {@code s} alone: the negative control. */
  static void assertBogus(DnsLab lab, LabSigner s, String stage) {
    UnboundValidator v = lab.validator();
    v.flushZone();
    v.useOnly(s);
    assertThat(Rcode.string(v.query(WWW, Type.A).getRcode())).as(stage).isEqualTo("SERVFAIL");
  }

  static double seconds(long sinceNanos) {
    return Math.round((System.nanoTime() - sinceNanos) / 1e8) / 10.0;
  }

  private static List<Record> answer(LabSigner s, Name name, int type) {
    try {
      return DnsQueries.query(s.dnsAddress(), name, type, false, true, Duration.ofSeconds(3))
          .getSection(Section.ANSWER);
    } catch (IOException e) {
      throw new UncheckedIOException(s.id() + " did not answer " + name, e);
    }
  }
}
