package dev.multisigner.cli;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code multisigner up}: the broker and the three services in this JVM until Ctrl-C. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Start an embedded Kafka broker (or use --bootstrap-servers) and the key-collector,"
            + " signer-coordinator and ds-publisher services in this JVM; Ctrl-C stops them.")
final class UpCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      defaultValue = ".multisigner",
      description =
          "Where the embedded broker and the coordinator keep their data (kept across"
              + " restarts). Default: ${DEFAULT-VALUE}")
  Path dataDir;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description =
          "Port of the embedded broker on 127.0.0.1 (0 = any free port)."
              + " Default: ${DEFAULT-VALUE}")
  int kafkaPort;

  @Option(
      names = "--bootstrap-servers",
      description = "Use this Kafka cluster instead of the embedded broker.")
  String bootstrapServers;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description = "Partitions of each topic when it is created. Default: ${DEFAULT-VALUE}")
  int partitions;

  @Option(
      names = "--base-port",
      defaultValue = "8081",
      description =
          "HTTP ports: key-collector at base, coordinator base+1, ds-publisher base+2"
              + " (0 = free ports). Default: ${DEFAULT-VALUE}")
  int basePort;

  @Override
  public Integer call() throws InterruptedException {
    Map<LocalStack.Service, Integer> ports =
        basePort == 0
            ? Map.of()
            : Map.of(
                LocalStack.Service.KEY_COLLECTOR, basePort,
                LocalStack.Service.SIGNER_COORDINATOR, basePort + 1,
                LocalStack.Service.DS_PUBLISHER, basePort + 2);
    LocalStack.Settings settings =
        new LocalStack.Settings(
            dataDir.toAbsolutePath(),
            kafkaPort,
            Optional.ofNullable(bootstrapServers),
            partitions,
            ports,
            Map.of(),
            EnumSet.allOf(LocalStack.Service.class));
    LocalStack stack = LocalStack.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("multisigner: stopping");
                  stack.close();
                  stopped.countDown();
                },
                "multisigner-shutdown"));
    System.out.println("multisigner: up");
    stack.describe().forEach(line -> System.out.println("  " + line));
    System.out.println("multisigner: Ctrl-C stops everything");
    stopped.await();
    return 0;
  }
}
