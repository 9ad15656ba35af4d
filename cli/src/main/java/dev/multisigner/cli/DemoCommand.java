package dev.multisigner.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code multisigner demo}: the main job on this machine, end to end, then it stops. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run a real multi-signer world (Knot + PowerDNS signers, BIND parent, Unbound) with the"
            + " embedded Kafka broker and the three services: enroll example.test., converge,"
            + " prove with Unbound that answers validate across providers, roll a ZSK.")
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      description = "Where the demo keeps its data (default: a new temporary directory).")
  Path dataDir;

  @Option(
      names = "--timeout",
      defaultValue = "PT3M",
      description = "How long to wait for convergence. Default: ${DEFAULT-VALUE}")
  Duration timeout;

  @Option(names = "--no-roll", description = "Skip the ZSK rollover at the end.")
  boolean noRoll;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("multisigner-demo-");
    Demo.Result result = new Demo(System.out, timeout, !noRoll).run(dir);
    boolean ok = result.converged() && result.allSecure() && (noRoll || result.zskImport() != null);
    System.out.println(
        "demo: "
            + (ok ? "OK" : "FAILED")
            + " converged="
            + result.converged()
            + " convergence_ms="
            + result.convergence().toMillis()
            + " cross_validation="
            + (result.allSecure() ? "secure" : "NOT secure")
            + " bogus_answers="
            + result.watch().bogus()
            + "/"
            + result.watch().probes()
            + (result.zskImport() == null
                ? ""
                : " zsk_import_ms=" + result.zskImport().toMillis()));
    return ok ? 0 : 1;
  }
}
