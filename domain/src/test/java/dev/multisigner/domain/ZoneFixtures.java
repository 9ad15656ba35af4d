package dev.multisigner.domain;

import dev.multisigner.domain.decide.Output;
import dev.multisigner.domain.decide.SignerObservation;
import dev.multisigner.domain.decide.ZoneInput.SignerKeysObserved;
import dev.multisigner.domain.model.Capabilities;
import dev.multisigner.domain.model.Capability;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.SignerSpec;
import dev.multisigner.domain.model.ZoneName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Fixed zone, clock, signers and keys for timeline tests; renders outputs one line each. */
public final class ZoneFixtures {

  public static final ZoneName ZONE = ZoneName.of("example.test.");
  public static final Instant T0 = Instant.parse("2026-11-29T20:00:00Z");
  public static final int ECDSAP256 = 13;
  public static final SignerId A = SignerId.of("knot-a");
  public static final SignerId B = SignerId.of("pdns-b");
  public static final SignerId C = SignerId.of("cf-c");
  public static final GroupPolicy POLICY = GroupPolicy.modelTwo(ECDSAP256);

  private static final Map<KeyData, String> NAMES = new LinkedHashMap<>();

  public static final KeyData A_KSK = key("a.ksk", 257);
  public static final KeyData A_ZSK = key("a.zsk", 256);
  public static final KeyData A_ZSK2 = key("a.zsk2", 256);
  public static final KeyData A_KSK2 = key("a.ksk2", 257);
  public static final KeyData B_KSK = key("b.ksk", 257);
  public static final KeyData B_ZSK = key("b.zsk", 256);
  public static final KeyData B_ZSK2 = key("b.zsk2", 256);
  public static final KeyData C_KSK = key("c.ksk", 257);
  public static final KeyData C_ZSK = key("c.zsk", 256);
  public static final KeyData C_CSK = key("c.csk", 257);

  /** A key with a.zsk's tag but other bytes: its first two 16-bit words swapped (same sum). */
  public static final KeyData B_ZSK_COLLIDING = collidingWith(A_ZSK, "b.zsk-colliding");

  private ZoneFixtures() {}

  private static KeyData collidingWith(KeyData k, String name) {
    byte[] p = k.publicKey();
    byte[] q = p.clone();
    q[0] = p[2];
    q[1] = p[3];
    q[2] = p[0];
    q[3] = p[1];
    KeyData d = new KeyData(k.flags(), k.protocol(), k.algorithm(), q);
    NAMES.put(d, name);
    return d;
  }

  public static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  /** A fixed 64-byte "P-256 public key" derived from a name (the decider never verifies it). */
  public static KeyData key(String name, int flags) {
    return key(name, flags, ECDSAP256);
  }

  /** A fixed 64-byte public key of another algorithm, named for rendering. */
  public static KeyData key(String name, int flags, int algorithm) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] a = sha.digest((name + "/x").getBytes(StandardCharsets.UTF_8));
      byte[] b = sha.digest((name + "/y").getBytes(StandardCharsets.UTF_8));
      byte[] k = Arrays.copyOf(a, 64);
      System.arraycopy(b, 0, k, 32, 32);
      KeyData d = new KeyData(flags, 3, algorithm, k);
      NAMES.put(d, name);
      return d;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Capabilities fullCapabilities() {
    return Capabilities.builder()
        .can(Capability.READ_KEYS_DNS)
        .can(Capability.IMPORT_FOREIGN_DNSKEY)
        .can(Capability.PUBLISH_CDS_CDNSKEY)
        .can(Capability.SENDS_NOTIFY)
        .build();
  }

  public static SignerSpec signer(SignerId id) {
    return new SignerSpec(id, fullCapabilities(), ECDSAP256, List.of("ns1." + id + ".example."));
  }

  /**
   * Model 1: a signer that serves a DNSKEY RRset signed by the KSK holder (Knot SKR, PowerDNS 5).
   */
  public static SignerSpec signedElsewhere(SignerId id) {
    return new SignerSpec(
        id,
        Capabilities.builder()
            .can(Capability.READ_KEYS_DNS)
            .can(Capability.ACCEPT_SIGNED_DNSKEY_RRSET)
            .cannot(Capability.IMPORT_FOREIGN_DNSKEY, "keys come signed from the KSK holder")
            .can(Capability.PUBLISH_CDS_CDNSKEY)
            .build(),
        ECDSAP256,
        List.of(ns(id)));
  }

  public static String ns(SignerId id) {
    return "ns1." + id + ".example.";
  }

  public static DsData ds(KeyData k) {
    return DsData.of(ZONE, k, GroupPolicy.SHA256);
  }

  public static List<DsData> dsSet(KeyData... keys) {
    return Arrays.stream(keys).map(ZoneFixtures::ds).sorted().toList();
  }

  /** The DS set of these keys as the decider's events print it: "[tag/2, tag/2]". */
  public static String dsTags(KeyData... keys) {
    return dsSet(keys).stream()
        .map(d -> d.keyTag() + "/2")
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * What a signer serves: its DNSKEY RRset and CDS. The signer's own keys are the fixture names
   * starting with its letter ("a." for knot-a): every own SEP key signs the DNSKEY RRset, the first
   * own ZSK in the list (or, without one, the first own CSK) signs the zone data; later ones are
   * pre-published.
   */
  public static SignerObservation observation(
      SignerId signer, Instant at, List<KeyData> dnskeys, List<KeyData> cdsFor) {
    String prefix = signer.value().substring(signer.value().length() - 1) + ".";
    List<KeyData> own = dnskeys.stream().filter(k -> name(k).startsWith(prefix)).toList();
    Set<Integer> ksk =
        own.stream().filter(KeyData::sep).map(KeyData::keyTag).collect(Collectors.toSet());
    Set<Integer> zsk =
        own.stream()
            .filter(k -> !k.sep())
            .findFirst()
            .or(() -> own.stream().filter(KeyData::sep).findFirst())
            .map(k -> Set.of(k.keyTag()))
            .orElse(Set.of());
    return new SignerObservation(
        at, dnskeys, ksk, zsk, dsSet(cdsFor.toArray(KeyData[]::new)), cdsFor, List.of());
  }

  /** A signer's snapshot that also shows its apex NS and CSYNC RRsets. */
  public static SignerKeysObserved observedWithNs(
      SignerId s,
      long seconds,
      List<KeyData> keys,
      List<KeyData> cds,
      List<String> ns,
      List<dev.multisigner.domain.model.CsyncData> csync) {
    SignerObservation o = observation(s, at(seconds), keys, cds);
    return new SignerKeysObserved(
        ZONE,
        s,
        new SignerObservation(
            o.observedAt(),
            o.dnskeys(),
            o.dnskeySignerTags(),
            o.zoneSignerTags(),
            o.cds(),
            o.cdnskeys(),
            ns,
            csync));
  }

  public static String name(KeyData k) {
    return NAMES.getOrDefault(k, "tag" + k.keyTag());
  }

  private static String names(List<KeyData> keys) {
    return keys.stream().map(ZoneFixtures::name).sorted().collect(Collectors.joining(","));
  }

  private static String dsNames(List<DsData> ds) {
    return ds.stream()
        .map(
            d ->
                NAMES.keySet().stream()
                    .filter(k -> d.references(ZONE, k))
                    .map(ZoneFixtures::name)
                    .findFirst()
                    .orElse("ds" + d.keyTag()))
        .sorted()
        .collect(Collectors.joining(","));
  }

  /** One line per output, with key names instead of tags and times relative to T0. */
  public static String render(Output o) {
    if (o instanceof Output.ImportDnskeys i) {
      return "import " + id(i.commandId()) + " into " + i.signer() + ": " + names(i.keys());
    } else if (o instanceof Output.WithdrawDnskeys w) {
      return "withdraw " + id(w.commandId()) + " from " + w.signer() + ": " + names(w.keys());
    } else if (o instanceof Output.PublishCdsCdnskey c) {
      return "cds " + id(c.commandId()) + " at " + c.signer() + ": " + dsNames(c.cds());
    } else if (o instanceof Output.RequestDsChange d) {
      return "ds " + id(d.requestId()) + ": " + dsNames(d.ds());
    } else if (o instanceof Output.RequestNsChange n) {
      return "ns "
          + id(n.requestId())
          + ": "
          + String.join(",", n.nameservers())
          + (n.channels().contains(dev.multisigner.domain.model.ParentChannel.DNS_UPDATE)
              ? ""
              : " via " + n.channels());
    } else if (o instanceof Output.PublishCsync c) {
      return "csync " + id(c.commandId()) + " at " + c.signer() + ": " + c.csync();
    } else if (o instanceof Output.WithdrawCsync c) {
      return "no csync " + id(c.commandId()) + " at " + c.signer();
    } else if (o instanceof Output.PublishNs n) {
      return "ns "
          + id(n.commandId())
          + " at "
          + n.signer()
          + ": "
          + String.join(",", n.nameservers());
    } else if (o instanceof Output.SignDnskeyRrset r) {
      return "sign "
          + id(r.commandId())
          + " at "
          + r.holder()
          + " for "
          + r.signer()
          + ": "
          + names(r.keys());
    } else if (o instanceof Output.InstallSignedDnskeyRrset i) {
      return "install "
          + id(i.commandId())
          + " at "
          + i.signer()
          + ": "
          + names(i.keys())
          + " signed by "
          + i.rrsigs().stream()
              .map(
                  g ->
                      NAMES.keySet().stream()
                          .filter(k -> k.sep() && k.keyTag() == g.keyTag())
                          .map(ZoneFixtures::name)
                          .findFirst()
                          .orElse("tag" + g.keyTag()))
              .collect(Collectors.joining(","));
    } else if (o instanceof Output.RollSignerKey r) {
      return "roll " + id(r.commandId()) + " " + r.signer() + " " + r.role();
    } else if (o instanceof Output.WakeAt w) {
      return "wake +" + Duration.between(T0, w.at()).toSeconds() + "s";
    } else if (o instanceof Output.ZoneEvent e) {
      return e.kind() + ": " + e.text().replace("zone=" + ZONE + " ", "");
    }
    throw new IllegalArgumentException(o.toString());
  }

  public static List<String> render(List<Output> outputs) {
    return outputs.stream().map(ZoneFixtures::render).toList();
  }

  private static String id(String id) {
    return id.startsWith(ZONE.value()) ? id.substring(ZONE.value().length()) : id;
  }
}
