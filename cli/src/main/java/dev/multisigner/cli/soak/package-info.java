/**
 * {@code multisigner soak}: the randomized scenario matrix (issue 15) on the real lab, many zones
 * at once, each scenario deterministic from its seed and number.
 */
package dev.multisigner.cli.soak;
