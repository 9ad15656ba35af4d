/**
 * Parents and how to reach them: per parent zone, the DNS UPDATE endpoint with its TSIG key (secret
 * from a file or the environment, never logged; none for a parent that only scans), the trust
 * anchor to validate with, and the NOTIFY(CDS) target its DSYNC records name (RFC 9859).
 */
package dev.multisigner.dspublisher.parent;
