package dev.multisigner.lab.dns;

/** How a many-zone PowerDNS signer gets its zones (see {@link MultiZoneLab}). */
public enum PdnsZoneCreation {
  /** {@code POST /servers/localhost/zones} with {@code "dnssec": true}, while pdns_server runs. */
  API,
  /** {@code pdnsutil load-zone}, {@code secure-zone} and two {@code set-meta} per zone. */
  PDNSUTIL
}
