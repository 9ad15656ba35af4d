package dev.multisigner.domain.group;

import dev.multisigner.domain.model.KeyData;
import dev.multisigner.domain.model.KeyRole;
import dev.multisigner.domain.model.SignerId;
import java.time.Instant;
import java.util.Objects;

/**
 * A key the group knows: its rdata, the signer that owns it (first served it as its own), its role,
 * and since when the owner no longer serves it (null while it does).
 *
 * <pre>
 *   seen at its owner --> PUBLISHED (imported at every other member)
 *   PUBLISHED -- gone from owner's RRset (observed at t) --> RETIRED
 *   RETIRED -- t + signature wait (RFC 7583 Iret) --> withdrawn at every member --> forgotten
 * </pre>
 */
public record KeyRecord(
    KeyData data, SignerId owner, KeyRole role, Instant firstSeen, Instant goneSince) {

  public KeyRecord {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(firstSeen, "firstSeen");
  }

  public KeyRecord withRole(KeyRole r) {
    return new KeyRecord(data, owner, r, firstSeen, goneSince);
  }

  public KeyRecord withGoneSince(Instant t) {
    return new KeyRecord(data, owner, role, firstSeen, t);
  }

  public boolean retired() {
    return goneSince != null;
  }
}
