/**
 * Publishing a requested DS set: consumes DsRequest records, drives the parent channel, watches the
 * parent until its DS RRset matches, and reports DsEvent records to the coordinator.
 */
package dev.multisigner.dspublisher.publish;
