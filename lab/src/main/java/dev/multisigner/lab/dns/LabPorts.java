package dev.multisigner.lab.dns;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free ports on 127.0.0.1, free for both TCP and UDP at the time of the call. A port is never
 * handed out twice in one JVM, so several labs can start in parallel.
 */
final class LabPorts {

  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private LabPorts() {}

  static int next() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port;
      try (ServerSocket tcp = new ServerSocket(0, 1, LOOPBACK)) {
        tcp.setReuseAddress(true);
        port = tcp.getLocalPort();
      } catch (IOException e) {
        throw new LabException("cannot find a free TCP port on 127.0.0.1: " + e.getMessage(), e);
      }
      if (port < 1024 || !HANDED_OUT.add(port)) {
        continue;
      }
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
        return port;
      } catch (IOException e) {
        // taken for UDP: try another one (the port stays marked as handed out)
      }
    }
    throw new LabException("no port free for both TCP and UDP on 127.0.0.1 after 200 attempts");
  }

  static InetSocketAddress nextAddress() {
    return new InetSocketAddress(LOOPBACK, next());
  }
}
