/**
 * The Cloudflare API adapter, written to Cloudflare's documented contract: multi-signer DNSSEC
 * settings, foreign DNSKEYs as DNS records, own keys from the DNSSEC endpoints, bearer tokens.
 */
package dev.multisigner.providers.cloudflare;
