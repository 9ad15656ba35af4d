package dev.multisigner.lab.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a lab world until the process is stopped, for demos and manual work:
 *
 * <pre>
 * DnsLabMain &lt;zone&gt; [knot:&lt;id&gt;[:csk]]... [pdns:&lt;id&gt;[:csk]]... [--parent-ds] [--validator]
 *            [--notify &lt;host&gt;:&lt;port&gt;] [--work-dir &lt;dir&gt;]
 * </pre>
 *
 * <p>Prints the addresses; writes them with the credentials to {@code lab.properties} (mode 600) in
 * the work dir and never prints a secret. Stop it with SIGTERM or Ctrl-C: the lab stops its
 * daemons.
 */
public final class DnsLabMain {

  private DnsLabMain() {}

  public static void main(String[] args) throws Exception {
    DnsLab.Builder b = DnsLab.builder();
    if (args.length == 0) {
      System.err.println(
          "usage: DnsLabMain <zone> [knot:<id>[:csk]]... [pdns:<id>[:csk]]... [--parent-ds]"
              + " [--validator] [--notify <host>:<port>] [--work-dir <dir>]");
      System.exit(2);
    }
    b.zone(args[0]);
    boolean validator = false;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--parent-ds")) {
        b.parentDsForAllSigners();
      } else if (a.equals("--validator")) {
        validator = true;
        b.withValidator();
      } else if (a.equals("--parent")) {
        b.withParent();
      } else if (a.equals("--notify")) {
        String v = args[++i];
        int c = v.lastIndexOf(':');
        b.notifyTarget(
            new InetSocketAddress(v.substring(0, c), Integer.parseInt(v.substring(c + 1))));
      } else if (a.equals("--work-dir")) {
        b.workDir(Path.of(args[++i]));
      } else if (a.startsWith("knot:") || a.startsWith("pdns:")) {
        String[] f = a.split(":");
        KeyScheme scheme = f.length > 2 && f[2].equals("csk") ? KeyScheme.CSK : KeyScheme.KSK_ZSK;
        if (f[0].equals("knot")) {
          b.knotSigner(f[1], scheme);
        } else {
          b.pdnsSigner(f[1], scheme);
        }
      } else {
        throw new IllegalArgumentException("unknown argument '" + a + "'");
      }
    }
    DnsLab lab = b.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  lab.close();
                  stopped.countDown();
                },
                "dnslab-main-stop"));
    Path props = writeProperties(lab, validator);
    System.out.println("lab up in " + lab.startupTime().toMillis() + " ms: " + lab);
    for (LabSigner s : lab.signers()) {
      System.out.println(
          "  signer " + s.id() + " (" + s.kind() + ") dns=" + hostPort(s.dnsAddress()));
    }
    if (validator) {
      System.out.println("  validator dns=" + hostPort(lab.validator().address()));
    }
    System.out.println("addresses and credentials: " + props + " (stop with Ctrl-C)");
    stopped.await();
  }

  private static Path writeProperties(DnsLab lab, boolean validator) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("zone=" + lab.zone());
    for (LabSigner s : lab.signers()) {
      String p = "signer." + s.id() + ".";
      lines.add(p + "kind=" + s.kind());
      lines.add(p + "dns=" + hostPort(s.dnsAddress()));
      if (s instanceof KnotSigner k) {
        lines.add(p + "tsig.name=" + k.tsig().name());
        lines.add(p + "tsig.algorithm=" + k.tsig().algorithm());
        lines.add(p + "tsig.secret=" + k.tsig().secret());
        lines.add(p + "config=" + k.configFile());
      } else if (s instanceof PdnsSigner d) {
        lines.add(p + "api.url=" + d.apiUrl());
        lines.add(p + "api.key=" + d.apiKey());
        lines.add(p + "api.server-id=" + d.serverId());
      }
    }
    try {
      BindParent parent = lab.parent();
      lines.add("parent.zone=" + parent.zone());
      lines.add("parent.dns=" + hostPort(parent.dnsAddress()));
      lines.add("parent.tsig.name=" + parent.tsig().name());
      lines.add("parent.tsig.algorithm=" + parent.tsig().algorithm());
      lines.add("parent.tsig.secret=" + parent.tsig().secret());
    } catch (IllegalStateException noParent) {
      // a lab without a parent
    }
    if (validator) {
      lines.add("validator.dns=" + hostPort(lab.validator().address()));
    }
    Path file = lab.workDir().resolve("lab.properties");
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, lines);
    return file;
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }
}
