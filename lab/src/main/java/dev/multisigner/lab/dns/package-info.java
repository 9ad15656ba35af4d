/**
 * The real DNS lab: Knot, PowerDNS, BIND and Unbound started from rendered configs on 127.0.0.1.
 * Consumes the Debian packages; produces {@link dev.multisigner.lab.dns.DnsLab}, a multi-signer
 * world for tests.
 */
package dev.multisigner.lab.dns;
