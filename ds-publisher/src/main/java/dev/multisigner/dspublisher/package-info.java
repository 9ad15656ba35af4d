/**
 * The ds-publisher service: consumes DS change requests, publishes the DS set to the parent through
 * a channel the parent supports, verifies the parent's DS RRset and reports DS events.
 */
package dev.multisigner.dspublisher;
