package dev.multisigner.e2e;

import static dev.multisigner.e2e.E2eWorld.KNOT;
import static dev.multisigner.e2e.E2eWorld.ZONE;
import static dev.multisigner.e2e.E2eWorld.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.cli.LabWiring;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.lab.dns.DnsLab;
import dev.multisigner.lab.dns.KeyScheme;
import dev.multisigner.lab.dns.KnotSigner;
import dev.multisigner.lab.dns.LabSigner;
import dev.multisigner.providers.ProviderFactory;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.SigningModel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Type;

/**
 * An RFC 8901 model 1 world for the end-to-end tests: knot-a and knot-b, two Knot signers in
 * offline-KSK mode ({@code knot-offline-ksk}), and the zone owner's KSK held by Multisigner ({@code
 * owner-ksk}, signer "owner", serving no DNS), all through the services, with the BIND parent and
 * Unbound probing across the two Knots once both serve the zone.
 */
final class ModelOneWorld {

  static final String KNOT_B = "knot-b";
  static final String OWNER = "owner";

  /** When the owner signs, and how long its signatures last. */
  record Validity(Duration interval, int sections, Duration lifetime, Duration backdate) {}

  private ModelOneWorld() {}

  /**
   * Starts the lab (two offline-KSK Knots, parent, validator) and the services with the owner's KSK
   * in {@code dir}/owner signing with {@code validity}; the watch probes nothing until {@link
   * #enrollAndAwaitServed} saw both Knots serve the zone.
   */
  static E2eWorld start(Path dir, Validity validity) {
    return start(dir, offlineKnots(dir, KNOT, KNOT_B), ownerWiring(dir, validity));
  }

  /** A lab of Knot signers in offline-KSK mode with these ids, the parent and the validator. */
  static DnsLab offlineKnots(Path dir, String... ids) {
    DnsLab.Builder b = DnsLab.builder().zone(ZONE);
    for (String id : ids) {
      b.knotSigner(id, KeyScheme.OFFLINE_KSK);
    }
    return b.withParent().withValidator().workDir(dir.resolve("lab")).start();
  }

  /**
   * The services on {@code lab} with {@code extra} configuration for every service; the watch
   * probes nothing until {@link #enrollAndAwaitServed} saw every lab signer serve the zone.
   */
  static E2eWorld start(Path dir, DnsLab lab, Map<String, Object> extra) {
    List<String> ids = lab.signers().stream().map(LabSigner::id).toList();
    return E2eWorld.start(
        dir,
        lab,
        false,
        ids,
        (service, p) -> {
          p.putAll(extra);
          for (LabSigner s : lab.signers()) {
            if (s instanceof KnotSigner k && k.keyScheme() == KeyScheme.OFFLINE_KSK) {
              // an SKR must stay valid this long to be installed (the lab's windows are short)
              p.put("multisigner.signers." + s.id() + ".skr-margin", "PT20S");
            }
          }
        });
  }

  static Map<String, Object> ownerWiring(Path dir, Validity v) {
    return LabWiring.ownerKsk(
        OWNER, dir.resolve("owner"), v.interval(), v.sections(), v.lifetime(), v.backdate());
  }

  /** The lab's policy under model 1 with the owner as KSK holder. */
  static GroupPolicy policy() {
    return policy(OWNER);
  }

  /** The lab's policy under model 1 with {@code holder} as KSK holder. */
  static GroupPolicy policy(String holder) {
    return GroupPolicy.newBuilder(E2eWorld.policy())
        .setModel(SigningModel.MODEL_1)
        .setKskHolder(holder)
        .build();
  }

  /**
   * The owner (naming knot-a's nameserver, since it serves none itself), knot-a (ns1) and knot-b
   * (ns2).
   */
  static List<SignerSpec> members() {
    return List.of(
        new SignerSpec(OWNER, "owner-ksk", 13, List.of("ns1." + ZONE)),
        new SignerSpec(KNOT, "knot-offline-ksk", 13, List.of("ns1." + ZONE)),
        new SignerSpec(KNOT_B, "knot-offline-ksk", 13, List.of("ns2." + ZONE)));
  }

  /**
   * Enrolls the zone in model 1 (the owner's KSK, knot-a, knot-b) and waits until both Knots serve
   * a DNSKEY RRset (an offline-KSK Knot serves nothing before its first SKR); then the watch probes
   * across them. Returns the seconds it took.
   */
  static double enrollAndAwaitServed(E2eWorld w) throws InterruptedException {
    return enrollAndAwaitServed(w, policy(), members());
  }

  /** {@link #enrollAndAwaitServed(E2eWorld)} for this group: waits for its lab signers. */
  static double enrollAndAwaitServed(E2eWorld w, GroupPolicy policy, List<SignerSpec> members)
      throws InterruptedException {
    long t0 = System.nanoTime();
    w.enroll(policy, members);
    Set<String> ids = members.stream().map(SignerSpec::getSignerId).collect(Collectors.toSet());
    List<LabSigner> knots = w.lab.signers().stream().filter(s -> ids.contains(s.id())).toList();
    assertThat(
            await(
                Duration.ofMinutes(3), () -> knots.stream().allMatch(s -> !w.dnskeys(s).isEmpty())))
        .as("every member serves the holder's signed RRset:\n%s", w.auditText())
        .isTrue();
    knots.forEach(s -> w.watch.resume(s.id()));
    return E2eWorld.secondsSince(t0);
  }

  /** The owner's KSK as Multisigner holds it (read through its adapter, as the collector does). */
  static DNSKEYRecord ownerKsk(Path dir, Validity v) {
    Map<String, String> config =
        ownerWiring(dir, v).entrySet().stream()
            .collect(
                Collectors.toMap(
                    e -> e.getKey().substring(("multisigner.signers." + OWNER + ".").length()),
                    e -> e.getValue().toString()));
    return ProviderFactory.create(SignerId.of(OWNER), config)
        .read(ZoneName.of(ZONE))
        .dnskeys()
        .stream()
        .filter(k -> k.getFlags() == 257)
        .findFirst()
        .orElseThrow();
  }

  /**
   * Model 1 converged: every lab signer serves the identical DNSKEY RRset, the holder's KSK and
   * every signer's signing ZSK, its only RRSIG by the holder's KSK, the same CDS and CDNSKEY; the
   * parent holds exactly the holder KSK's DS; the checker finds everything valid.
   */
  static boolean converged(E2eWorld w, int ownerTag) {
    return converged(w, ownerTag, w.lab.signers());
  }

  /** {@link #converged(E2eWorld, int)} for a group of these lab signers. */
  static boolean converged(E2eWorld w, int ownerTag, List<? extends LabSigner> knots) {
    Set<Integer> want = new TreeSet<>(w.allZsks(knots));
    want.add(ownerTag);
    Set<String> rrset = w.rdata(knots.get(0), Type.DNSKEY);
    Set<String> cds = w.rdata(knots.get(0), Type.CDS);
    Set<String> cdnskey = w.rdata(knots.get(0), Type.CDNSKEY);
    return w.allZsks(knots).size() == knots.size()
        && !cds.isEmpty()
        && knots.stream()
            .allMatch(
                s ->
                    w.dnskeys(s).equals(want)
                        && w.rdata(s, Type.DNSKEY).equals(rrset)
                        && w.rdata(s, Type.CDS).equals(cds)
                        && w.rdata(s, Type.CDNSKEY).equals(cdnskey)
                        && dnskeySignerTags(w, s).equals(Set.of(ownerTag)))
        && w.parentDsTags().equals(Set.of(ownerTag))
        && w.check(knots).allValid();
  }

  /** Key tags of the RRSIGs over the DNSKEY RRset {@code s} serves. */
  static Set<Integer> dnskeySignerTags(E2eWorld w, LabSigner s) {
    return dnskeyRrsigs(w, s).stream()
        .map(RRSIGRecord::getFootprint)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The latest expiry of the RRSIGs over the DNSKEY RRset {@code s} serves (EPOCH: none). */
  static Instant dnskeyExpiry(E2eWorld w, LabSigner s) {
    return dnskeyRrsigs(w, s).stream()
        .map(RRSIGRecord::getExpire)
        .max(Instant::compareTo)
        .orElse(Instant.EPOCH);
  }

  private static List<RRSIGRecord> dnskeyRrsigs(E2eWorld w, LabSigner s) {
    return w.records(s, Type.DNSKEY).stream()
        .filter(r -> r instanceof RRSIGRecord g && g.getTypeCovered() == Type.DNSKEY)
        .map(RRSIGRecord.class::cast)
        .toList();
  }
}
