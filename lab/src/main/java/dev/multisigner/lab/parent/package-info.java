/**
 * What the lab's parent does on its own, as a registry would: {@link
 * dev.multisigner.lab.parent.CsyncParentAgent} scans the child's nameservers for CSYNC (RFC 7477)
 * and replaces the delegation, and {@link dev.multisigner.lab.parent.CdsParentAgent} takes
 * NOTIFY(CDS) at the DSYNC target it publishes (RFC 9859), scans the child's CDS and replaces the
 * DS (RFC 7344, RFC 8078), at the lab's BIND parent when the nameservers all agree and it
 * validates.
 */
package dev.multisigner.lab.parent;
