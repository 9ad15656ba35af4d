/**
 * DNS NOTIFY (RFC 1996) receiver over UDP and TCP: a NOTIFY for a managed zone is answered and
 * triggers an observation of the zone at each of its signers; it consumes datagrams and TCP
 * messages and produces observation requests, never observations by itself.
 */
package dev.multisigner.collector.notify;
