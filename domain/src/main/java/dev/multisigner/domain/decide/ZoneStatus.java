package dev.multisigner.domain.decide;

/** Where a zone stands as a whole. */
public enum ZoneStatus {
  /** Never enrolled (or its enrollment was refused). */
  ABSENT,
  /** Under management: processes advance. */
  ACTIVE,
  /** Cannot proceed safely: nothing is removed and no process advances until resumed. */
  HALTED,
  /** No longer managed. */
  RETIRED
}
