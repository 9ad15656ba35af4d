package dev.multisigner.providers.dns;

import dev.multisigner.dnsquery.AuthoritativeDns;
import dev.multisigner.domain.model.SignerId;
import dev.multisigner.domain.model.ZoneName;
import dev.multisigner.providers.ProviderException;
import dev.multisigner.providers.ProviderException.Kind;
import dev.multisigner.providers.ZoneKeySnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Asks one authoritative server for zones' SOA serials ({@link #serial}) or served key state
 * ({@link #servedDigest}), many queries at once on one UDP socket: each query gets a free random
 * message id, a receiver thread matches answers to queries by id and question, and a truncated
 * answer (TC) is asked again over TCP (RFC 7766 §5). At most {@code maxInFlight} queries wait for
 * an answer; a call blocks the caller while that many do, which paces a poll to the server's
 * answers.
 *
 * <p>The answer must be authoritative (AA); the SOA's must carry the zone's SOA; anything else
 * fails the future with a {@link ProviderException} naming zone, provider and cause, as {@link
 * DnsKeyReader} would.
 */
public final class SerialProbe implements AutoCloseable {

  private static final SecureRandom IDS = new SecureRandom();

  private record Pending(
      ZoneName zone, int type, CompletableFuture<List<Record>> result, long deadline) {}

  private final SignerId provider;
  private final InetSocketAddress server;
  private final Duration timeout;
  private final DnsKeyReader tcp;
  private final Semaphore inFlight;
  private final DatagramChannel channel;
  private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;
  private final ExecutorService tcpFallback;
  private final Thread receiver;
  private final AtomicInteger truncated = new AtomicInteger();
  private volatile boolean open = true;

  public SerialProbe(
      SignerId provider, InetSocketAddress server, Duration timeout, int maxInFlight) {
    if (maxInFlight < 1 || maxInFlight > 4096) {
      throw new IllegalArgumentException(
          "provider=" + provider + ": serial checks in flight must be 1..4096, got " + maxInFlight);
    }
    this.provider = provider;
    this.server = server;
    this.timeout = timeout;
    this.tcp = new DnsKeyReader(provider, server, timeout);
    this.inFlight = new Semaphore(maxInFlight);
    try {
      channel = DatagramChannel.open();
      channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
      channel.connect(server);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(
          "provider=" + provider + ": cannot open a UDP socket to " + server, e);
    }
    this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("serial-sweep-" + provider));
    this.tcpFallback = Executors.newFixedThreadPool(2, daemon("serial-tcp-" + provider));
    sweeper.scheduleWithFixedDelay(this::expire, 50, 50, TimeUnit.MILLISECONDS);
    this.receiver = daemon("serial-udp-" + provider).newThread(this::receive);
    receiver.start();
  }

  public InetSocketAddress server() {
    return server;
  }

  /** Answers seen truncated and asked again over TCP. */
  public int truncatedAnswers() {
    return truncated.get();
  }

  /**
   * The zone's SOA serial at the server. Blocks while {@code maxInFlight} queries wait for answers
   * (interrupting it fails the future).
   */
  public CompletableFuture<Long> serial(ZoneName zone) {
    return query(zone, Type.SOA, false).thenApply(records -> serialOf(zone, records));
  }

  /**
   * {@link ZoneKeySnapshot#servedDigest()} of what the server serves now: the SOA, DNSKEY, CDS,
   * CDNSKEY, NS and CSYNC RRsets asked with DO (their RRSIGs tell who signs), as a full read asks
   * them over TCP. Blocks while {@code maxInFlight} queries wait for answers.
   */
  public CompletableFuture<Long> servedDigest(ZoneName zone) {
    List<CompletableFuture<List<Record>>> answers = new ArrayList<>();
    for (int type : DnsKeyReader.types()) {
      answers.add(query(zone, type, true));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Record> records = new ArrayList<>();
              answers.forEach(a -> records.addAll(a.join()));
              if (records.stream().noneMatch(r -> r.getType() == Type.SOA)) {
                throw ProviderException.of(
                    Kind.UNKNOWN_ZONE, zone, provider, "no SOA in the answer from " + server);
              }
              return tcp.snapshot(zone, records, NO_OWN_KEYS).servedDigest();
            });
  }

  /** A served-state digest needs no own-key listing. */
  private static final DnsKeyReader.OwnKeys NO_OWN_KEYS = (zone, served, signers) -> Set.of();

  /**
   * One query for the zone's {@code type} RRset; the answer section's records of that type at the
   * apex and, with {@code dnssec} (the DO bit), the RRSIGs over them.
   */
  private CompletableFuture<List<Record>> query(ZoneName zone, int type, boolean dnssec) {
    CompletableFuture<List<Record>> result = new CompletableFuture<>();
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(e);
      return result;
    }
    result.whenComplete((s, e) -> inFlight.release());
    Pending p = new Pending(zone, type, result, System.nanoTime() + timeout.toNanos());
    int id;
    do {
      id = IDS.nextInt(1 << 16);
    } while (pending.putIfAbsent(id, p) != null);
    int sent = id;
    result.whenComplete((s, e) -> pending.remove(sent, p));
    Message query = AuthoritativeDns.newQuery(zone.toName(), type);
    query.getHeader().setID(id);
    query.addRecord(
        new OPTRecord(AuthoritativeDns.EDNS_PAYLOAD, 0, 0, dnssec ? ExtendedFlags.DO : 0),
        Section.ADDITIONAL);
    try {
      channel.write(ByteBuffer.wrap(query.toWire()));
    } catch (IOException e) {
      result.completeExceptionally(
          ProviderException.of(
              Kind.UNAVAILABLE,
              zone,
              provider,
              "cannot send a " + Type.string(type) + " query to " + server + ": " + e.getMessage(),
              e));
    }
    return result;
  }

  private void receive() {
    ByteBuffer buffer = ByteBuffer.allocate(65535);
    while (open) {
      buffer.clear();
      try {
        channel.read(buffer);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        // ICMP port unreachable on a connected socket: the server is down; queries time out
        continue;
      }
      buffer.flip();
      byte[] wire = new byte[buffer.remaining()];
      buffer.get(wire);
      Message answer;
      try {
        answer = new Message(wire);
      } catch (IOException | RuntimeException e) {
        continue;
      }
      Pending p = pending.get(answer.getHeader().getID());
      Record question = answer.getQuestion();
      if (p == null
          || question == null
          || question.getType() != p.type()
          || !question.getName().equals(p.zone().toName())) {
        continue; // late, or not an answer to our question
      }
      if (answer.getHeader().getFlag(Flags.TC)) {
        truncated.incrementAndGet();
        askOverTcp(p);
      } else {
        complete(p, answer);
      }
    }
  }

  private void askOverTcp(Pending p) {
    try {
      tcpFallback.execute(
          () -> {
            try {
              p.result().complete(tcp.query(p.zone(), p.type()));
            } catch (RuntimeException e) {
              p.result().completeExceptionally(e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      p.result().completeExceptionally(closed(p.zone()));
    }
  }

  private void complete(Pending p, Message answer) {
    ZoneName zone = p.zone();
    int rcode = answer.getRcode();
    if (rcode != Rcode.NOERROR) {
      p.result()
          .completeExceptionally(
              tcp.failure(zone, rcode, Type.string(p.type()) + " query to " + server));
    } else if (!answer.getHeader().getFlag(Flags.AA)) {
      p.result()
          .completeExceptionally(
              ProviderException.of(
                  Kind.UNKNOWN_ZONE,
                  zone,
                  provider,
                  "server " + server + " is not authoritative for the zone (no AA flag)"));
    } else {
      p.result().complete(DnsKeyReader.answerRecords(zone, p.type(), answer));
    }
  }

  private long serialOf(ZoneName zone, List<Record> records) {
    return records.stream()
        .filter(r -> r instanceof SOARecord && r.getName().equals(zone.toName()))
        .map(r -> ((SOARecord) r).getSerial())
        .findFirst()
        .orElseThrow(
            () ->
                ProviderException.of(
                    Kind.UNKNOWN_ZONE, zone, provider, "no SOA in the answer from " + server));
  }

  private void expire() {
    long now = System.nanoTime();
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (now - p.deadline() > 0) {
        p.result()
            .completeExceptionally(
                ProviderException.of(
                    Kind.TIMEOUT,
                    p.zone(),
                    provider,
                    "no "
                        + Type.string(p.type())
                        + " answer from "
                        + server
                        + " within "
                        + timeout));
      }
    }
  }

  private ProviderException closed(ZoneName zone) {
    return ProviderException.of(Kind.UNAVAILABLE, zone, provider, "the serial probe is closed");
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    open = false;
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
    sweeper.shutdownNow();
    tcpFallback.shutdownNow();
    pending.values().forEach(p -> p.result().completeExceptionally(closed(p.zone())));
  }
}
