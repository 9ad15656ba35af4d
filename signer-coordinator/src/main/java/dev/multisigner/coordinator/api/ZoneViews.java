package dev.multisigner.coordinator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.multisigner.domain.decide.ZoneDecider;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.decide.ZoneStatus;
import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.group.MemberPhase;
import dev.multisigner.domain.group.Pending;
import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.GroupPolicy;
import dev.multisigner.domain.model.KeyData;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the API shows of a zone's state: read-only views, built from the decider's state. Every
 * field is always present (empty lists and nulls too), so clients need not guess what is missing.
 */
public final class ZoneViews {

  private ZoneViews() {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @Schema(description = "One zone in the list")
  public record ZoneSummary(
      @Schema(example = "example.test.") String zone,
      @Schema(description = "ACTIVE, HALTED or RETIRED") String status,
      boolean halted,
      @Nullable String haltReason,
      @Schema(description = "The current process, or steady") String process,
      List<SignerPhase> signers) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record SignerPhase(String id, String phase) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @Schema(description = "A zone's state as the coordinator holds it")
  public record ZoneDetails(
      String zone,
      @Schema(description = "ACTIVE, HALTED or RETIRED") String status,
      boolean halted,
      @Schema(description = "NONE, SIGNER_UNREACHABLE, COMMAND_REJECTED, ...") String haltCause,
      @Nullable String haltReason,
      @Schema(description = "The decider's sequence number for this zone") long seq,
      @Nullable PolicyView policy,
      List<SignerView> signers,
      List<KeyView> keys,
      @Schema(description = "The current process (first of processes), or steady") String process,
      List<ProcessView> processes,
      @Nullable @Schema(description = "DS change asked of the parent, not yet observed")
          PendingView pendingDsRequest,
      @Nullable @Schema(description = "NS change asked of the parent, not yet observed")
          PendingView pendingNsRequest,
      @Nullable @Schema(description = "When the coordinator wakes this zone next (a wait's end)")
          Instant wakeAt,
      @Nullable @Schema(description = "Parent DS as last observed (null: not yet)")
          List<DsView> parentDs,
      @Nullable @Schema(description = "Parent NS as last observed (null: not yet)")
          List<String> parentNs,
      @Schema(
              description =
                  "What each running process waits for, one line each, in the decider's words"
                      + " (ZoneDecider.describe)")
          List<String> waitingFor) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record PolicyView(
      String model,
      int algorithm,
      long dnskeyTtlSeconds,
      long maxZoneTtlSeconds,
      long dsTtlSeconds,
      long nsTtlSeconds,
      long propagationDelaySeconds,
      long parentPropagationDelaySeconds,
      List<Integer> digestTypes,
      int maxCdsRecords) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record SignerView(
      String id,
      @Schema(description = "JOINING, AWAITING_DS, DS_WAIT, AWAITING_NS, ACTIVE, LEAVING_...")
          String phase,
      int algorithm,
      List<String> nameservers,
      @Nullable @Schema(description = "End of the wait of the phase") Instant waitUntil,
      @Nullable @Schema(description = "When it entered its phase (null: before state v7)")
          Instant phaseSince,
      @Nullable @Schema(description = "Last observation of what it serves") Instant observedAt,
      @Nullable Instant failingSince,
      @Schema(description = "Key tags of its DNSKEY RRset as last observed")
          List<Integer> servedKeyTags,
      @Schema(
              description =
                  "Key tags of the RRSIGs over its DNSKEY RRset as last observed (which keys"
                      + " sign it; empty: unsigned or not yet observed)")
          List<Integer> dnskeyRrsigTags,
      @Schema(description = "Its CDS RRset as last observed") List<DsView> servedCds,
      @Schema(description = "Key tags of its CDNSKEY RRset as last observed")
          List<Integer> servedCdnskeyTags,
      @Schema(description = "Its apex NS RRset as last observed") List<String> servedNameservers,
      @Schema(description = "Its CSYNC RRset as last observed (RFC 7477)") List<String> servedCsync,
      @Schema(description = "Commands sent to it, not yet seen to take effect")
          List<PendingView> pendingCommands) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record KeyView(
      int tag,
      @Schema(description = "KSK, ZSK or CSK") String role,
      @Schema(description = "The signer holding its private key") String owner,
      int algorithm,
      int flags,
      Instant firstSeen,
      @Nullable @Schema(description = "Since when its owner no longer serves it")
          Instant retiredSince,
      @Schema(description = "Signers whose observed DNSKEY RRset holds it: the owner publishes it")
          List<String> publishedAt,
      @Schema(description = "Other signers whose observed DNSKEY RRset holds it (imported)")
          List<String> importedAt,
      @Schema(description = "Signers asked to import it, not yet seen serving it")
          List<String> importPendingAt) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record ProcessView(
      @Schema(description = "join, leave, key-retirement, ds-change, ns-change, halted")
          String process,
      @Nullable String signer,
      String step,
      @Nullable
          @Schema(
              description =
                  "When the zone entered this step (null: not known, e.g. a halt or a state"
                      + " stored before v7)")
          Instant since,
      @Nullable @Schema(description = "When the step's wait ends, if it waits") Instant until) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record PendingView(
      @Schema(description = "import, withdraw, cds, ns, ds-request, ns-request") String kind,
      String id,
      List<Integer> keyTags,
      List<Integer> dsKeyTags,
      List<String> names,
      Instant retryAt,
      @Nullable @Schema(description = "When its writer reported it applied") Instant appliedAt,
      @Nullable @Schema(description = "When this change was first asked (kept across retries)")
          Instant issuedAt) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record DsView(int keyTag, int algorithm, int digestType) {}

  static ZoneSummary summary(ZoneState s) {
    return new ZoneSummary(
        s.zone().value(),
        s.status().name(),
        s.status() == ZoneStatus.HALTED,
        s.haltReason(),
        process(processes(s)),
        s.members().stream().map(m -> new SignerPhase(m.id().value(), m.phase().name())).toList());
  }

  /** The zone's state as the API shows it (also what the metrics count). */
  public static ZoneDetails details(ZoneState s) {
    List<ProcessView> processes = processes(s);
    return new ZoneDetails(
        s.zone().value(),
        s.status().name(),
        s.status() == ZoneStatus.HALTED,
        s.haltCause().name(),
        s.haltReason(),
        s.seq(),
        s.policy() == null ? null : policy(s.policy()),
        s.members().stream().map(ZoneViews::signer).toList(),
        s.keys().stream().map(k -> key(s, k)).toList(),
        process(processes),
        processes,
        pending("ds-request", s.dsRequest()),
        pending("ns-request", s.nsRequest()),
        s.wakeAt(),
        s.parentDs() == null ? null : ds(s.parentDs()),
        s.parentNs(),
        ZoneDecider.describe(s));
  }

  /**
   * The processes under way, derived from the state (the decider keeps no process record of its
   * own: a join or leave is a member's phase, a key retirement a key's retirement time, a parent
   * change a pending request).
   */
  static List<ProcessView> processes(ZoneState s) {
    List<ProcessView> out = new ArrayList<>();
    if (s.status() == ZoneStatus.HALTED) {
      out.add(new ProcessView("halted", null, s.haltCause().name(), null, null));
    }
    for (Member m : s.members()) {
      if (m.phase() != MemberPhase.ACTIVE) {
        out.add(
            new ProcessView(
                m.phase().leaving() ? "leave" : "join",
                m.id().value(),
                m.phase().name(),
                m.phaseSince(),
                m.waitUntil()));
      }
    }
    for (KeyRecord k : s.keys()) {
      if (k.retired()) {
        out.add(
            new ProcessView(
                "key-retirement",
                k.owner().value(),
                k.role() + " " + k.data().keyTag() + " gone from its owner, withdrawn after waits",
                k.goneSince(),
                null));
      }
    }
    if (s.dsRequest() != null) {
      out.add(parentChange("ds-change", s.dsRequest()));
    }
    if (s.nsRequest() != null) {
      out.add(parentChange("ns-change", s.nsRequest()));
    }
    return out;
  }

  private static String process(List<ProcessView> processes) {
    return processes.isEmpty() ? "steady" : processes.get(0).process();
  }

  /** A change asked of the parent: requested, then (applied) awaiting its observation there. */
  private static ProcessView parentChange(String process, Pending p) {
    return p.appliedAt() == null
        ? new ProcessView(process, null, "requested", p.issuedAt(), p.retryAt())
        : new ProcessView(process, null, "awaiting-parent-observation", p.appliedAt(), p.retryAt());
  }

  private static PolicyView policy(GroupPolicy p) {
    return new PolicyView(
        p.model().name(),
        p.algorithm(),
        p.dnskeyTtl().toSeconds(),
        p.maxZoneTtl().toSeconds(),
        p.dsTtl().toSeconds(),
        p.nsTtl().toSeconds(),
        p.propagationDelay().toSeconds(),
        p.parentPropagationDelay().toSeconds(),
        p.cdsDigestTypes(),
        p.maxCdsRecords());
  }

  private static SignerView signer(Member m) {
    List<PendingView> pending = new ArrayList<>();
    addIfPresent(pending, pending("import", m.importing()));
    addIfPresent(pending, pending("withdraw", m.withdrawing()));
    addIfPresent(pending, pending("cds", m.cdsPublishing()));
    addIfPresent(pending, pending("ns", m.nsPublishing()));
    addIfPresent(pending, pending("csync", m.csyncPublishing()));
    return new SignerView(
        m.id().value(),
        m.phase().name(),
        m.spec().algorithm(),
        m.spec().nameservers(),
        m.waitUntil(),
        m.phaseSince(),
        m.observedAt(),
        m.failingSince(),
        tags(m.served()),
        m.dnskeySigners(),
        ds(m.cds()),
        m.cdnskeyTags(),
        m.nameservers(),
        m.csync().stream().map(Object::toString).toList(),
        pending);
  }

  private static KeyView key(ZoneState s, KeyRecord k) {
    List<String> published = new ArrayList<>();
    List<String> imported = new ArrayList<>();
    List<String> importPending = new ArrayList<>();
    for (Member m : s.members()) {
      String id = m.id().value();
      if (m.served().contains(k.data())) {
        (m.id().equals(k.owner()) ? published : imported).add(id);
      } else if (m.importing() != null && m.importing().keys().contains(k.data())) {
        importPending.add(id);
      }
    }
    return new KeyView(
        k.data().keyTag(),
        k.role().name(),
        k.owner().value(),
        k.data().algorithm(),
        k.data().flags(),
        k.firstSeen(),
        k.goneSince(),
        published,
        imported,
        importPending);
  }

  private static PendingView pending(String kind, Pending p) {
    if (p == null) {
      return null;
    }
    return new PendingView(
        kind,
        p.id(),
        tags(p.keys()),
        p.ds().stream().map(DsData::keyTag).toList(),
        p.names(),
        p.retryAt(),
        p.appliedAt(),
        p.issuedAt());
  }

  private static void addIfPresent(List<PendingView> list, PendingView p) {
    if (p != null) {
      list.add(p);
    }
  }

  private static List<Integer> tags(List<KeyData> keys) {
    return keys.stream().map(KeyData::keyTag).toList();
  }

  private static List<DsView> ds(List<DsData> ds) {
    return ds.stream().map(d -> new DsView(d.keyTag(), d.algorithm(), d.digestType())).toList();
  }
}
