package dev.multisigner.schemas.topics;

import dev.multisigner.schemas.avro.DeadLetter;
import dev.multisigner.schemas.avro.DsEvent;
import dev.multisigner.schemas.avro.DsRequest;
import dev.multisigner.schemas.avro.SignerCommand;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.avro.SignerObservation;
import dev.multisigner.schemas.avro.ZoneEvent;
import dev.multisigner.schemas.avro.ZoneIntent;
import dev.multisigner.schemas.avro.ZoneStateSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every topic of Multisigner (DESIGN.md, "Topics"). Immutable; the one place names are spelled. */
public final class TopicCatalog {

  /** Topic names as compile-time constants, for annotations such as {@code @KafkaListener}. */
  public static final class Names {
    public static final String ZONE_INTENTS = "multisigner.zone.intents";
    public static final String SIGNER_OBSERVATIONS = "multisigner.signer.observations";
    public static final String SIGNER_COMMANDS = "multisigner.signer.commands";
    public static final String SIGNER_RESULTS = "multisigner.signer.results";
    public static final String DS_REQUESTS = "multisigner.ds.requests";
    public static final String DS_EVENTS = "multisigner.ds.events";
    public static final String ZONE_EVENTS = "multisigner.zone.events";
    public static final String ZONE_STATE = "multisigner.zone.state";
    public static final String DEAD_LETTERS = "multisigner.deadletter";

    private Names() {}
  }

  private static final int PARTITIONS = 6;
  private static final Optional<Duration> WEEK = Optional.of(Duration.ofDays(7));
  private static final Optional<Duration> MONTH = Optional.of(Duration.ofDays(30));
  private static final Optional<Duration> FOREVER = Optional.empty();

  public static final Topic<ZoneIntent> ZONE_INTENTS =
      new Topic<>(
          Names.ZONE_INTENTS,
          ZoneIntent.class,
          PARTITIONS,
          FOREVER,
          false,
          "Operator requests (EnrollZone, AddSigner, RemoveSigner, RollKey, ResumeZone, RetireZone).");

  public static final Topic<SignerObservation> SIGNER_OBSERVATIONS =
      new Topic<>(
          Names.SIGNER_OBSERVATIONS,
          SignerObservation.class,
          PARTITIONS,
          MONTH,
          false,
          "What each signer serves per zone (SignerKeysObserved), or why it could not be read.");

  public static final Topic<SignerCommand> SIGNER_COMMANDS =
      new Topic<>(
          Names.SIGNER_COMMANDS,
          SignerCommand.class,
          PARTITIONS,
          MONTH,
          false,
          "Idempotent key changes for one signer (ImportDnskeys, WithdrawDnskeys, CDS/CDNSKEY).");

  public static final Topic<SignerCommandResult> SIGNER_RESULTS =
      new Topic<>(
          Names.SIGNER_RESULTS,
          SignerCommandResult.class,
          PARTITIONS,
          MONTH,
          false,
          "Outcomes of signer commands (SignerCommandApplied, SignerCommandFailed).");

  public static final Topic<DsRequest> DS_REQUESTS =
      new Topic<>(
          Names.DS_REQUESTS,
          DsRequest.class,
          PARTITIONS,
          MONTH,
          false,
          "Desired DS/CDS set of a zone, for the ds-publisher.");

  public static final Topic<DsEvent> DS_EVENTS =
      new Topic<>(
          Names.DS_EVENTS,
          DsEvent.class,
          PARTITIONS,
          MONTH,
          false,
          "CDS published, parent DS observed, DS publication failed.");

  public static final Topic<ZoneEvent> ZONE_EVENTS =
      new Topic<>(
          Names.ZONE_EVENTS,
          ZoneEvent.class,
          PARTITIONS,
          FOREVER,
          false,
          "The audit log: every decision, step, wait and halt. Never expires.");

  public static final Topic<ZoneStateSnapshot> ZONE_STATE =
      new Topic<>(
          Names.ZONE_STATE,
          ZoneStateSnapshot.class,
          PARTITIONS,
          FOREVER,
          true,
          "Compacted current state per zone, for queries.");

  public static final Topic<DeadLetter> DEAD_LETTERS =
      new Topic<>(
          Names.DEAD_LETTERS,
          DeadLetter.class,
          PARTITIONS,
          WEEK.map(w -> w.multipliedBy(4)),
          false,
          "Inputs that could not be processed, with the reason; nothing is dropped silently.");

  private static final List<Topic<?>> ALL =
      List.of(
          ZONE_INTENTS,
          SIGNER_OBSERVATIONS,
          SIGNER_COMMANDS,
          SIGNER_RESULTS,
          DS_REQUESTS,
          DS_EVENTS,
          ZONE_EVENTS,
          ZONE_STATE,
          DEAD_LETTERS);

  private TopicCatalog() {}

  /** Every topic, in a stable order. */
  public static List<Topic<?>> all() {
    return ALL;
  }

  /** The topic of that name. */
  public static Topic<?> byName(String name) {
    return ALL.stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no such Multisigner topic: " + name));
  }
}
