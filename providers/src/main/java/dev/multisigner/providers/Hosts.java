package dev.multisigner.providers;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Where a host name points, for settings that are safe only on loopback. */
public final class Hosts {

  private Hosts() {}

  /** Whether every address of {@code host} is a loopback address (false when it cannot resolve). */
  public static boolean loopback(String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
