package dev.multisigner.lab.dns;

import java.net.InetSocketAddress;
import org.xbill.DNS.Name;

/** One provider of the lab's child zone: a real signer answering on 127.0.0.1. */
public interface LabSigner {

  /** The lab id given to the builder, e.g. {@code knot-a}. */
  String id();

  /** The child zone this signer serves and signs. */
  Name zone();

  /** Where the signer answers DNS (UDP and TCP). */
  InetSocketAddress dnsAddress();

  SignerKind kind();

  /** The last lines of the daemon's log (secrets masked). */
  String logTail();

  /** The daemon's process id. */
  long pid();

  /** Stops the daemon by its PID and starts it again on the same state; waits until it answers. */
  void restart();
}
