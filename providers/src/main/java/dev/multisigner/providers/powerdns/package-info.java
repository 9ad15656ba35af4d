/**
 * The PowerDNS Authoritative 4.7 HTTP API adapter: foreign DNSKEY/CDS/CDNSKEY (needs
 * direct-dnskey=yes), the apex NS RRset and CSYNC go into the records table by rrset REPLACE or
 * DELETE; own keys come from the cryptokeys endpoint.
 */
package dev.multisigner.providers.powerdns;
