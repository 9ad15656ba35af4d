package dev.multisigner.domain.group;

import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.KeyData;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A command or request the decider emitted and has not yet seen take effect: its id, what it asked
 * for, and when to ask again if it still has not taken effect (after a failure or a lost result).
 */
public record Pending(
    String id, List<KeyData> keys, List<DsData> ds, List<String> names, Instant retryAt) {

  public Pending {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(retryAt, "retryAt");
    keys = List.copyOf(keys);
    ds = List.copyOf(ds);
    names = List.copyOf(names);
  }

  public Pending retryingAt(Instant at) {
    return new Pending(id, keys, ds, names, at);
  }
}
