/**
 * One interface for a DNS provider as Multisigner sees it, its snapshots, plans and typed errors.
 * Consumes the domain's value types; produces reads of a zone's keys and applied key changes.
 */
package dev.multisigner.providers;
