package dev.multisigner.domain.group;

import dev.multisigner.domain.model.DsData;
import dev.multisigner.domain.model.KeyData;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A command or request the decider emitted and has not yet seen take effect: its id, what it asked
 * for, when to ask again if it still has not taken effect (after a failure or a lost result), and
 * when its writer reported it applied (null until then): only an observation taken after that
 * proves it, since an earlier command still in flight could otherwise land after the observation.
 */
public record Pending(
    String id,
    List<KeyData> keys,
    List<DsData> ds,
    List<String> names,
    Instant retryAt,
    Instant appliedAt) {

  public Pending {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(retryAt, "retryAt");
    keys = List.copyOf(keys);
    ds = List.copyOf(ds);
    names = List.copyOf(names);
  }

  public static Pending issued(
      String id, List<KeyData> keys, List<DsData> ds, List<String> names, Instant retryAt) {
    return new Pending(id, keys, ds, names, retryAt, null);
  }

  public Pending retryingAt(Instant at) {
    return new Pending(id, keys, ds, names, at, appliedAt);
  }

  public Pending appliedAt(Instant at) {
    return new Pending(id, keys, ds, names, retryAt, at);
  }
}
