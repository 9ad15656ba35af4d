package dev.multisigner.providers;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * How a collector can tell, cheaply, whether {@link DnsProvider#read} would return something new:
 * either the zone's SOA serial at one server changes with every change to what the adapter reads
 * (so an unchanged serial means nothing to read), or there is no such signal and every poll must
 * read the zone fully. The reason says why, for the capability report and the docs.
 */
public record ChangeSignal(Optional<InetSocketAddress> soaSerialAt, String reason) {

  public ChangeSignal {
    Objects.requireNonNull(soaSerialAt, "soaSerialAt");
    Objects.requireNonNull(reason, "reason");
  }

  /** The SOA serial at {@code server} changes whenever the keys, CDS, NS or signatures do. */
  public static ChangeSignal soaSerial(InetSocketAddress server, String reason) {
    return new ChangeSignal(Optional.of(server), reason);
  }

  /** No cheap signal: every poll reads the zone fully. */
  public static ChangeSignal none(String reason) {
    return new ChangeSignal(Optional.empty(), reason);
  }
}
