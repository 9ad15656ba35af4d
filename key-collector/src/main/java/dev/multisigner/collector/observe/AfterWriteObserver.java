package dev.multisigner.collector.observe;

import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.schemas.avro.SignerCommandApplied;
import dev.multisigner.schemas.avro.SignerCommandResult;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.KafkaClientSettings;
import dev.multisigner.support.TopicFollower;
import dev.multisigner.support.zones.ZoneDirectory;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes a signer's zone as soon as a writer reports a command applied there ({@code
 * SignerCommandApplied} on {@code multisigner.signer.results}), instead of waiting for the next
 * poll. A provider that does not NOTIFY on its own changes (PowerDNS 4.7 after a cryptokeys or API
 * change of keys) would otherwise confirm a write only at the next poll: the decider would wait up
 * to a poll interval for the effect, and re-send the command when that is longer than its retry
 * interval, and the repeats hold up the signer's queue for the zone. Observing after the write also
 * closes the window where an observation read while a command is being applied is the last one the
 * decider gets.
 *
 * <p>It follows the results topic from its end (no group, nothing committed: a result missed while
 * the collector was down is covered by the next poll), takes only zones this instance observes
 * ({@link ZoneOwnership}, {@link ZoneDirectory}) and asks the {@link ObservationScheduler}, which
 * coalesces it with a NOTIFY or poll already queued. A reader that fails starts again after a pause
 * doubling from 1 s to 30 s.
 *
 * <p>Off unless {@code multisigner.collector.observe-after-write: true}. Measured with {@code
 * KeySyncBench} (60 zones, 100 rolls, NOTIFY on, on a machine at load 60–87 on 2 cores) it doubled
 * the signer commands during the rolls (455 against 220) and slowed the sync: every applied
 * command, a repeated "no change" one included, costs a full read at the signer, which queues
 * behind the reads a NOTIFY asked for when the signer's observation lane is saturated, so
 * confirmations come later and the decider repeats more commands. It stays opt-in until a quiet
 * machine shows it helps.
 */
@Context
@Requires(env = "key-collector")
@Requires(property = "multisigner.collector.observe-after-write", value = "true")
public class AfterWriteObserver {

  private static final Logger LOG = LoggerFactory.getLogger(AfterWriteObserver.class);

  private final ObservationScheduler scheduler;
  private final ZoneDirectory directory;
  private final ZoneOwnership ownership;
  private final TopicFollower<SignerCommandResult> reader;

  public AfterWriteObserver(
      KafkaClientSettings kafka,
      ObservationScheduler scheduler,
      ZoneDirectory directory,
      ZoneOwnership ownership) {
    this.scheduler = scheduler;
    this.directory = directory;
    this.ownership = ownership;
    this.reader =
        new TopicFollower<>(
            "observe-after-write",
            kafka,
            TopicCatalog.SIGNER_RESULTS,
            TopicFollower.Start.END,
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            this::onResult);
  }

  @PostConstruct
  void start() {
    reader.start();
  }

  /** True while the reader runs. */
  public boolean reading() {
    return reader.running();
  }

  /**
   * Asks for an observation of {@code zone} at {@code signer} when the result says applied with a
   * change and this instance observes that pair; returns whether it asked.
   */
  boolean onResult(String zone, SignerCommandResult result) {
    if (zone == null
        || !(result.getResult() instanceof SignerCommandApplied applied)
        || !applied.getChanged()) {
      // a command that changed nothing needs no new observation: the decider counts the one it
      // holds as taken after it
      return false;
    }
    String signer = result.getSignerId();
    Set<String> signers = directory.signers(zone).orElse(null);
    if (signers == null || !signers.contains(signer) || !ownership.owns(zone)) {
      return false;
    }
    var admission = scheduler.request(zone, signer, ObservationSource.REQUEST, Duration.ZERO);
    LOG.debug(
        "event=observe_after_write zone={} signer={} command={} admission={}",
        zone,
        signer,
        result.getCommandId(),
        admission);
    return true;
  }

  @PreDestroy
  void stop() {
    reader.stop();
  }
}
