package dev.multisigner.domain.decide;

import java.util.List;

/** The zone's next state and what the shell must do, in order. */
public record Decision(ZoneState state, List<Output> outputs) {
  public Decision {
    outputs = List.copyOf(outputs);
  }
}
