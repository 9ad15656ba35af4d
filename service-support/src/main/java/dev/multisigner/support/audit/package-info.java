/**
 * The audit log's tamper evidence and its reader: the per-zone hash chain of {@code
 * multisigner.zone.events} (computed by the coordinator, checked by {@code multisigner audit
 * verify}) and a plain consumer that reads the topic from any cluster.
 */
package dev.multisigner.support.audit;
