package dev.multisigner.domain.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A signer's capabilities as declared data: one {@link Support} per {@link Capability}; a
 * capability that is not declared is {@code cannot("not declared")}.
 */
public record Capabilities(Map<Capability, Support> declared) {

  public Capabilities {
    EnumMap<Capability, Support> copy = new EnumMap<>(Capability.class);
    copy.putAll(declared);
    declared = Collections.unmodifiableMap(copy);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Support support(Capability capability) {
    return declared.getOrDefault(capability, Support.cannot("not declared"));
  }

  public boolean can(Capability capability) {
    return support(capability).available();
  }

  /** Builds a capability table. */
  public static final class Builder {
    private final EnumMap<Capability, Support> map = new EnumMap<>(Capability.class);

    public Builder can(Capability c) {
      map.put(c, Support.can());
      return this;
    }

    public Builder cannot(Capability c, String reason) {
      map.put(c, Support.cannot(reason));
      return this;
    }

    public Builder notYet(Capability c, String reason) {
      map.put(c, Support.notYet(reason));
      return this;
    }

    public Capabilities build() {
      return new Capabilities(map);
    }
  }
}
