package dev.multisigner.coordinator.api;

import dev.multisigner.coordinator.mapping.InputMapper;
import dev.multisigner.coordinator.mapping.RejectedInput;
import dev.multisigner.domain.decide.Admission;
import dev.multisigner.domain.decide.ZoneState;
import dev.multisigner.domain.decide.ZoneStatus;
import dev.multisigner.domain.group.Member;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.domain.plan.GroupCheck;
import dev.multisigner.schemas.avro.AddSigner;
import dev.multisigner.schemas.avro.EnrollZone;
import dev.multisigner.schemas.avro.GroupPolicy;
import dev.multisigner.schemas.avro.KeyRole;
import dev.multisigner.schemas.avro.ParentChannel;
import dev.multisigner.schemas.avro.RemoveSigner;
import dev.multisigner.schemas.avro.ResumeZone;
import dev.multisigner.schemas.avro.RetireZone;
import dev.multisigner.schemas.avro.RollKey;
import dev.multisigner.schemas.avro.SignerSpec;
import dev.multisigner.schemas.avro.SigningModel;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.serde.SchemaRegistry;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Envelopes;
import dev.multisigner.support.EventLog;
import dev.multisigner.support.signers.SignerRegistry;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator requests to intents. Each request is checked first as the coordinator will check the
 * intent (the same {@link InputMapper}, {@link GroupCheck} and {@link Admission}), plus what only
 * this deployment knows (which signers are configured) and what the zone's state says (enrolled or
 * not, members), so a request the decider would refuse is refused here with a specific message
 * instead of becoming a {@code RequestRejected} event later. A request that passes is appended to
 * {@code multisigner.zone.intents} keyed by the canonical zone name; the decider still has the last
 * word (two racing enrollments of one zone both pass here and the second is refused there).
 */
@Singleton
@Requires(env = "signer-coordinator")
public class OperatorIntents {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorIntents.class);

  /**
   * Policy defaults: the schema's, except at most 6 CDS records (the domain reads 0 as a limit of
   * zero records, not as "no limit", and 6 is .se's limit: room for three signers' KSKs).
   */
  /** A host-name label (RFC 1123 §2.1 letters, digits, hyphens; underscores for service zones). */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

  static {
    SchemaRegistry.trustOurClasses(); // the builder copies enum defaults reflectively
  }

  static final GroupPolicy DEFAULTS = GroupPolicy.newBuilder().setMaxCdsRecords(6).build();

  private final SignerRegistry registry;
  private final ZoneStates states;
  private final EventLog log;
  private final Envelopes envelopes;

  public OperatorIntents(
      SignerRegistry registry, ZoneStates states, EventLog log, Envelopes envelopes) {
    this.registry = registry;
    this.states = states;
    this.log = log;
    this.envelopes = envelopes;
  }

  /** Enrolls a zone: 400 for a group that cannot work, 409 when the zone is already enrolled. */
  public IntentAccepted enroll(EnrollZoneRequest request) {
    ZoneName zone = zone(request.zone());
    List<SignerRequest> signers = request.signers() == null ? List.of() : request.signers();
    if (signers.size() < 2) {
      throw ApiProblem.badRequest(
          "zone="
              + zone
              + ": signers: a multi-signer group needs at least two signers, got "
              + signers.size());
    }
    Set<String> ids = new HashSet<>();
    for (SignerRequest s : signers) {
      if (s == null || !ids.add(String.valueOf(s.id()))) {
        throw ApiProblem.badRequest(
            "zone=" + zone + ": signer " + (s == null ? "null" : s.id()) + " is listed twice");
      }
    }
    PolicyRequest p = request.policy();
    PolicyChecks.policy(zone, p);
    GroupPolicy policy = policy(zone, p, signers);
    List<SignerSpec> specs = new ArrayList<>();
    for (SignerRequest s : signers) {
      specs.add(signer(zone, s, policy.getAlgorithm()));
    }
    List<dev.multisigner.domain.model.SignerSpec> group =
        specs.stream().map(s -> domain(zone, s, InputMapper::signer)).toList();
    refuseUnworkable(zone, domain(zone, policy, InputMapper::policy), group, "enrollment");
    ZoneState state = states.get(zone);
    if (state.status() == ZoneStatus.ACTIVE || state.status() == ZoneStatus.HALTED) {
      throw ApiProblem.conflict(
          "zone="
              + zone
              + ": already enrolled (status "
              + state.status()
              + ", signers "
              + memberIds(state)
              + ")");
    }
    return append(zone, new EnrollZone(specs, policy));
  }

  /** Adds a signer to an enrolled zone. */
  public IntentAccepted addSigner(String zoneText, SignerRequest request) {
    ZoneName zone = zone(zoneText);
    ZoneState state = managed(zone);
    if (request == null) {
      throw ApiProblem.badRequest("zone=" + zone + ": the body must name the signer to add");
    }
    SignerSpec spec = signer(zone, request, state.policy().algorithm());
    Admission.newMember(state, SignerId.of(spec.getSignerId()))
        .ifPresent(
            r -> {
              throw ApiProblem.conflict(
                  "zone=" + zone + " signer=" + spec.getSignerId() + ": " + r.text());
            });
    List<dev.multisigner.domain.model.SignerSpec> grown = new ArrayList<>();
    state.members().forEach(m -> grown.add(m.spec()));
    grown.add(domain(zone, spec, InputMapper::signer));
    refuseUnworkable(zone, state.policy(), grown, "adding signer " + spec.getSignerId());
    return append(zone, new AddSigner(spec));
  }

  /** Starts a signer's leave. */
  public IntentAccepted removeSigner(String zoneText, String signer) {
    ZoneName zone = zone(zoneText);
    ZoneState state = managed(zone);
    member(zone, state, signer);
    return append(zone, new RemoveSigner(signer));
  }

  /** Asks a member to roll its key of a role. */
  public IntentAccepted rollKey(String zoneText, RollKeyRequest request) {
    ZoneName zone = zone(zoneText);
    ZoneState state = managed(zone);
    if (request == null) {
      throw ApiProblem.badRequest("zone=" + zone + ": the body must name signer and role");
    }
    member(zone, state, request.signer());
    KeyRole role = symbol(zone, "role", request.role(), KeyRole.class, KeyRole.UNKNOWN);
    if (role == null) {
      throw ApiProblem.badRequest("zone=" + zone + ": role is required (KSK, ZSK or CSK)");
    }
    return append(zone, new RollKey(request.signer(), role));
  }

  /**
   * Starts an algorithm rollover of the whole group. The decider has the last word (a roll already
   * running, a signer not active, model 1, a CDS set over the registry's limit: a RequestRejected
   * event); here only what the request itself gets wrong is refused.
   */
  public IntentAccepted rollAlgorithm(String zoneText, AlgorithmRollRequest request) {
    ZoneName zone = zone(zoneText);
    ZoneState state = managed(zone);
    if (request == null || request.algorithm() == null) {
      throw ApiProblem.badRequest(
          "zone=" + zone + ": algorithm is required (the DNSSEC algorithm number, e.g. 15)");
    }
    int to = request.algorithm();
    Admission.signingAlgorithm(to)
        .ifPresent(
            r ->
                badRequest("zone=" + zone + ": " + r.text() + ": " + Admission.SIGNING_ALGORITHMS));
    if (to == state.policy().algorithm()) {
      throw ApiProblem.conflict(
          "zone=" + zone + ": the group already signs with algorithm " + to + ", nothing to roll");
    }
    String operator =
        request.operator() == null || request.operator().isBlank()
            ? "operator-api"
            : request.operator();
    return append(zone, new dev.multisigner.schemas.avro.RollAlgorithm(to, operator));
  }

  /** Clears a halt: 409 when the zone is not halted. */
  public IntentAccepted resume(String zoneText, OperatorNote note) {
    ZoneName zone = zone(zoneText);
    ZoneState state = managed(zone);
    if (state.status() != ZoneStatus.HALTED) {
      throw ApiProblem.conflict(
          "zone=" + zone + ": not halted (status " + state.status() + "), nothing to resume");
    }
    OperatorNote n = note == null ? new OperatorNote(null, null) : note;
    return append(
        zone,
        new ResumeZone(
            n.operator() == null ? "operator-api" : n.operator(),
            n.reason() == null ? "" : n.reason()));
  }

  /** Stops managing the zone. */
  public IntentAccepted retire(String zoneText, OperatorNote note) {
    ZoneName zone = zone(zoneText);
    managed(zone);
    String reason = note == null || note.reason() == null ? "" : note.reason();
    return append(zone, new RetireZone(reason));
  }

  /** The zone's name, canonical, or 400 naming the text and the cause. */
  static ZoneName zone(String text) {
    if (text == null || text.isBlank()) {
      throw ApiProblem.badRequest("zone: required");
    }
    ZoneName zone =
        hostName(text).orElseThrow(() -> ApiProblem.badRequest(malformed("zone", text)));
    if (zone.value().equals(".")) {
      throw ApiProblem.badRequest("zone: the root zone cannot be enrolled");
    }
    return zone;
  }

  /** A canonical host name, when every label is one (no spaces, no empty labels). */
  private static Optional<ZoneName> hostName(String text) {
    try {
      ZoneName name = ZoneName.of(text);
      String labels = name.value().substring(0, name.value().length() - 1);
      boolean valid =
          labels.isEmpty()
              || Arrays.stream(labels.split("\\.", -1)).allMatch(LABEL.asMatchPredicate());
      return valid ? Optional.of(name) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static ApiProblem signerProblem(ZoneName zone, String signer, String cause) {
    return ApiProblem.badRequest("zone=" + zone + " signer=" + signer + ": " + cause);
  }

  private static String malformed(String field, String text) {
    return field
        + ": '"
        + text
        + "' is not a valid domain name (labels of letters, digits, hyphens; no empty label)";
  }

  private ZoneState managed(ZoneName zone) {
    ZoneState state = states.known(zone);
    if (state.status() == ZoneStatus.RETIRED) {
      throw ApiProblem.conflict("zone=" + zone + ": retired; enroll it again to manage it");
    }
    return state;
  }

  private static Member member(ZoneName zone, ZoneState state, String signer) {
    if (signer == null || signer.isBlank()) {
      throw ApiProblem.badRequest("zone=" + zone + ": signer is required");
    }
    return state.members().stream()
        .filter(m -> m.id().value().equals(signer))
        .findFirst()
        .orElseThrow(
            () ->
                ApiProblem.notFound(
                    "zone="
                        + zone
                        + " signer="
                        + signer
                        + ": not a member (members: "
                        + memberIds(state)
                        + ")"));
  }

  private GroupPolicy policy(ZoneName zone, PolicyRequest p, List<SignerRequest> signers) {
    PolicyRequest r =
        p == null
            ? new PolicyRequest(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null)
            : p;
    SigningModel model =
        symbol(zone, "policy.model", r.model(), SigningModel.class, SigningModel.UNKNOWN);
    int algorithm = r.algorithm() != null ? r.algorithm() : commonAlgorithm(zone, signers);
    List<ParentChannel> channels = channels(zone, "policy.parentChannels", r.parentChannels());
    List<ParentChannel> nsChannels = channels(zone, "policy.nsChannels", r.nsChannels());
    GroupPolicy d = DEFAULTS;
    return GroupPolicy.newBuilder(d)
        .setModel(model == null ? d.getModel() : model)
        .setAlgorithm(algorithm)
        .setDnskeyTtlSeconds(or(r.dnskeyTtlSeconds(), d.getDnskeyTtlSeconds()))
        .setMaxZoneTtlSeconds(or(r.maxZoneTtlSeconds(), d.getMaxZoneTtlSeconds()))
        .setDsTtlSeconds(or(r.dsTtlSeconds(), d.getDsTtlSeconds()))
        .setNsTtlSeconds(or(r.nsTtlSeconds(), d.getNsTtlSeconds()))
        .setPropagationDelaySeconds(or(r.propagationDelaySeconds(), d.getPropagationDelaySeconds()))
        .setParentPropagationDelaySeconds(
            or(r.parentPropagationDelaySeconds(), d.getParentPropagationDelaySeconds()))
        .setParentChannels(channels)
        .setNsChannels(nsChannels)
        .setDigestTypes(r.digestTypes() == null ? d.getDigestTypes() : r.digestTypes())
        .setMaxCdsRecords(or(r.maxCdsRecords(), d.getMaxCdsRecords()))
        .setPublishCdnskey(r.publishCdnskey() == null ? d.getPublishCdnskey() : r.publishCdnskey())
        .setRetryIntervalSeconds(or(r.retryIntervalSeconds(), d.getRetryIntervalSeconds()))
        .setUnreachableLimitSeconds(or(r.unreachableLimitSeconds(), d.getUnreachableLimitSeconds()))
        .setKskHolder(r.kskHolder())
        .build();
  }

  private static List<ParentChannel> channels(ZoneName zone, String field, List<String> names) {
    List<ParentChannel> out = new ArrayList<>();
    if (names != null) {
      for (String c : names) {
        out.add(symbol(zone, field, c, ParentChannel.class, ParentChannel.UNKNOWN));
      }
    }
    return out;
  }

  /**
   * The algorithm the signers name, when the policy names none: RFC 8901 §4 wants one algorithm per
   * group, so two signers that name different ones are refused here, by name.
   */
  private static int commonAlgorithm(ZoneName zone, List<SignerRequest> signers) {
    SignerRequest first = null;
    for (SignerRequest s : signers) {
      if (s.algorithm() == null) {
        continue;
      }
      if (first == null) {
        first = s;
      } else if (!first.algorithm().equals(s.algorithm())) {
        throw ApiProblem.badRequest(
            "zone="
                + zone
                + ": algorithm mismatch between signers "
                + first.id()
                + " (algorithm "
                + first.algorithm()
                + ") and "
                + s.id()
                + " (algorithm "
                + s.algorithm()
                + "): a group uses one algorithm (RFC 8901 §4)");
      }
    }
    return first == null ? DEFAULTS.getAlgorithm() : first.algorithm();
  }

  /** The signer as an intent names it, or 400 when this deployment has no configuration for it. */
  private SignerSpec signer(ZoneName zone, SignerRequest s, int groupAlgorithm) {
    if (s.id() == null || s.id().isBlank()) {
      throw ApiProblem.badRequest("zone=" + zone + ": signers[].id is required");
    }
    String configured =
        registry.signerIds().isEmpty() ? "none" : String.join(", ", registry.signerIds());
    String kind =
        registry
            .provider(s.id())
            .orElseThrow(
                () ->
                    signerProblem(
                        zone,
                        s.id(),
                        "no configuration in this deployment (configured: " + configured + ")"))
            .kind();
    List<String> nameservers = new ArrayList<>();
    for (String ns : s.nameservers() == null ? List.<String>of() : s.nameservers()) {
      nameservers.add(
          hostName(ns == null ? "" : ns)
              .filter(n -> !n.value().equals("."))
              .orElseThrow(() -> signerProblem(zone, s.id(), malformed("nameservers", ns)))
              .value());
    }
    if (nameservers.isEmpty()) {
      throw signerProblem(zone, s.id(), "nameservers: at least one is required");
    }
    if (s.algorithm() != null) {
      PolicyChecks.algorithm(zone, "signers[" + s.id() + "].algorithm", s.algorithm());
    }
    return new SignerSpec(
        s.id(),
        PolicyChecks.kind(zone, s.id(), s.type(), kind),
        s.algorithm() == null ? groupAlgorithm : s.algorithm(),
        nameservers);
  }

  private static void refuseUnworkable(
      ZoneName zone,
      dev.multisigner.domain.model.GroupPolicy policy,
      List<dev.multisigner.domain.model.SignerSpec> signers,
      String what) {
    GroupCheck.refusal(policy, signers)
        .ifPresent(r -> badRequest("zone=" + zone + ": " + what + " refused: " + r));
  }

  /** An Avro value through the coordinator's own mapping; its refusal is a 400. */
  private static <A, D> D domain(ZoneName zone, A avro, Mapper<A, D> mapper) {
    try {
      return mapper.map(zone, avro);
    } catch (RejectedInput e) {
      throw ApiProblem.badRequest(e.getMessage());
    }
  }

  private static <E extends Enum<E>> E symbol(
      ZoneName zone, String field, String text, Class<E> type, E unknown) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e != unknown && e.name().equals(name)) {
        return e;
      }
    }
    throw ApiProblem.badRequest(
        "zone="
            + zone
            + ": "
            + field
            + ": unknown value '"
            + text
            + "' (known: "
            + String.join(
                ", ",
                Arrays.stream(type.getEnumConstants())
                    .filter(e -> e != unknown)
                    .map(Enum::name)
                    .toList())
            + ")");
  }

  private IntentAccepted append(ZoneName zone, Object intent) {
    ZoneIntent record = new ZoneIntent(envelopes.first(zone.value()), intent);
    log.append(TopicCatalog.ZONE_INTENTS, zone.value(), record);
    String type = intent.getClass().getSimpleName();
    String eventId = record.getEnvelope().getEventId();
    LOG.info("event=intent_appended zone={} intent={} event_id={}", zone, type, eventId);
    return new IntentAccepted(eventId, zone.value(), type);
  }

  private static String memberIds(ZoneState state) {
    return String.join(", ", state.members().stream().map(m -> m.id().value()).toList());
  }

  private static int or(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static void badRequest(String message) {
    throw ApiProblem.badRequest(message);
  }

  /** InputMapper's shape: (zone, avro) to the domain's value, or a RejectedInput. */
  @FunctionalInterface
  private interface Mapper<A, D> {
    D map(ZoneName zone, A avro);
  }
}
