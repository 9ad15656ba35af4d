package dev.multisigner.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code multisigner} command. */
@Command(
    name = "multisigner",
    mixinStandardHelpOptions = true,
    version = "multisigner 0.1.0",
    description = "Multi-signer DNSSEC (RFC 8901) coordination on Kafka.",
    subcommands = {
      DemoCommand.class,
      SoakCommand.class,
      UpCommand.class,
      TopicsCommand.class,
      WriterCommand.class,
      ZoneCommand.class,
      AuditCommand.class
    })
public final class MultisignerCommand implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    int code = new CommandLine(new MultisignerCommand()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
