package dev.multisigner.domain.decide;

/** Why a zone halted; {@link #SIGNER_UNREACHABLE} clears by itself when the signer answers. */
public enum HaltCause {
  NONE,
  SIGNER_UNREACHABLE,
  COMMAND_REJECTED,
  UNACCOUNTABLE_KEY,
  KEY_TAG_COLLISION,
  UNSAFE_PLAN,
  CDS_LIMIT,
  /** A signer or the parent serves an RRset with a TTL over {@code ServedTtls.BOUND}. */
  SERVED_TTL_TOO_LONG
}
