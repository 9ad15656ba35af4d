package dev.multisigner.cli;

import dev.multisigner.collector.KeyCollectorApplication;
import dev.multisigner.coordinator.CoordinatorApplication;
import dev.multisigner.dspublisher.DsPublisherApplication;
import dev.multisigner.lab.kafka.EmbeddedKafka;
import dev.multisigner.providers.Secret;
import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.schemas.topics.TopicProvisioner;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.EmbeddedApplication;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything Multisigner needs, in one JVM: a Kafka broker (embedded by default, or an external
 * cluster), the catalog topics, and the three services, each in its own Micronaut context with its
 * own HTTP port. Stopping closes the services before the broker, so no client waits on a broker
 * that is gone.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

  /** The services, in start order. */
  public enum Service {
    KEY_COLLECTOR(KeyCollectorApplication.ENVIRONMENT, KeyCollectorApplication.class),
    SIGNER_COORDINATOR(CoordinatorApplication.ENVIRONMENT, CoordinatorApplication.class),
    DS_PUBLISHER(DsPublisherApplication.ENVIRONMENT, DsPublisherApplication.class);

    final String environment;
    final Class<?> mainClass;

    Service(String environment, Class<?> mainClass) {
      this.environment = environment;
      this.mainClass = mainClass;
    }

    public String environment() {
      return environment;
    }
  }

  /** How to start the stack. */
  public record Settings(
      Path dataDir,
      int kafkaPort,
      Optional<String> externalBootstrap,
      int partitions,
      Map<Service, Integer> httpPorts,
      Map<Service, Map<String, Object>> serviceProperties,
      Set<Service> services,
      Map<String, Object> kafkaClient) {

    public Settings {
      services = services.isEmpty() ? EnumSet.noneOf(Service.class) : EnumSet.copyOf(services);
      kafkaClient = Map.copyOf(kafkaClient);
    }

    public Settings(
        Path dataDir,
        int kafkaPort,
        Optional<String> externalBootstrap,
        int partitions,
        Map<Service, Integer> httpPorts,
        Map<Service, Map<String, Object>> serviceProperties,
        Set<Service> services) {
      this(
          dataDir,
          kafkaPort,
          externalBootstrap,
          partitions,
          httpPorts,
          serviceProperties,
          services,
          Map.of());
    }

    /** Embedded broker on a free port, free HTTP ports, no extra properties, all services. */
    public static Settings embedded(Path dataDir) {
      return new Settings(
          dataDir, 0, Optional.empty(), 6, Map.of(), Map.of(), EnumSet.allOf(Service.class));
    }

    public Settings withServiceProperties(Service service, Map<String, Object> properties) {
      Map<Service, Map<String, Object>> copy = new HashMap<>(serviceProperties);
      copy.put(service, properties);
      return new Settings(
          dataDir,
          kafkaPort,
          externalBootstrap,
          partitions,
          httpPorts,
          copy,
          services,
          kafkaClient);
    }

    /**
     * An external cluster with its client settings (bootstrap servers, {@code security.protocol},
     * {@code sasl.*}, {@code ssl.*}): the topics are made with them and every service gets each as
     * {@code kafka.<setting>}.
     */
    public Settings withExternalKafka(Map<String, Object> clientSettings) {
      return new Settings(
          dataDir,
          kafkaPort,
          Optional.of(String.valueOf(clientSettings.get("bootstrap.servers"))),
          partitions,
          httpPorts,
          serviceProperties,
          services,
          clientSettings);
    }

    /**
     * The same settings without {@code service}: it runs elsewhere (its own process, another
     * machine) against the same broker.
     */
    public Settings without(Service service) {
      Set<Service> rest = EnumSet.allOf(Service.class);
      rest.retainAll(services);
      rest.remove(service);
      return new Settings(
          dataDir,
          kafkaPort,
          externalBootstrap,
          partitions,
          httpPorts,
          serviceProperties,
          rest,
          kafkaClient);
    }
  }

  /** The operator API token's file under the data directory, made on the first start. */
  static final String API_TOKEN_FILE = "api-token";

  private final EmbeddedKafka kafka;
  private final String bootstrap;
  private final Map<Service, ApplicationContext> contexts;
  private final Optional<Path> apiToken;
  private final Path dataDir;

  private LocalStack(
      Path dataDir,
      EmbeddedKafka kafka,
      String bootstrap,
      Map<Service, ApplicationContext> contexts,
      Optional<Path> apiToken) {
    this.kafka = kafka;
    this.bootstrap = bootstrap;
    this.contexts = contexts;
    this.apiToken = apiToken;
    this.dataDir = dataDir;
  }

  /**
   * The operator API's token file in {@code dataDir} (owner-only), made with 256 random bits when
   * missing and kept across restarts, so a local stack is never an open API and a client finds its
   * token at a known path ({@code MULTISIGNER_API_TOKEN=file:<path>}).
   */
  public static Path apiTokenFile(Path dataDir) {
    Path file = dataDir.resolve(API_TOKEN_FILE);
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(dataDir);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Path tmp = Files.createTempFile(dataDir, API_TOKEN_FILE, ".tmp", ownerOnly());
        Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the operator API token file " + file, e);
    }
  }

  private static FileAttribute<?>[] ownerOnly() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        }
        : new FileAttribute<?>[0];
  }

  /**
   * The coordinator's API settings: the operator's own ({@code multisigner.api.*} in the service
   * properties or {@code MULTISIGNER_API_TOKEN}) when given, else this stack's token file.
   */
  private static Optional<Path> apiToken(Settings settings) {
    Map<String, Object> own =
        settings.serviceProperties().getOrDefault(Service.SIGNER_COORDINATOR, Map.of());
    boolean configured =
        own.containsKey("multisigner.api.token")
            || own.containsKey("multisigner.api.allow-unauthenticated-loopback")
            || System.getenv("MULTISIGNER_API_TOKEN") != null;
    return settings.services().contains(Service.SIGNER_COORDINATOR) && !configured
        ? Optional.of(apiTokenFile(settings.dataDir()))
        : Optional.empty();
  }

  /**
   * Starts the broker (unless external), creates the topics and starts the services of the settings
   * (all three unless some run elsewhere).
   */
  public static LocalStack start(Settings settings) {
    EmbeddedKafka kafka = null;
    String bootstrap;
    if (settings.externalBootstrap().isPresent()) {
      bootstrap = settings.externalBootstrap().get();
      Map<String, Object> client = new HashMap<>(settings.kafkaClient());
      client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (Admin admin = Admin.create(client)) {
        TopicProvisioner.ensure(admin, TopicCatalog.all(), settings.partitions(), (short) 1);
      }
    } else {
      kafka = EmbeddedKafka.start(settings.dataDir().resolve("kafka"), settings.kafkaPort());
      kafka.createTopics(TopicCatalog.all(), settings.partitions());
      bootstrap = kafka.bootstrapServers();
    }
    Map<Service, ApplicationContext> contexts = new LinkedHashMap<>();
    Optional<Path> apiToken = apiToken(settings);
    LocalStack stack = new LocalStack(settings.dataDir(), kafka, bootstrap, contexts, apiToken);
    try {
      for (Service service : settings.services()) {
        Map<String, Object> props = new HashMap<>();
        settings.kafkaClient().forEach((k, v) -> props.put("kafka." + k, v));
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put("micronaut.server.port", settings.httpPorts().getOrDefault(service, -1));
        props.put("micronaut.server.host", "127.0.0.1");
        props.put(
            "multisigner.coordinator.state-dir",
            settings.dataDir().resolve("coordinator-state").toString());
        if (service == Service.SIGNER_COORDINATOR) {
          apiToken.ifPresent(f -> props.put("multisigner.api.token", "file:" + f));
        }
        props.putAll(settings.serviceProperties().getOrDefault(service, Map.of()));
        // Not Micronaut.start(): it adds a JVM shutdown hook per service that races with ours
        // (which must stop the services before the broker) and deadlocks on the context lock.
        ApplicationContext context =
            ApplicationContext.builder()
                .mainClass(service.mainClass)
                .environments(service.environment)
                .properties(props)
                .banner(false)
                .start();
        contexts.put(service, context);
        context.findBean(EmbeddedApplication.class).ifPresent(EmbeddedApplication::start);
      }
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
    return stack;
  }

  /** The Kafka bootstrap servers the services use. */
  public String bootstrapServers() {
    return bootstrap;
  }

  /** The base URL of a service's HTTP server (for /health, /prometheus and its API). */
  public String url(Service service) {
    EmbeddedServer server = contexts.get(service).getBean(EmbeddedServer.class);
    return "http://127.0.0.1:" + server.getPort();
  }

  /** The stack's data directory (broker data, coordinator state, the API token file). */
  public Path dataDir() {
    return dataDir;
  }

  /** The operator API token's file, when this stack made one for its coordinator. */
  public Optional<Path> apiToken() {
    return apiToken;
  }

  /**
   * The {@code Authorization} header value for this stack's operator API (empty when the operator
   * configured the API himself).
   */
  public Optional<String> apiAuthorization() {
    return apiToken.map(f -> "Bearer " + Secret.fromFile(f).reveal());
  }

  /** The running context of a service. */
  public ApplicationContext context(Service service) {
    return contexts.get(service);
  }

  /** One line per endpoint, for the console. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "%-20s %s%s",
            "kafka",
            bootstrap,
            kafka == null ? " (external)" : " (embedded, data in " + kafka.dataDir() + ")"));
    for (Service s : contexts.keySet()) {
      lines.add(String.format("%-20s %s  (health: %s/health)", s.environment, url(s), url(s)));
      if (s == Service.SIGNER_COORDINATOR) {
        lines.add(String.format("%-20s %s/status/index.html", "status page", url(s)));
      }
    }
    apiToken.ifPresent(
        f ->
            lines.add(
                String.format(
                    "%-20s MULTISIGNER_API_TOKEN=file:%s (the operator API's bearer token)",
                    "api token", f)));
    return lines;
  }

  @Override
  public void close() {
    List<Service> reverse = new ArrayList<>(contexts.keySet());
    java.util.Collections.reverse(reverse);
    for (Service s : reverse) {
      try {
        contexts.get(s).close();
      } catch (RuntimeException e) {
        LOG.warn("event=service_stop_failed service={} error=\"{}\"", s.environment, e.toString());
      }
    }
    contexts.clear();
    if (kafka != null) {
      kafka.close();
    }
  }
}
