/**
 * A real single-node KRaft Kafka broker, in-process, from the Apache Kafka server artifacts; its
 * data survives restarts in a directory the caller chooses. Creates Multisigner's topics.
 */
package dev.multisigner.lab.kafka;
