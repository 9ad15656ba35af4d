package dev.multisigner.domain.model;

import java.util.Objects;

/** Whether a signer supports a capability: can, cannot (with a reason), or not yet built. */
public sealed interface Support {

  /** True only for {@link Can}. */
  default boolean available() {
    return this instanceof Can;
  }

  /** A human-readable reason ("" for {@link Can}). */
  String reason();

  static Support can() {
    return Can.INSTANCE;
  }

  static Support cannot(String reason) {
    return new Cannot(reason);
  }

  static Support notYet(String reason) {
    return new NotYet(reason);
  }

  /** The signer does it. */
  enum Can implements Support {
    INSTANCE;

    @Override
    public String reason() {
      return "";
    }
  }

  /** The signer (or its adapter) cannot do it, and why. */
  record Cannot(String reason) implements Support {
    public Cannot {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The signer could, but Multisigner's adapter does not do it yet, and why. */
  record NotYet(String reason) implements Support {
    public NotYet {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
