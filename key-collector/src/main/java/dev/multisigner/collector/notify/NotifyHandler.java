package dev.multisigner.collector.notify;

import dev.multisigner.collector.observe.ObservationScheduler;
import dev.multisigner.schemas.avro.ObservationSource;
import dev.multisigner.support.zones.ZoneDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers one NOTIFY message (RFC 1996 §3.7, §4.7): for a managed zone NOERROR with AA, the
 * question echoed, and an observation of the zone at every signer it has; for any other zone
 * NOTAUTH. The NOTIFY's content is not trusted (RFC 1996 §5): it only makes the collector look now
 * through each signer's configured adapter, and bursts coalesce per zone × signer. Which signer
 * sent it is not known (on loopback all come from 127.0.0.1), so every signer of the zone is read.
 */
@Singleton
@Requires(env = "key-collector")
public class NotifyHandler {

  private static final Logger LOG = LoggerFactory.getLogger(NotifyHandler.class);

  private final ZoneDirectory directory;
  private final ObservationScheduler scheduler;
  private final MeterRegistry meters;

  /** Refused NOTIFYs (zone not managed here), and malformed or unexpected packets: anyone's. */
  private final LogBudget refusedLines;

  private final LogBudget malformedLines;

  public NotifyHandler(
      ZoneDirectory directory,
      ObservationScheduler scheduler,
      MeterRegistry meters,
      @Value("${multisigner.collector.notify.refused-log-lines-per-minute:10}")
          int linesPerMinute) {
    this.directory = directory;
    this.scheduler = scheduler;
    this.meters = meters;
    this.refusedLines = new LogBudget(linesPerMinute, Duration.ofMinutes(1));
    this.malformedLines = new LogBudget(linesPerMinute, Duration.ofMinutes(1));
  }

  /**
   * Logs a warning a remote peer can cause at will within {@code budget}; lines over it are only
   * counted, and the next one logged says how many were left out ({@code suppressed_before}).
   */
  private static void warnWithin(LogBudget budget, String format, Object... args) {
    OptionalLong left = budget.take();
    if (left.isPresent()) {
      LOG.warn(
          left.getAsLong() == 0 ? format : format + " suppressed_before=" + left.getAsLong(), args);
    }
  }

  /** multisigner_notifies_received_total{transport, result=observed|refused}. */
  private void count(String transport, String result) {
    meters
        .counter("multisigner.notifies.received", "transport", transport, "result", result)
        .increment();
  }

  /**
   * The answer to the wire message {@code packet} from {@code from}, or empty when nothing is to be
   * sent back (malformed, or itself a response).
   */
  public Optional<byte[]> handle(byte[] packet, InetSocketAddress from, String transport) {
    Message query;
    try {
      query = new Message(packet);
    } catch (IOException | RuntimeException e) {
      warnWithin(
          malformedLines,
          "event=notify_malformed source={} transport={} bytes={} reason=\"{}\"",
          hostPort(from),
          transport,
          packet.length,
          e.getMessage());
      return Optional.empty();
    }
    if (query.getHeader().getFlag(Flags.QR)) {
      LOG.debug("event=notify_response_ignored source={} transport={}", hostPort(from), transport);
      return Optional.empty();
    }
    Record question = query.getQuestion();
    int opcode = query.getHeader().getOpcode();
    if (opcode != Opcode.NOTIFY) {
      warnWithin(
          malformedLines,
          "event=notify_not_a_notify source={} transport={} opcode={}",
          hostPort(from),
          transport,
          Opcode.string(opcode));
      return Optional.of(answer(query, question, Rcode.NOTIMP, false));
    }
    if (question == null) {
      warnWithin(
          malformedLines,
          "event=notify_without_question source={} transport={}",
          hostPort(from),
          transport);
      return Optional.of(answer(query, null, Rcode.FORMERR, false));
    }
    String zone = question.getName().canonicalize().toString();
    if (question.getType() != Type.SOA) {
      warnWithin(
          malformedLines,
          "event=notify_type_not_handled zone={} source={} transport={} qtype={}",
          zone,
          hostPort(from),
          transport,
          Type.string(question.getType()));
      return Optional.of(answer(query, question, Rcode.NOTIMP, false));
    }
    Set<String> signers = directory.signers(zone).orElse(null);
    if (signers == null) {
      count(transport, "refused");
      warnWithin(
          refusedLines,
          "event=notify_refused zone={} source={} transport={} reason=\"zone not managed here\"",
          zone,
          hostPort(from),
          transport);
      return Optional.of(answer(query, question, Rcode.NOTAUTH, false));
    }
    var admissions = scheduler.requestZone(zone, signers, ObservationSource.NOTIFY);
    count(transport, "observed");
    LOG.info(
        "event=notify_received zone={} source={} transport={} serial={} observations={}",
        zone,
        hostPort(from),
        transport,
        serial(query).map(String::valueOf).orElse("none"),
        admissions);
    return Optional.of(answer(query, question, Rcode.NOERROR, true));
  }

  /**
   * The SOA serial a NOTIFY may carry in its answer section (RFC 1996 §3.7; PowerDNS sends none).
   */
  private static Optional<Long> serial(Message query) {
    return query.getSection(Section.ANSWER).stream()
        .filter(SOARecord.class::isInstance)
        .map(r -> ((SOARecord) r).getSerial())
        .findFirst();
  }

  private static byte[] answer(Message query, Record question, int rcode, boolean authoritative) {
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setOpcode(query.getHeader().getOpcode());
    response.getHeader().setFlag(Flags.QR);
    if (authoritative) {
      response.getHeader().setFlag(Flags.AA);
    }
    response.getHeader().setRcode(rcode);
    if (question != null) {
      response.addRecord(question, Section.QUESTION);
    }
    return response.toWire();
  }

  static String hostPort(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }
}
