/**
 * The {@code multisigner} command: {@code up} runs the embedded Kafka broker and the three services
 * in one JVM; {@link dev.multisigner.cli.LocalStack} is that runtime, reused by tests and the demo.
 */
package dev.multisigner.cli;
