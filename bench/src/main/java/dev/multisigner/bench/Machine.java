package dev.multisigner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a number was measured on: cores and load averages, as key=value. */
final class Machine {

  private Machine() {}

  static String describe(String when) {
    String load;
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      load = f[0] + "," + f[1] + "," + f[2];
    } catch (IOException e) {
      load = "unknown";
    }
    return "machine_"
        + when
        + " cores="
        + Runtime.getRuntime().availableProcessors()
        + " loadavg_1_5_15="
        + load;
  }
}
