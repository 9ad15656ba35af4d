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

  private static final int PARTITIONS = 6;
  private static final Optional<Duration> WEEK = Optional.of(Duration.ofDays(7));
  private static final Optional<Duration> MONTH = Optional.of(Duration.ofDays(30));
  private static final Optional<Duration> FOREVER = Optional.empty();

  public static final Topic<ZoneIntent> ZONE_INTENTS =
      new Topic<>(
          "multisigner.zone.intents",
          ZoneIntent.class,
          PARTITIONS,
          FOREVER,
          false,
          "Operator requests (EnrollZone, AddSigner, RemoveSigner, RollKey, ResumeZone, RetireZone).");

  public static final Topic<SignerObservation> SIGNER_OBSERVATIONS =
      new Topic<>(
          "multisigner.signer.observations",
          SignerObservation.class,
          PARTITIONS,
          MONTH,
          false,
          "What each signer serves per zone (SignerKeysObserved), or why it could not be read.");

  public static final Topic<SignerCommand> SIGNER_COMMANDS =
      new Topic<>(
          "multisigner.signer.commands",
          SignerCommand.class,
          PARTITIONS,
          MONTH,
          false,
          "Idempotent key changes for one signer (ImportDnskeys, WithdrawDnskeys, CDS/CDNSKEY).");

  public static final Topic<SignerCommandResult> SIGNER_RESULTS =
      new Topic<>(
          "multisigner.signer.results",
          SignerCommandResult.class,
          PARTITIONS,
          MONTH,
          false,
          "Outcomes of signer commands (SignerCommandApplied, SignerCommandFailed).");

  public static final Topic<DsRequest> DS_REQUESTS =
      new Topic<>(
          "multisigner.ds.requests",
          DsRequest.class,
          PARTITIONS,
          MONTH,
          false,
          "Desired DS/CDS set of a zone, for the ds-publisher.");

  public static final Topic<DsEvent> DS_EVENTS =
      new Topic<>(
          "multisigner.ds.events",
          DsEvent.class,
          PARTITIONS,
          MONTH,
          false,
          "CDS published, parent DS observed, DS publication failed.");

  public static final Topic<ZoneEvent> ZONE_EVENTS =
      new Topic<>(
          "multisigner.zone.events",
          ZoneEvent.class,
          PARTITIONS,
          FOREVER,
          false,
          "The audit log: every decision, step, wait and halt. Never expires.");

  public static final Topic<ZoneStateSnapshot> ZONE_STATE =
      new Topic<>(
          "multisigner.zone.state",
          ZoneStateSnapshot.class,
          PARTITIONS,
          FOREVER,
          true,
          "Compacted current state per zone, for queries.");

  public static final Topic<DeadLetter> DEAD_LETTERS =
      new Topic<>(
          "multisigner.deadletter",
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
