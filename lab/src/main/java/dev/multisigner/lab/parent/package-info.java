/**
 * What the lab's parent does on its own, as a registry would: {@link
 * dev.multisigner.lab.parent.CsyncParentAgent} scans the child's nameservers for CSYNC (RFC 7477)
 * and replaces the delegation at the lab's BIND parent when they all agree and it validates.
 */
package dev.multisigner.lab.parent;
