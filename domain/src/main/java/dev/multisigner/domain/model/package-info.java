/**
 * Value types of the multi-signer domain: zone names, signer ids, DNSSEC keys and their roles, and
 * signer capabilities as data. Pure: depends on the JDK and dnsjava's record types only.
 */
package dev.multisigner.domain.model;
