/**
 * The topic catalog: every Kafka topic Multisigner uses, with its key, value type, partitions and
 * retention. Services bind their clients to these entries instead of spelling topic names.
 */
package dev.multisigner.schemas.topics;
