package dev.multisigner.lab.kafka;

import dev.multisigner.schemas.topics.Topic;
import dev.multisigner.schemas.topics.TopicProvisioner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker (combined broker + KRaft controller, node 1) running in this JVM on
 * loopback. The data directory is formatted once; starting again on the same directory keeps every
 * topic and record. Single node, so every replication factor and min ISR is 1.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
 *   kafka.createTopics(TopicCatalog.all(), 6);
 *   String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String CLUSTER_ID_FILE = "multisigner-cluster-id";

  private final Path dataDir;
  private final int port;
  private final KafkaRaftServer server;
  private final Map<String, Object> clientSecurity;
  private volatile boolean stopped;

  private EmbeddedKafka(
      Path dataDir, int port, KafkaRaftServer server, Map<String, Object> clientSecurity) {
    this.dataDir = dataDir;
    this.port = port;
    this.server = server;
    this.clientSecurity = clientSecurity;
  }

  /** A SASL/PLAIN user of a secured broker. */
  public record SaslUser(String name, String password) {

    /** This user's client settings (security.protocol, sasl.mechanism, sasl.jaas.config). */
    public Map<String, Object> clientSecurity() {
      return Map.of(
          "security.protocol", "SASL_PLAINTEXT",
          "sasl.mechanism", "PLAIN",
          "sasl.jaas.config", jaas(name, password, ""));
    }
  }

  /**
   * Starts a broker with its log under {@code dataDir} (created and formatted when new), listening
   * on 127.0.0.1:{@code port} (0 picks a free port).
   */
  public static EmbeddedKafka start(Path dataDir, int port) {
    return start(dataDir, port, null);
  }

  /**
   * Starts a broker whose only client listener is SASL_PLAINTEXT with the PLAIN mechanism: {@code
   * user} can connect, a client without credentials or with a wrong password cannot. The broker's
   * own inter-broker user is another one.
   */
  public static EmbeddedKafka startSasl(Path dataDir, int port, SaslUser user) {
    return start(dataDir, port, user);
  }

  private static EmbeddedKafka start(Path dataDir, int port, SaslUser user) {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(dataDir);
      Path logDir = dataDir.resolve("kraft-combined-logs");
      int brokerPort = port == 0 ? freePort() : port;
      // Two separate picks can return the same port (each socket is closed before the next):
      // pick again until they differ.
      int controllerPort = freePort();
      while (controllerPort == brokerPort) {
        controllerPort = freePort();
      }
      String clusterId = clusterId(dataDir);
      Properties props = brokerProperties(logDir, brokerPort, controllerPort);
      if (user != null) {
        secure(props, brokerPort, controllerPort, user);
      }
      format(logDir, clusterId);
      KafkaRaftServer server =
          new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      EmbeddedKafka kafka =
          new EmbeddedKafka(
              dataDir, brokerPort, server, user == null ? Map.of() : user.clientSecurity());
      kafka.awaitReady(Duration.ofSeconds(30));
      LOG.info(
          "event=kafka_started bootstrap={} data_dir={} cluster_id={} startup_ms={}",
          kafka.bootstrapServers(),
          dataDir,
          clusterId,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dataDir, e);
    }
  }

  /** The bootstrap servers string for clients. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The directory that holds the broker's data. */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Creates the topics that do not exist yet, each with its catalog configs (the audit topic never
   * expires), and returns the names that were created.
   */
  public List<String> createTopics(Collection<? extends Topic<?>> topics, int partitions) {
    try (Admin admin = admin()) {
      List<String> created = TopicProvisioner.ensure(admin, topics, partitions, (short) 1);
      LOG.info("event=topics_ensured bootstrap={} created={}", bootstrapServers(), created);
      return created;
    }
  }

  /** An admin client for this broker (the caller closes it). */
  public Admin admin() {
    Map<String, Object> config = new HashMap<>(clientSettings());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return Admin.create(config);
  }

  /** What a client needs to reach this broker: bootstrap servers and, if secured, credentials. */
  public Map<String, Object> clientSettings() {
    Map<String, Object> c = new HashMap<>(clientSecurity);
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return Map.copyOf(c);
  }

  /** The client listener becomes SASL_PLAINTEXT/PLAIN; the controller stays on loopback plain. */
  private static void secure(Properties p, int brokerPort, int controllerPort, SaslUser user) {
    String broker = "broker-" + UUID.randomUUID();
    p.put(
        "listeners",
        "SASL_PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
    p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("sasl.enabled.mechanisms", "PLAIN");
    p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    p.put(
        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
        jaas(
            broker,
            broker,
            " user_"
                + broker
                + "=\""
                + broker
                + "\" user_"
                + user.name()
                + "=\""
                + user.password()
                + "\""));
  }

  private static String jaas(String user, String password, String more) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\""
        + more
        + ";";
  }

  @Override
  public void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    long t0 = System.nanoTime();
    server.shutdown();
    server.awaitShutdown();
    LOG.info(
        "event=kafka_stopped data_dir={} shutdown_ms={}",
        dataDir,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try (Admin admin = admin()) {
        if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Kafka", e);
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        last = new IllegalStateException(e.getMessage(), e);
      }
      sleep(100);
    }
    close();
    throw new IllegalStateException(
        "embedded Kafka did not answer on " + bootstrapServers() + " within " + timeout, last);
  }

  private static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    // A static voter set: the controller port may change between restarts of the same data dir.
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "6");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "10");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "10");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("min.insync.replicas", "1");
    p.put("default.replication.factor", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.dedupe.buffer.size", Long.toString(8L * 1024 * 1024));
    return p;
  }

  private static void format(Path logDir, String clusterId) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      new Formatter()
          .setPrintStream(print)
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setNodeId(1)
          .setClusterId(clusterId)
          .setDirectories(List.of(logDir.toString()))
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setIgnoreFormatted(true)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot format Kafka storage in " + logDir + ": " + out.toString(StandardCharsets.UTF_8),
          e);
    }
  }

  /** The cluster id of this data directory, made once and kept beside the log. */
  private static String clusterId(Path dataDir) throws IOException {
    Path file = dataDir.resolve(CLUSTER_ID_FILE);
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    String id = Uuid.randomUuid().toString();
    Files.writeString(file, id, StandardCharsets.UTF_8);
    return id;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
