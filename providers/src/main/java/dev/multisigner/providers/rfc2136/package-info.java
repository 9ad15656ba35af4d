/**
 * The RFC 2136 + TSIG adapter (used for Knot): reads over TCP with DO, writes DNS UPDATEs whose
 * prerequisites pin the RRsets the plan was made from, so a concurrent change is refused, not lost.
 */
package dev.multisigner.providers.rfc2136;
