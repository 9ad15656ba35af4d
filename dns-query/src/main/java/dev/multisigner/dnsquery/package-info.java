/**
 * Asking one authoritative server (TCP, EDNS0 with DO, RD clear, a timeout, TSIG where signed) and
 * checking RRSIGs with dnsjava. Consumes nothing, produces nothing: a library below the lab, the
 * providers, the checker and the ds-publisher, so each asks and verifies the same way.
 */
package dev.multisigner.dnsquery;
