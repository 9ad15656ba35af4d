/**
 * Reading a zone's keys over DNS (TCP, DO bit) for every adapter that serves DNS, and mapping DNS
 * failures (timeouts, SERVFAIL, REFUSED) to typed provider errors.
 */
package dev.multisigner.providers.dns;
