/**
 * Parents and how to reach them: per parent zone, the DNS UPDATE endpoint with its TSIG key (secret
 * from a file or the environment, never logged) and the trust anchor to validate with.
 */
package dev.multisigner.dspublisher.parent;
