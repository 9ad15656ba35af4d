package dev.multisigner.collector.notify;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for DNS NOTIFY on one address and port, over UDP (PowerDNS) and TCP (Knot 3.2 notifies
 * over TCP), and hands every message to the {@link NotifyHandler}. Port 0 picks a port free for
 * both; {@link #address()} tells which. A malformed message is logged and dropped; no packet ends
 * the listener. A TCP connection is closed after 10 s idle, and in any case {@code
 * multisigner.collector.notify.tcp-deadline} (30 s) after it was accepted: a peer dripping bytes
 * cannot hold one of the {@value #MAX_TCP_CONNECTIONS} connection threads (slowloris).
 */
@Context
@Requires(env = "key-collector")
@Requires(property = "multisigner.collector.notify.enabled", value = "true")
public class NotifyListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NotifyListener.class);
  private static final int TCP_IDLE_MS = 10_000;
  private static final int MAX_TCP_CONNECTIONS = 16;

  private final NotifyHandler handler;
  private final String host;
  private final int port;
  private final ThreadPoolExecutor tcpConnections;
  private final Duration tcpDeadline;
  private final ScheduledExecutorService deadlines;
  private final LogBudget rejectedLines = new LogBudget(10, Duration.ofMinutes(1));
  private volatile DatagramSocket udp;
  private volatile ServerSocket tcp;
  private volatile boolean running = true;

  public NotifyListener(
      NotifyHandler handler,
      @Value("${multisigner.collector.notify.address:127.0.0.1}") String host,
      @Value("${multisigner.collector.notify.port:0}") int port,
      @Value("${multisigner.collector.notify.tcp-deadline:30s}") Duration tcpDeadline) {
    this.handler = handler;
    this.host = host;
    this.port = port;
    this.tcpDeadline = tcpDeadline;
    this.deadlines =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "notify-tcp-deadline");
              t.setDaemon(true);
              return t;
            });
    AtomicInteger n = new AtomicInteger();
    // one thread per open connection (a client may keep one open and idle), up to the limit
    this.tcpConnections =
        new ThreadPoolExecutor(
            MAX_TCP_CONNECTIONS,
            MAX_TCP_CONNECTIONS,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "notify-tcp-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.tcpConnections.allowCoreThreadTimeOut(true);
  }

  @PostConstruct
  void start() {
    bind();
    startThread("notify-udp", this::serveUdp);
    startThread("notify-tcp-accept", this::acceptTcp);
    LOG.info("event=notify_listening address={} transports=udp,tcp", hostPort(address()));
  }

  /** Where NOTIFY is received (the chosen port when configured with port 0). */
  public InetSocketAddress address() {
    return new InetSocketAddress(tcp.getInetAddress(), tcp.getLocalPort());
  }

  private void bind() {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (IOException e) {
      throw new IllegalStateException(
          "multisigner.collector.notify.address: cannot resolve '" + host + "'", e);
    }
    // with port 0, the TCP port the kernel picks may be taken for UDP: try a few
    for (int attempt = 0; ; attempt++) {
      ServerSocket t = null;
      try {
        t = new ServerSocket();
        t.setReuseAddress(true);
        t.bind(new InetSocketAddress(address, port), 64);
        DatagramSocket u = new DatagramSocket(new InetSocketAddress(address, t.getLocalPort()));
        tcp = t;
        udp = u;
        return;
      } catch (IOException e) {
        closeQuietly(t);
        if (port != 0 || attempt >= 20) {
          throw new IllegalStateException(
              "cannot listen for NOTIFY on "
                  + host
                  + ":"
                  + port
                  + " (udp and tcp): "
                  + e.getMessage(),
              e);
        }
      }
    }
  }

  private void serveUdp() {
    byte[] buffer = new byte[65535];
    while (running) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        if (!running || udp.isClosed()) {
          return;
        }
        LOG.warn("event=notify_udp_receive_failed error=\"{}\"", e.toString());
        continue;
      }
      InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
      try {
        byte[] message = Arrays.copyOf(packet.getData(), packet.getLength());
        Optional<byte[]> answer = handler.handle(message, from, "udp");
        if (answer.isPresent()) {
          udp.send(new DatagramPacket(answer.get(), answer.get().length, from));
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn(
            "event=notify_udp_failed source={} error=\"{}\"",
            NotifyHandler.hostPort(from),
            e.toString());
      }
    }
  }

  private void acceptTcp() {
    while (running) {
      Socket connection;
      try {
        connection = tcp.accept();
      } catch (IOException e) {
        if (!running || tcp.isClosed()) {
          return;
        }
        LOG.warn("event=notify_tcp_accept_failed error=\"{}\"", e.toString());
        continue;
      }
      try {
        tcpConnections.execute(() -> serveTcp(connection));
      } catch (RejectedExecutionException e) {
        OptionalLong left = rejectedLines.take();
        if (left.isPresent()) {
          LOG.warn(
              "event=notify_tcp_rejected source={} reason=\"more than {} connections\""
                  + " suppressed_before={}",
              NotifyHandler.hostPort((InetSocketAddress) connection.getRemoteSocketAddress()),
              MAX_TCP_CONNECTIONS,
              left.getAsLong());
        }
        closeQuietly(connection);
      }
    }
  }

  /**
   * Length-prefixed messages (RFC 1035 §4.2.2) until the peer closes, stays idle, or the
   * connection's deadline closes it.
   */
  private void serveTcp(Socket connection) {
    InetSocketAddress from = (InetSocketAddress) connection.getRemoteSocketAddress();
    AtomicBoolean cut = new AtomicBoolean();
    ScheduledFuture<?> deadline =
        deadlines.schedule(
            () -> {
              cut.set(true);
              closeQuietly(connection);
            },
            tcpDeadline.toMillis(),
            TimeUnit.MILLISECONDS);
    try (connection) {
      connection.setSoTimeout(TCP_IDLE_MS);
      DataInputStream in = new DataInputStream(connection.getInputStream());
      DataOutputStream out = new DataOutputStream(connection.getOutputStream());
      while (running) {
        int length;
        try {
          length = in.readUnsignedShort();
        } catch (EOFException | SocketTimeoutException closedOrIdle) {
          return;
        }
        byte[] message = new byte[length];
        in.readFully(message);
        Optional<byte[]> answer = handler.handle(message, from, "tcp");
        if (answer.isEmpty()) {
          return; // malformed: the framing cannot be trusted any more
        }
        out.writeShort(answer.get().length);
        out.write(answer.get());
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      if (cut.get()) {
        LOG.info(
            "event=notify_tcp_deadline source={} deadline_ms={} reason=\"connection closed at its"
                + " deadline\"",
            NotifyHandler.hostPort(from),
            tcpDeadline.toMillis());
        return;
      }
      LOG.warn(
          "event=notify_tcp_failed source={} error=\"{}\"",
          NotifyHandler.hostPort(from),
          e.toString());
    } finally {
      deadline.cancel(false);
    }
  }

  private static void startThread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }

  private static String hostPort(InetSocketAddress a) {
    return NotifyHandler.hostPort(a);
  }

  @PreDestroy
  @Override
  public void close() {
    running = false;
    closeQuietly(udp);
    closeQuietly(tcp);
    tcpConnections.shutdownNow();
    deadlines.shutdownNow();
  }
}
