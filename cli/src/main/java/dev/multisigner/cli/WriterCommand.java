package dev.multisigner.cli;

import dev.multisigner.coordinator.CoordinatorApplication;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multisigner writer --signer <id>}: one signer's writer as its own process, so a provider's
 * adapter scales and fails on its own. Instances of one signer share its consumer group.
 */
@Command(
    name = "writer",
    mixinStandardHelpOptions = true,
    description =
        "Run the signer writers of the given signers on their own (no coordinator Streams, no"
            + " operator API) until Ctrl-C. Signers are configured as for the coordinator"
            + " (multisigner.signers.<id>.*, e.g. MULTISIGNER_SIGNERS_KNOT_A_KIND=rfc2136);"
            + " instances with the same signer share its consumer group. Run the coordinator"
            + " with multisigner.writers.enabled=false (or without these signers) beside them.")
final class WriterCommand implements Callable<Integer> {

  @Option(
      names = "--signer",
      required = true,
      split = ",",
      description = "The signer id(s) whose commands this process applies.")
  List<String> signers;

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
      description = "The Kafka cluster. Default: ${DEFAULT-VALUE}")
  String bootstrapServers;

  @Option(
      names = "--port",
      defaultValue = "8084",
      description = "HTTP port of /health (0 = a free port). Default: ${DEFAULT-VALUE}")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    ApplicationContext context =
        Micronaut.build(new String[0])
            .mainClass(CoordinatorApplication.class)
            .environments(CoordinatorApplication.WRITER_ENVIRONMENT)
            .properties(
                Map.of(
                    "kafka.bootstrap.servers",
                    bootstrapServers,
                    "micronaut.server.port",
                    port == 0 ? -1 : port,
                    "multisigner.writers.signers",
                    String.join(",", signers)))
            .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  context.close();
                  stopped.countDown();
                },
                "multisigner-writer-shutdown"));
    System.out.println("multisigner: writers of " + signers + " running; Ctrl-C stops them");
    stopped.await();
    return 0;
  }
}
