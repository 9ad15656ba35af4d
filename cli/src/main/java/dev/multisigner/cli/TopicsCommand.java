package dev.multisigner.cli;

import dev.multisigner.schemas.topics.TopicCatalog;
import dev.multisigner.schemas.topics.TopicProvisioner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code multisigner topics}: create the catalog's topics on a cluster (idempotent). */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Create Multisigner's topics on a Kafka cluster; existing topics are left alone.")
final class TopicsCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", required = true, description = "The Kafka cluster.")
  String bootstrapServers;

  @Option(names = "--partitions", defaultValue = "6", description = "Default: ${DEFAULT-VALUE}")
  int partitions;

  @Option(names = "--replication", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}")
  short replication;

  @Override
  public Integer call() {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      List<String> created =
          TopicProvisioner.ensure(admin, TopicCatalog.all(), partitions, replication);
      System.out.println("multisigner: topics created: " + created);
      return 0;
    }
  }
}
