package dev.multisigner.dspublisher.publish;

import dev.multisigner.schemas.avro.NsChangeRequested;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.support.Inbox;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Requires;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Thin listener: decodes DS requests (poison records are dead-lettered) and queues them on their
 * zone's lane ({@link DsPublication#submit}), so the poll loop never waits for a parent. Reads
 * committed records only ({@code isolation.level=read_committed}, application-ds-publisher.yml): a
 * request from an aborted coordinator transaction is never written to a parent.
 */
@KafkaListener(
    groupId = "ds-publisher",
    offsetReset = OffsetReset.EARLIEST,
    offsetStrategy = OffsetStrategy.SYNC_PER_RECORD)
@Requires(env = "ds-publisher")
public class DsRequestListener {

  private final Inbox inbox;
  private final DsPublication publication;
  private final ParentWatcher watcher;

  public DsRequestListener(Inbox inbox, DsPublication publication, ParentWatcher watcher) {
    this.inbox = inbox;
    this.publication = publication;
    this.watcher = watcher;
  }

  @Topic(TopicCatalog.Names.DS_REQUESTS)
  void receive(ConsumerRecord<String, byte[]> record) {
    inbox
        .open(TopicCatalog.DS_REQUESTS, record)
        .ifPresent(
            request -> {
              // the parent is about to change, by this publisher or by the parent's own scan
              if (record.key() != null) {
                watcher.expectChange(
                    record.key(),
                    request.getRequest() instanceof NsChangeRequested
                        ? ParentWatcher.Watched.NS
                        : ParentWatcher.Watched.DS);
              }
              publication.submit(request);
            });
  }
}
