package dev.multisigner.providers;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * How a collector can tell, cheaply, whether {@link DnsProvider#read} would return something new,
 * by asking the signer's DNS server at {@code at} over UDP:
 *
 * <ul>
 *   <li>{@link Scope#SOA_SERIAL}: the zone's SOA serial changes with every change to what the
 *       adapter reads, so an unchanged serial means nothing to read (one query);
 *   <li>{@link Scope#SERVED_KEYS}: the serial alone does not move with every change (PowerDNS's key
 *       changes), but the served state does: the serial together with the served DNSKEY, CDS,
 *       CDNSKEY, NS and CSYNC RRsets, their TTLs and the tags of the keys that sign DNSKEY and SOA
 *       ({@link ZoneKeySnapshot#servedDigest()}), one query per RRset;
 *   <li>none: every poll reads the zone fully.
 * </ul>
 *
 * The reason says why, for the capability report and the docs.
 */
public record ChangeSignal(Optional<InetSocketAddress> at, Scope scope, String reason) {

  /** What the cheap check compares with the last full read. */
  public enum Scope {
    /** Nothing: no cheap check. */
    NONE,
    /** The SOA serial. */
    SOA_SERIAL,
    /** {@link ZoneKeySnapshot#servedDigest()}: serial and the served key, NS and CSYNC RRsets. */
    SERVED_KEYS
  }

  public ChangeSignal {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(reason, "reason");
    if (at.isPresent() == (scope == Scope.NONE)) {
      throw new IllegalArgumentException(
          "a change signal has a server exactly when it has a scope");
    }
  }

  /** The SOA serial at {@code server} changes whenever the keys, CDS, NS or signatures do. */
  public static ChangeSignal soaSerial(InetSocketAddress server, String reason) {
    return new ChangeSignal(Optional.of(server), Scope.SOA_SERIAL, reason);
  }

  /**
   * The served state at {@code server} ({@link ZoneKeySnapshot#servedDigest()}) changes whenever
   * what the adapter reads does, though the serial may not.
   */
  public static ChangeSignal servedKeys(InetSocketAddress server, String reason) {
    return new ChangeSignal(Optional.of(server), Scope.SERVED_KEYS, reason);
  }

  /** No cheap signal: every poll reads the zone fully. */
  public static ChangeSignal none(String reason) {
    return new ChangeSignal(Optional.empty(), Scope.NONE, reason);
  }

  /** The server whose SOA serial alone tells a change; empty for the other scopes. */
  public Optional<InetSocketAddress> soaSerialAt() {
    return scope == Scope.SOA_SERIAL ? at : Optional.empty();
  }
}
