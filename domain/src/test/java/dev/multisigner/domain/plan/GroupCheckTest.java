package dev.multisigner.domain.plan;

import static dev.multisigner.domain.ZoneFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multisigner.domain.group.KeyRecord;
import dev.multisigner.domain.model.KeyRole;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key-tag check names both keys by role and signer, even when one signer holds both. */
class GroupCheckTest {

  @Test
  void aCollisionWithinOneSignerNamesBothRoles() {
    assertThat(B_ZSK_COLLIDING.keyTag()).isEqualTo(A_ZSK.keyTag());
    List<KeyRecord> keys =
        List.of(
            new KeyRecord(A_KSK, A, KeyRole.KSK, T0, null),
            new KeyRecord(A_ZSK, A, KeyRole.ZSK, T0, null),
            new KeyRecord(B_ZSK_COLLIDING, A, KeyRole.ZSK, T0, null));

    assertThat(GroupCheck.keyTagCollision(keys))
        .contains(
            "key-tag collision: the ZSK of knot-a and the ZSK of knot-a both have tag "
                + A_ZSK.keyTag()
                + "; roll one of them to a key with another tag, then resume");
  }

  @Test
  void theSameKeyTwiceAndDistinctTagsAreNoCollision() {
    List<KeyRecord> keys =
        List.of(
            new KeyRecord(A_ZSK, A, KeyRole.ZSK, T0, null),
            new KeyRecord(A_ZSK, B, KeyRole.ZSK, T0, null),
            new KeyRecord(B_ZSK, B, KeyRole.ZSK, T0, null));

    assertThat(GroupCheck.keyTagCollision(keys)).isEmpty();
  }
}
