/**
 * Cross-provider validation checker: fetches every signer's keys and signed answers and the
 * parent's DS. Consumes DNS over TCP with DO (dnsjava); produces a {@link
 * dev.multisigner.checker.CheckReport}.
 */
package dev.multisigner.checker;
