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
 * {@code issuedAt} is when this change was first asked: a retry of the same change keeps it, so
 * {@code now - issuedAt} is how long the change has been waiting (null in states stored before
 * format version 7).
 */
public record Pending(
    String id,
    List<KeyData> keys,
    List<DsData> ds,
    List<String> names,
    Instant retryAt,
    Instant appliedAt,
    Instant issuedAt) {

  public Pending {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(retryAt, "retryAt");
    keys = List.copyOf(keys);
    ds = List.copyOf(ds);
    names = List.copyOf(names);
  }

  public static Pending issued(
      String id,
      List<KeyData> keys,
      List<DsData> ds,
      List<String> names,
      Instant retryAt,
      Instant issuedAt) {
    return new Pending(id, keys, ds, names, retryAt, null, issuedAt);
  }

  public Pending retryingAt(Instant at) {
    return new Pending(id, keys, ds, names, at, appliedAt, issuedAt);
  }

  public Pending appliedAt(Instant at) {
    return new Pending(id, keys, ds, names, retryAt, at, issuedAt);
  }

  /**
   * This new command with the first-asked time of {@code earlier} when that asked for the same
   * change (this is its retry), so a change's wait is measured from its first request.
   */
  public Pending continuing(Pending earlier) {
    if (earlier == null
        || earlier.issuedAt == null
        || !earlier.keys.equals(keys)
        || !earlier.ds.equals(ds)
        || !earlier.names.equals(names)) {
      return this;
    }
    return new Pending(id, keys, ds, names, retryAt, appliedAt, earlier.issuedAt);
  }
}
