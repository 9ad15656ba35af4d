package dev.multisigner.cli;

import dev.multisigner.cli.soak.Soak;
import dev.multisigner.cli.soak.SoakResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code multisigner soak}: the randomized scenario matrix on the real lab, as a table. */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description =
        "Run randomized multi-signer scenarios on the real lab (2-3 Knot/PowerDNS signers, KSK+ZSK"
            + " or CSK, a ZSK/KSK/CSK roll at each signer at a random moment, a signer joining or"
            + " leaving, DS by DNS UPDATE or by the parent's CDS scan), each checked for"
            + " convergence, shared keys, identical CDS, the parent's DS and 0 bogus answers from"
            + " Unbound across providers. Prints a table; exits 1 if any scenario failed.")
final class SoakCommand implements Callable<Integer> {

  @Option(
      names = "--scenarios",
      defaultValue = "12",
      description = "How many scenarios (1..N). Default: ${DEFAULT-VALUE}")
  int scenarios;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "The seed; scenario i follows from (seed, i). Default: ${DEFAULT-VALUE}")
  long seed;

  @Option(
      names = "--only",
      split = ",",
      description = "Run only these scenario numbers of the seed (e.g. to replay a failure).")
  List<Integer> only;

  @Option(
      names = "--parallel",
      defaultValue = "6",
      description = "Scenarios run at once, each on its own lab. Default: ${DEFAULT-VALUE}")
  int parallel;

  @Option(
      names = "--patience",
      defaultValue = "PT3M",
      description = "How long one step may wait for Multisigner. Default: ${DEFAULT-VALUE}")
  Duration patience;

  @Option(
      names = "--data-dir",
      description = "Where the labs and brokers keep their data (default: a new temp directory).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("multisigner-soak-");
    Soak soak = new Soak(System.out, patience);
    List<SoakResult> results =
        only == null || only.isEmpty()
            ? soak.run(scenarios, seed, parallel, dir)
            : soak.run(seed, only, parallel, dir);
    long failed = results.stream().filter(r -> !r.passed()).count();
    System.out.println(Soak.summary(results));
    return failed == 0 ? 0 : 1;
  }
}
