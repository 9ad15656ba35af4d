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

  @Option(
      names = "--model",
      defaultValue = "2",
      description =
          "RFC 8901 signing model: 2 (Knot + PowerDNS, each with its own KSK) or 1 (two Knot"
              + " signers in offline-KSK mode, the zone owner's KSK held by Multisigner; no"
              + " roll). Default: ${DEFAULT-VALUE}")
  int model;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("multisigner-demo-");
    if (model != 1 && model != 2) {
      System.err.println("demo: --model must be 1 or 2, not " + model);
      return 2;
    }
    Demo.Result result =
        model == 1
            ? new ModelOneDemo(System.out, timeout).run(dir)
            : new Demo(System.out, timeout, !noRoll).run(dir);
    boolean rolled = noRoll || model == 1 || result.zskImport() != null;
    boolean ok = result.converged() && result.allSecure() && rolled && result.watch().bogus() == 0;
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
