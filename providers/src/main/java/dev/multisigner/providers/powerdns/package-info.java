/**
 * The PowerDNS Authoritative 4.7 HTTP API adapter: foreign DNSKEY/CDS/CDNSKEY go into the records
 * table by rrset REPLACE (needs direct-dnskey=yes); own keys come from the cryptokeys endpoint.
 */
package dev.multisigner.providers.powerdns;
