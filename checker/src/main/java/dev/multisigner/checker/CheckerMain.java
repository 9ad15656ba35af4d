package dev.multisigner.checker;

import dev.multisigner.domain.model.ZoneName;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line: {@code CheckerMain <zone> --signer <id>=<host>:<port> ... --parent <host>:<port>}.
 * Prints the report; exit status 0 when all valid, 1 when not, 2 on bad arguments. Without a trust
 * anchor, the parent's served DNSKEY RRset is trusted (its signature over the DS is still checked).
 */
public final class CheckerMain {

  private CheckerMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      if (args.length < 1) {
        throw new IllegalArgumentException("missing zone");
      }
      ZoneName zone = ZoneName.of(args[0]);
      List<SignerEndpoint> signers = new ArrayList<>();
      InetSocketAddress parent = null;
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        String v = args[++i];
        switch (a) {
          case "--signer" -> {
            int eq = v.indexOf('=');
            if (eq <= 0) {
              throw new IllegalArgumentException(
                  "--signer wants <id>=<host>:<port>, got '" + v + "'");
            }
            signers.add(new SignerEndpoint(v.substring(0, eq), address(v.substring(eq + 1))));
          }
          case "--parent" -> parent = address(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (signers.isEmpty() || parent == null) {
        throw new IllegalArgumentException("need at least one --signer and a --parent");
      }
      CheckReport report =
          new CrossSignerChecker()
              .check(zone, signers, new ParentEndpoint(parent, List.of()), Instant.now());
      out.print(report.render());
      return report.allValid() ? 0 : 1;
    } catch (IllegalArgumentException e) {
      err.println("checker: " + e.getMessage());
      err.println(
          "usage: CheckerMain <zone> --signer <id>=<host>:<port> [--signer ...] --parent <host>:<port>");
      return 2;
    }
  }

  static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("address wants <host>:<port>, got '" + hostPort + "'");
    }
    try {
      return new InetSocketAddress(
          hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in '" + hostPort + "'");
    }
  }
}
