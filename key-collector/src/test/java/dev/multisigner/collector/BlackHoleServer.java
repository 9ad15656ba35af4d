package dev.multisigner.collector;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A "nameserver" that accepts TCP connections and never answers (a provider that hangs): the
 * connections stay open until {@link #close()}; UDP is bound and never read.
 */
final class BlackHoleServer implements AutoCloseable {

  private final ServerSocket tcp;
  private final DatagramSocket udp;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  BlackHoleServer() throws IOException {
    tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor =
        new Thread(
            () -> {
              while (!tcp.isClosed()) {
                try {
                  held.add(tcp.accept());
                } catch (IOException e) {
                  return;
                }
              }
            },
            "black-hole");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(tcp.getInetAddress(), tcp.getLocalPort());
  }

  /** Connections accepted so far (none of them ever got a byte back). */
  int accepted() {
    return held.size();
  }

  @Override
  public void close() throws IOException {
    tcp.close();
    udp.close();
    for (Socket s : held) {
      s.close();
    }
  }
}
