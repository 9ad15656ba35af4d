package dev.multisigner.providers;

import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * An ordered list of changes for one zone at one provider, made from a snapshot (the basis). The
 * basis lets the adapter detect a concurrent change; the hash lets the caller apply exactly the
 * plan that was reviewed (octoDNS style).
 */
public record ProviderPlan(ZoneKeySnapshot basis, List<PlanChange> changes) {

  public ProviderPlan {
    Objects.requireNonNull(basis, "basis");
    changes = changes.stream().distinct().sorted(PlanChange.ORDER).toList();
  }

  public ZoneName zone() {
    return basis.zone();
  }

  public SignerId provider() {
    return basis.provider();
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** The changes of one type and action, in plan order. */
  public List<PlanChange> changes(PlanChange.Action action, int type) {
    return changes.stream().filter(c -> c.action() == action && c.type() == type).toList();
  }

  /** True when some change touches {@code type}. */
  public boolean touches(int type) {
    return changes.stream().anyMatch(c -> c.type() == type);
  }

  /**
   * What the provider serves once this plan is applied, as far as the plan knows: the basis with
   * the adds and removes made, the same own keys and SOA, and no signatures (the provider signs
   * anew). A writer plans its next change against it; the provider's check of the basis ({@link
   * DnsProvider#checksBasisOnWrite()}) catches anything else that changed in between.
   */
  public ZoneKeySnapshot result() {
    return new ZoneKeySnapshot(
        basis.zone(),
        basis.provider(),
        after(basis.dnskeys(), Type.DNSKEY, DNSKEYRecord.class),
        after(basis.cds(), Type.CDS, CDSRecord.class),
        after(basis.cdnskeys(), Type.CDNSKEY, CDNSKEYRecord.class),
        after(basis.ns(), Type.NS, NSRecord.class),
        basis.soa(),
        List.of(),
        basis.ownKeys(),
        basis.ownKeySource(),
        after(basis.csync(), Type.CSYNC, CSYNCRecord.class));
  }

  private <R extends Record> List<R> after(List<R> served, int type, Class<R> kind) {
    List<R> out = new ArrayList<>(served);
    for (PlanChange c : changes) {
      if (c.type() != type) {
        continue;
      }
      Record r = c.record();
      R typed =
          kind.isInstance(r)
              ? kind.cast(r)
              : kind.cast(
                  Record.newRecord(
                      r.getName(),
                      r.getType(),
                      r.getDClass(),
                      r.getTTL(),
                      r.rdataToWireCanonical()));
      if (c.action() == PlanChange.Action.REMOVE) {
        out.remove(typed);
      } else if (!out.contains(typed)) {
        out.add(typed);
      }
    }
    return out;
  }

  /** One line per change, in order. */
  public List<String> lines() {
    return changes.stream().map(PlanChange::line).toList();
  }

  /** SHA-256 (first 16 hex digits) of zone, provider and the lines: stable across runs. */
  public String hash() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((zone() + "\n" + provider() + "\n").getBytes(StandardCharsets.UTF_8));
      for (String line : lines()) {
        sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The plan as text: a header with the hash, then one line per change. */
  public String render() {
    String header =
        "plan zone=" + zone() + " provider=" + provider() + " changes=" + changes.size();
    if (changes.isEmpty()) {
      return header + " hash=" + hash() + "\n  (nothing to do)";
    }
    return header
        + " hash="
        + hash()
        + "\n"
        + lines().stream().map(l -> "  " + l).collect(Collectors.joining("\n"));
  }

  @Override
  public String toString() {
    return render();
  }
}
