package dev.multisigner.providers.modelone;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A Knot DNS SignedKeyResponse (offline-KSK, Knot 3.2 {@code keymgr import-skr}): sections, each
 * valid from its timestamp until the next one's, with the DNSKEY RRset a member serves, the CDNSKEY
 * and CDS RRsets, and the owner KSK's RRSIGs over them. Knot serves a section's records exactly as
 * given, foreign ZSKs included, and checks on import only that an RRSIG in each section verifies
 * under a flags-257 key of that section; it keeps serving the last section's RRSIGs after they
 * expire. So {@link #check} is stricter: every section signed by the expected KSK at its own time,
 * one algorithm, and the last signature still valid for a margin — an SKR that fails it is never
 * installed.
 *
 * @param zone the zone's apex
 * @param sections in time order
 */
public record SignedKeyResponse(Name zone, List<Section> sections) {

  static final String HEADER = ";; SignedKeyResponse 1.0 ";
  private static final Pattern SECTION =
      Pattern.compile("^;; SignedKeyResponse 1\\.0 (\\d+) .*$", Pattern.MULTILINE);
  private static final Pattern KSR_SECTION =
      Pattern.compile("^;; KeySigningRequest 1\\.0 (\\d+) .*$", Pattern.MULTILINE);

  public SignedKeyResponse {
    sections = List.copyOf(sections);
    if (sections.isEmpty()) {
      throw new IllegalArgumentException("zone=" + zone + ": a SignedKeyResponse needs a section");
    }
  }

  /**
   * One section: what the member serves from {@code timestamp} on.
   *
   * @param timestamp when this section takes over (whole seconds)
   */
  public record Section(
      Instant timestamp,
      List<DNSKEYRecord> dnskeys,
      List<CDNSKEYRecord> cdnskeys,
      List<CDSRecord> cds,
      List<RRSIGRecord> rrsigs) {
    public Section {
      dnskeys = List.copyOf(dnskeys);
      cdnskeys = List.copyOf(cdnskeys);
      cds = List.copyOf(cds);
      rrsigs = List.copyOf(rrsigs);
    }

    List<Record> records() {
      List<Record> all = new ArrayList<>(dnskeys);
      all.addAll(cdnskeys);
      all.addAll(cds);
      all.addAll(rrsigs);
      return all;
    }
  }

  /** The last moment any section's DNSKEY signature is valid: re-sign well before it. */
  public Instant validUntil() {
    Section last = sections.get(sections.size() - 1);
    return last.rrsigs().stream()
        .filter(s -> s.getTypeCovered() == Type.DNSKEY)
        .map(RRSIGRecord::getExpire)
        .min(Instant::compareTo)
        .orElse(last.timestamp());
  }

  /** The text {@code keymgr import-skr} reads. */
  public String render(Instant generatedAt) {
    StringBuilder out = new StringBuilder();
    for (Section s : sections) {
      out.append(HEADER)
          .append(s.timestamp().getEpochSecond())
          .append(" (")
          .append(s.timestamp().truncatedTo(ChronoUnit.SECONDS))
          .append(") =========\n");
      for (Record r : s.records()) {
        out.append(r).append('\n');
      }
    }
    out.append(HEADER)
        .append("generated at ")
        .append(generatedAt.truncatedTo(ChronoUnit.SECONDS))
        .append(" by Multisigner\n");
    return out.toString();
  }

  /** Reads an SKR's text (ours or Knot's {@code sign-ksr}). */
  public static SignedKeyResponse parse(Name zone, String text) {
    List<Section> sections = new ArrayList<>();
    for (Chunk c : chunks(zone, text, SECTION)) {
      List<DNSKEYRecord> dnskeys = new ArrayList<>();
      List<CDNSKEYRecord> cdnskeys = new ArrayList<>();
      List<CDSRecord> cds = new ArrayList<>();
      List<RRSIGRecord> rrsigs = new ArrayList<>();
      for (Record r : c.records()) {
        if (!r.getName().equals(zone)) {
          throw new IllegalArgumentException(
              "zone=" + zone + ": SKR record for another name: " + r.getName());
        }
        if (r instanceof CDNSKEYRecord k) {
          cdnskeys.add(k);
        } else if (r instanceof DNSKEYRecord k) {
          dnskeys.add(k);
        } else if (r instanceof CDSRecord d) {
          cds.add(d);
        } else if (r instanceof RRSIGRecord sig) {
          rrsigs.add(sig);
        } else {
          throw new IllegalArgumentException(
              "zone=" + zone + ": unexpected " + Type.string(r.getType()) + " in an SKR");
        }
      }
      sections.add(new Section(c.timestamp(), dnskeys, cdnskeys, cds, rrsigs));
    }
    return new SignedKeyResponse(zone, sections);
  }

  /**
   * Model 1 with a provider as the KSK holder (RFC 8901 §2.1.1): the holder signs its own DNSKEY
   * RRset, which already carries every member's ZSK, and the members serve exactly that RRset with
   * the holder's RRSIGs. One section at {@code at} (which the holder's signatures must cover),
   * valid until the holder's DNSKEY RRSIG expires; read it again when the holder re-signs.
   */
  public static SignedKeyResponse ofServed(
      Name zone,
      List<DNSKEYRecord> dnskeys,
      List<CDNSKEYRecord> cdnskeys,
      List<CDSRecord> cds,
      List<RRSIGRecord> signatures,
      Instant at) {
    List<RRSIGRecord> keySigs =
        signatures.stream()
            .filter(
                s ->
                    s.getTypeCovered() == Type.DNSKEY
                        || s.getTypeCovered() == Type.CDS
                        || s.getTypeCovered() == Type.CDNSKEY)
            .toList();
    return new SignedKeyResponse(
        zone,
        List.of(new Section(at.truncatedTo(ChronoUnit.SECONDS), dnskeys, cdnskeys, cds, keySigs)));
  }

  /**
   * The ZSKs a member asks to have signed: the first section of its KeySigningRequest ({@code
   * keymgr <zone> generate-ksr <from> <to>}).
   */
  public static List<DNSKEYRecord> zsksOfKeySigningRequest(Name zone, String ksrText) {
    List<Chunk> chunks = chunks(zone, ksrText, KSR_SECTION);
    if (chunks.isEmpty()) {
      throw new IllegalArgumentException("zone=" + zone + ": no KeySigningRequest section");
    }
    List<DNSKEYRecord> out = new ArrayList<>();
    for (Record r : chunks.get(0).records()) {
      if (r instanceof DNSKEYRecord k
          && !(r instanceof CDNSKEYRecord)
          && r.getName().equals(zone)) {
        out.add(k);
      }
    }
    return out;
  }

  /**
   * Checks the SKR before it is installed anywhere: every section has {@code ksk} in its DNSKEY
   * RRset, one algorithm, the KSK's RRSIG over DNSKEY (and CDS/CDNSKEY when present) verifying at
   * the section's time, sections in time order, and the last signature valid until at least {@code
   * now + margin}.
   *
   * @throws IllegalArgumentException naming the zone, the section and the cause
   */
  public void check(DNSKEYRecord ksk, Instant now, Duration margin) {
    Instant previous = Instant.MIN;
    for (Section s : sections) {
      String where = "zone=" + zone + " SKR section " + s.timestamp() + ": ";
      if (!s.timestamp().isAfter(previous)) {
        throw new IllegalArgumentException(where + "sections are not in time order");
      }
      previous = s.timestamp();
      if (s.dnskeys().stream().noneMatch(k -> sameKey(k, ksk))) {
        throw new IllegalArgumentException(
            where + "the DNSKEY RRset lacks the owner KSK " + ksk.getFootprint());
      }
      for (DNSKEYRecord k : s.dnskeys()) {
        if (k.getAlgorithm() != ksk.getAlgorithm()) {
          throw new IllegalArgumentException(
              where
                  + "key "
                  + k.getFootprint()
                  + " has algorithm "
                  + k.getAlgorithm()
                  + ", the owner KSK "
                  + ksk.getAlgorithm()
                  + " (RFC 8901 §4: one algorithm)");
        }
      }
      verify(where, s, Type.DNSKEY, s.dnskeys(), ksk);
      if (!s.cds().isEmpty()) {
        verify(where, s, Type.CDS, s.cds(), ksk);
      }
      if (!s.cdnskeys().isEmpty()) {
        verify(where, s, Type.CDNSKEY, s.cdnskeys(), ksk);
      }
    }
    if (validUntil().isBefore(now.plus(margin))) {
      throw new IllegalArgumentException(
          "zone="
              + zone
              + ": SKR signatures expire at "
              + validUntil()
              + ", before "
              + now.plus(margin)
              + " (now + "
              + margin
              + "): refused, it would serve expired or expiring signatures");
    }
  }

  private void verify(
      String where, Section s, int type, List<? extends Record> records, DNSKEYRecord ksk) {
    RRset rrset = new RRset();
    records.forEach(rrset::addRR);
    RRSIGRecord sig =
        s.rrsigs().stream()
            .filter(r -> r.getTypeCovered() == type && r.getFootprint() == ksk.getFootprint())
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        where
                            + "no RRSIG over "
                            + Type.string(type)
                            + " by the owner KSK "
                            + ksk.getFootprint()));
    try {
      DNSSEC.verify(rrset, sig, ksk, s.timestamp());
    } catch (DNSSEC.DNSSECException e) {
      throw new IllegalArgumentException(
          where
              + "the RRSIG over "
              + Type.string(type)
              + " does not verify under the owner KSK "
              + ksk.getFootprint()
              + ": "
              + e.getMessage());
    }
  }

  static boolean sameKey(DNSKEYRecord a, DNSKEYRecord b) {
    return a.getFlags() == b.getFlags()
        && a.getAlgorithm() == b.getAlgorithm()
        && java.util.Arrays.equals(a.getKey(), b.getKey());
  }

  private record Chunk(Instant timestamp, List<Record> records) {}

  private static List<Chunk> chunks(Name zone, String text, Pattern header) {
    List<Chunk> out = new ArrayList<>();
    Matcher m = header.matcher(text);
    List<int[]> bounds = new ArrayList<>();
    List<Instant> times = new ArrayList<>();
    while (m.find()) {
      bounds.add(new int[] {m.start(), m.end()});
      times.add(Instant.ofEpochSecond(Long.parseLong(m.group(1))));
    }
    for (int i = 0; i < bounds.size(); i++) {
      int from = bounds.get(i)[1];
      int to = text.indexOf("\n;; ", from);
      if (i + 1 < bounds.size()) {
        to = bounds.get(i + 1)[0];
      } else if (to < 0) {
        to = text.length();
      }
      out.add(new Chunk(times.get(i), records(zone, text.substring(from, to))));
    }
    return out;
  }

  private static List<Record> records(Name zone, String body) {
    List<Record> out = new ArrayList<>();
    try (Master master =
        new Master(new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)), zone)) {
      Record r;
      while ((r = master.nextRecord()) != null) {
        out.add(r);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "zone=" + zone + ": unreadable SKR/KSR text: " + e.getMessage(), e);
    }
    return out;
  }
}
