/**
 * What every Multisigner service shares on the log: envelopes, the event-log writer, decoding with
 * dead-lettering of poison records, and the capability status shown in /health.
 */
package dev.multisigner.support;
