package dev.multisigner.support;

import dev.multisigner.schemas.avro.DeadLetter;
import dev.multisigner.schemas.topics.Topic;
import dev.multisigner.schemas.topics.TopicCatalog;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes what a listener receives. A record that cannot be decoded (a poison message) is not
 * dropped and does not block its partition: it goes to the dead-letter topic with its reason and
 * its original bytes.
 */
@Singleton
public class Inbox {

  private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);
  private static final String UNKNOWN_ZONE = "unknown.";

  private final EventLog log;
  private final Envelopes envelopes;

  public Inbox(EventLog log, Envelopes envelopes) {
    this.log = log;
    this.envelopes = envelopes;
  }

  /** The decoded value, or empty after the record was dead-lettered. */
  public <V extends SpecificRecord> Optional<V> open(
      Topic<V> topic, ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      deadLetter(topic, record, "record without a value");
      return Optional.empty();
    }
    try {
      return Optional.of(log.serde(topic).decode(record.value()));
    } catch (SerializationException e) {
      deadLetter(topic, record, e.getMessage());
      return Optional.empty();
    }
  }

  /** Sends a record that cannot be processed to the dead-letter topic, with the reason. */
  public void deadLetter(Topic<?> topic, ConsumerRecord<String, byte[]> record, String reason) {
    String zone = record.key() == null || record.key().isBlank() ? UNKNOWN_ZONE : record.key();
    LOG.warn(
        "event=dead_lettered zone={} topic={} partition={} offset={} reason=\"{}\"",
        zone,
        topic.name(),
        record.partition(),
        record.offset(),
        reason);
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setEnvelope(envelopes.first(zone))
            .setSourceTopic(topic.name())
            .setSourcePartition(record.partition())
            .setSourceOffset(record.offset())
            .setReason(reason)
            .setPayload(record.value() == null ? null : ByteBuffer.wrap(record.value()))
            .build();
    log.append(TopicCatalog.DEAD_LETTERS, zone, letter);
  }
}
